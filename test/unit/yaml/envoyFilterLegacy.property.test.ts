// The rename of a deprecated Envoy filter name, over names written in every YAML style: the edited text parses,
// differs only in that name, means the canonical name, and no longer has the finding.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parse } from 'yaml';
import { applyEdits } from '../../../src/yaml/edits';
import { DEPRECATED_FILTER_NAMES } from '../../../src/yaml/envoyFilterNames';
import { lintText } from '../../../src/yaml/lint';
import { fixedPropertySeed } from '../property';

fixedPropertySeed();

const NAME = fc.constantFrom(...DEPRECATED_FILTER_NAMES.map(([from]) => from), 'envoy.filters.http.router');
const STYLE = fc.constantFrom((n: string) => n, (n: string) => `"${n}"`, (n: string) => `'${n}'`, (n: string) => `${n}  # old`);

const envoyFilter = fc.record({ filter: NAME, sub: NAME, filterStyle: STYLE, subStyle: STYLE, flow: fc.boolean(), crlf: fc.boolean() }).map((o) => {
  const sub = o.flow ? [`            subFilter: { name: ${o.subStyle(o.sub).replace('  # old', '')} }`] : ['            subFilter:', `              name: ${o.subStyle(o.sub)}`];
  const lines = ['apiVersion: networking.istio.io/v1alpha3', 'kind: EnvoyFilter', 'metadata:', '  name: f', 'spec:', '  configPatches:', '  - applyTo: HTTP_FILTER',
    '    match:', '      listener:', '        filterChain:', '          filter:', `            name: ${o.filterStyle(o.filter)}`, ...sub, '    patch:', '      operation: MERGE'];
  return { ...o, text: lines.join(o.crlf ? '\r\n' : '\n') + (o.crlf ? '\r\n' : '\n') };
});

interface Match { listener: { filterChain: { filter: { name: string; subFilter: { name: string } } } } }
const names = (text: string) => {
  const { filter } = (parse(text) as { spec: { configPatches: { match: Match }[] } }).spec.configPatches[0].match.listener.filterChain;
  return [filter.name, filter.subFilter.name];
};

describe('envoy-filter-legacy quick fix (property)', function () {
  this.timeout(60_000);

  it('parses, renames exactly the flagged name to its canonical one, and removes its finding', () => {
    let applied = 0;
    fc.assert(fc.property(envoyFilter, ({ text }) => {
      const before = lintText(text).findings.filter((f) => f.code === 'envoy-filter-legacy');
      for (const f of before) {
        const fix = f.fixes?.[0];
        assert.ok(fix, `no fix for ${f.message}`);
        const after = applyEdits(text, fix.edits);
        applied++;
        const canonical = /use "([^"]+)"/.exec(f.message)![1];
        const [oldFilter, oldSub] = names(text);
        const [newFilter, newSub] = names(after);
        assert.ok((newFilter === canonical && newSub === oldSub) || (newSub === canonical && newFilter === oldFilter), `${oldFilter},${oldSub} → ${newFilter},${newSub}`);
        const edit = fix.edits[0];
        assert.equal(after.slice(0, edit.start), text.slice(0, edit.start));
        assert.equal(after.slice(edit.start + edit.newText.length), text.slice(edit.end));
        const left = lintText(after).findings.filter((x) => x.code === 'envoy-filter-legacy');
        assert.equal(left.length, before.length - 1);
      }
    }), { numRuns: 200 });
    assert.ok(applied > 100, `only ${applied} fixes applied`);
  });
});
