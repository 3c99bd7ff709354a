// The removal of a dead IstioOperator setting, over operators written in block and flow style, with comments, quoted
// keys, CRLF line ends and either indentation: the edited text parses, means the same minus that setting (and any
// mapping it leaves empty), has one removed-field finding fewer and no other finding changed.
import assert from 'node:assert/strict';
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { parseAllDocuments } from 'yaml';
import { applyEdits } from '../../../src/yaml/edits';
import { lintText } from '../../../src/yaml/lint';
import { REMOVED_FIELDS, snakeCase } from '../../../src/yaml/removedFields';
import { fixedPropertySeed } from '../property';
import { pruned, without } from './settingTrees';

fixedPropertySeed();

type Tree = { [key: string]: Tree | string | boolean };

/** Dead settings, each with the value that makes its fix apply (a component turned off). */
const DEAD = REMOVED_FIELDS.filter((f) => f.fix !== undefined);
const KEPT: ReadonlyArray<[readonly string[], string | boolean]> = [
  [['profile'], 'demo'],
  [['values', 'global', 'hub'], 'docker.io/istio'],
  [['meshConfig', 'accessLogFile'], '/dev/stdout'],
  [['components', 'pilot', 'enabled'], true],
];

const setting = fc.record({
  field: fc.constantFrom(...DEAD),
  snake: fc.boolean(),
  underValues: fc.boolean(),
  leaf: fc.constantFrom('x', 'true', '"quoted"'),
});

const operator = fc.record({
  settings: fc.array(setting, { minLength: 1, maxLength: 5 }),
  kept: fc.subarray([...KEPT]),
  flowDepth: fc.constantFrom(1, 2, 3, 4, 99),
  comments: fc.boolean(),
  quotedKeys: fc.boolean(),
  indent: fc.constantFrom(2, 4),
  crlf: fc.boolean(),
});

function put(tree: Tree, path: readonly string[], value: Tree | string | boolean): void {
  let at = tree;
  for (const key of path.slice(0, -1)) {
    const next = at[key];
    at = typeof next === 'object' ? next : (at[key] = {});
  }
  at[path[path.length - 1]] = value;
}

type Model = typeof operator extends fc.Arbitrary<infer T> ? T : never;

function spec(o: Model): Tree {
  const tree: Tree = {};
  for (const [path, value] of o.kept) put(tree, path, value);
  for (const s of o.settings) {
    const f = s.field;
    let path = [...f.path];
    if (f.place === 'meshConfig') path = [...(s.underValues ? ['values', 'meshConfig'] : ['meshConfig']), ...path.map((k) => (s.snake ? snakeCase(k) : k))];
    put(tree, path, f.fix === 'removeWhenDisabled' ? { enabled: false } : s.leaf);
  }
  return tree;
}

function render(o: Model, tree: Tree): string {
  const key = (k: string) => (o.quotedKeys && k !== 'enabled' ? `"${k}"` : k);
  const scalar = (v: string | boolean) => String(v);
  const flow = (t: Tree): string => `{${Object.entries(t).map(([k, v]) => `${key(k)}: ${typeof v === 'object' ? flow(v) : scalar(v)}`).join(', ')}}`;
  const block = (t: Tree, depth: number): string[] =>
    Object.entries(t).flatMap(([k, v]) => {
      const pad = ' '.repeat(o.indent * depth);
      const note = o.comments ? '  # kept' : '';
      if (typeof v !== 'object') return [`${pad}${key(k)}: ${scalar(v)}${note}`];
      if (depth + 1 >= o.flowDepth) return [`${pad}${key(k)}: ${flow(v)}${note}`];
      return [`${pad}${key(k)}:${note}`, ...block(v, depth + 1)];
    });
  const lines = ['apiVersion: install.istio.io/v1alpha1', 'kind: IstioOperator', 'metadata:', `${' '.repeat(o.indent)}name: installed`, ...(o.comments ? ['# the install'] : []), 'spec:', ...block(tree, 1)];
  const text = lines.join('\n') + '\n';
  return o.crlf ? text.replace(/\n/g, '\r\n') : text;
}

describe('removed-field quick fix (property)', function () {
  this.timeout(60_000);

  it('parses, removes exactly the flagged setting, and only its finding goes', () => {
    let applied = 0;
    fc.assert(
      fc.property(operator, (o) => {
        const text = render(o, spec(o));
        const all = lintText(text).findings;
        const before = all.filter((f) => f.code === 'removed-field');
        const others = all.filter((f) => f.code !== 'removed-field').map((f) => [f.code, f.message]);
        assert.ok(before.length > 0, text);
        for (const f of before) {
          const fix = f.fixes?.[0];
          if (!fix) continue;
          applied++;
          const after = applyEdits(text, fix.edits);
          const docs = parseAllDocuments(after);
          assert.ok(!Array.isArray(docs) || docs.every((d) => d.errors.length === 0), `does not parse:\n${after}`);
          const path = ['spec', ...f.message.split(' ')[0].split('.').slice(1)];
          const expected = pruned(without(parseAllDocuments(text)[0].toJS(), path));
          assert.ok(isDeepStrictEqual(pruned(parseAllDocuments(after)[0].toJS()), expected), `${path.join('.')} not removed alone:\n${text}\n---\n${after}`);
          const left = lintText(after).findings;
          assert.equal(left.filter((x) => x.code === 'removed-field').length, before.length - 1, after);
          assert.deepEqual(left.filter((x) => x.code !== 'removed-field').map((x) => [x.code, x.message]), others);
        }
      }),
      { numRuns: 200 },
    );
    assert.ok(applied > 200, `only ${applied} fixes applied`);
  });
});
