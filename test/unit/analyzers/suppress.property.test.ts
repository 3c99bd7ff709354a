import assert from 'node:assert/strict';
import fc from 'fast-check';
import { applyEdits } from '../../../src/yaml/edits';
import { lintText } from '../../../src/yaml/lint';
import { fixedPropertySeed } from '../property';

fixedPropertySeed();

/** Annotations that trip the analyzers on a Service (IST0107, IST0108, IST0135), and one that does not. */
const ANNOTATION = fc.constantFrom(
  ['networking.istio.io/exportThree', 'bar'],
  ['foo.istio.io/x', '"1"'],
  ['alpha.istio.io/canonical-serviceaccounts', 'a'],
  ['sidecar.istio.io/inject', '"false"'],
  ['app.kubernetes.io/name', 'web'],
);
const EXISTING = fc.constantFrom(undefined, 'IST0118', '"IST0118"', "'IST0150'", '""', '');
const PORT = fc.constantFrom('  - port: 8080', '  - name: http\n    port: 80', '  - name: foo\n    port: 81');

const service = fc.record({
  annotations: fc.uniqueArray(ANNOTATION, { selector: (a) => a[0], maxLength: 3 }),
  existing: EXISTING,
  flow: fc.boolean(),
  comment: fc.boolean(),
  ports: fc.array(PORT, { minLength: 1, maxLength: 3 }),
  crlf: fc.boolean(),
}).map(({ annotations, existing, flow, comment, ports, crlf }) => {
  const entries = [...annotations.map(([k, v]) => `${k}: ${v}`), ...(existing === undefined ? [] : [`galley.istio.io/analyze-suppress: ${existing}`])];
  const block = entries.length === 0 ? [] : flow ? [`  annotations: { ${entries.join(', ')} }`] : ['  annotations:' + (comment ? '  # ours' : ''), ...entries.map((e) => `    ${e}`)];
  const lines = ['apiVersion: v1', 'kind: Service', 'metadata:', '  name: web', ...block, 'spec:', '  ports:', ...ports];
  return lines.join(crlf ? '\r\n' : '\n') + (crlf ? '\r\n' : '\n');
});

const istFindings = (text: string) => lintText(text).findings.filter((f) => f.code.startsWith('IST'));

describe('"Suppress ISTxxxx for this resource" (property)', function () {
  this.timeout(60_000);

  it('parses, silences exactly its code, and leaves every other finding as it was', () => {
    let applied = 0;
    fc.assert(
      fc.property(service, (text) => {
        for (const f of istFindings(text)) {
          const fix = f.fixes?.find((x) => x.title === `Suppress ${f.code} for this resource`);
          assert.ok(fix, `no suppress fix for ${f.code} in:\n${text}`);
          const after = applyEdits(text, fix.edits);
          const result = lintText(after);
          assert.equal(result.file?.syntaxError, undefined, `broken:\n${after}`);
          const remaining = istFindings(after);
          assert.ok(!remaining.some((g) => g.code === f.code), `${f.code} still reported in:\n${after}`);
          const others = (list: typeof remaining) => list.filter((g) => g.code !== f.code).map((g) => `${g.code} ${g.message}`);
          assert.deepEqual(others(remaining), others(istFindings(text)), `in:\n${after}`);
          applied++;
        }
      }),
      { numRuns: 200 },
    );
    assert.ok(applied > 100, `only ${applied} fixes applied`);
  });
});
