// The removal of a dead mesh config setting inside the `istio` ConfigMap's `data.mesh` block scalar, over every
// literal header (`|`, `|-`, `|+`, a comment after it), block indentations, blank lines, flow mappings and CRLF line
// ends: the file parses, its mesh text means the same minus that setting (and any mapping it empties), the edit stays
// inside the block's content, only that finding goes and none comes.
import assert from 'node:assert/strict';
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { parse, parseAllDocuments } from 'yaml';
import { applyEdits } from '../../../src/yaml/edits';
import { lintText } from '../../../src/yaml/lint';
import { REMOVED_FIELDS, snakeCase } from '../../../src/yaml/removedFields';
import { fixedPropertySeed } from '../property';
import { pruned, without } from './settingTrees';

fixedPropertySeed();

type Tree = { [key: string]: Tree | string };

const DEAD = REMOVED_FIELDS.filter((f) => f.place === 'meshConfig' && f.fix === 'remove' && !f.path.includes('[]') && f.value === undefined);
const KEPT: ReadonlyArray<[readonly string[], string]> = [
  [['enableTracing'], 'true'],
  [['accessLogFile'], '/dev/stdout'],
  [['defaultConfig', 'discoveryAddress'], 'istiod.istio-system.svc:15012'],
];

const mesh = fc.record({
  dead: fc.uniqueArray(fc.constantFrom(...DEAD), { minLength: 1, maxLength: 4 }),
  snake: fc.boolean(),
  kept: fc.subarray([...KEPT]),
  header: fc.constantFrom('|', '|-', '|+', '| # istiod reads this'),
  // Columns of the block's text: deeper than the `mesh:` key at column 2.
  indent: fc.constantFrom(3, 4, 6, 8),
  step: fc.constantFrom(2, 4),
  blankAfter: fc.nat(6),
  flow: fc.boolean(),
  crlf: fc.boolean(),
});

type Model = typeof mesh extends fc.Arbitrary<infer T> ? T : never;

function put(tree: Tree, path: readonly string[], value: string): void {
  let at = tree;
  for (const key of path.slice(0, -1)) at = typeof at[key] === 'object' ? (at[key] as Tree) : (at[key] = {});
  at[path[path.length - 1]] = value;
}

function render(m: Model): string {
  const tree: Tree = {};
  for (const [path, value] of m.kept) put(tree, path, value);
  for (const f of m.dead) put(tree, m.snake ? f.path.map(snakeCase) : f.path, 'x');
  const flow = (t: Tree): string => `{${Object.entries(t).map(([k, v]) => `${k}: ${typeof v === 'object' ? flow(v) : v}`).join(', ')}}`;
  const block = (t: Tree, depth: number): string[] =>
    Object.entries(t).flatMap(([k, v]) => {
      const pad = ' '.repeat(m.step * depth);
      if (typeof v !== 'object') return [`${pad}${k}: ${v}`];
      return m.flow ? [`${pad}${k}: ${flow(v)}`] : [`${pad}${k}:`, ...block(v, depth + 1)];
    });
  const inner = block(tree, 0);
  // A blank line somewhere inside the block: part of the text, never a reason to lose the exact way back.
  if (m.blankAfter < inner.length - 1) inner.splice(m.blankAfter + 1, 0, '');
  const lines = ['apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: istio', '  namespace: istio-system', 'data:', `  mesh: ${m.header}`, ...inner.map((l) => (l === '' ? '' : ' '.repeat(m.indent) + l)), '  meshNetworks: "networks: {}"'];
  const text = lines.join('\n') + '\n';
  return m.crlf ? text.replace(/\n/g, '\r\n') : text;
}

const meshOf = (text: string): unknown => parse((parseAllDocuments(text) as ReturnType<typeof parseAllDocuments> & unknown[])[0].toJS().data.mesh);

describe('removed-field quick fix inside the istio ConfigMap mesh text (property)', function () {
  this.timeout(60_000);

  it('parses, removes exactly the flagged setting inside the block, and only its finding goes', () => {
    let applied = 0;
    fc.assert(
      fc.property(mesh, (m) => {
        const text = render(m);
        const all = lintText(text).findings;
        const before = all.filter((f) => f.code === 'removed-field');
        const others = all.filter((f) => f.code !== 'removed-field').map((f) => [f.code, f.message]);
        assert.equal(before.length, m.dead.length, text);
        const blockStart = text.indexOf('\n', text.indexOf('  mesh: ')) + 1;
        const blockEnd = text.indexOf('  meshNetworks:');
        for (const f of before) {
          const fix = f.fixes?.[0];
          // The only setting of the mesh text is not removed: an empty mesh config is left to a person.
          if (!fix) {
            assert.equal(Object.keys(meshOf(text) as object).length, 1, `no fix for ${f.message}\n${text}`);
            continue;
          }
          applied++;
          const [edit] = fix.edits;
          assert.ok(edit.start >= blockStart && edit.end <= blockEnd, `the edit leaves the block:\n${JSON.stringify(edit)}\n${text}`);
          const after = applyEdits(text, fix.edits);
          assert.ok(parseAllDocuments(after).every((d) => d.errors.length === 0), `does not parse:\n${after}`);
          const path = f.message.split(' ')[1].split('.');
          assert.ok(isDeepStrictEqual(pruned(meshOf(after)), pruned(without(meshOf(text), path))), `${path.join('.')} not removed alone:\n${text}\n---\n${after}`);
          const left = lintText(after).findings;
          assert.equal(left.filter((x) => x.code === 'removed-field').length, before.length - 1, after);
          assert.deepEqual(left.filter((x) => x.code !== 'removed-field').map((x) => [x.code, x.message]), others);
          // The ConfigMap around the block is unchanged: its other keys read the same.
          const outer = (t: string) => ({ ...(parseAllDocuments(t) as unknown as Array<{ toJS(): { data: Record<string, unknown> } }>)[0].toJS().data, mesh: undefined });
          assert.deepEqual(outer(after), outer(text));
        }
      }),
      { numRuns: 200 },
    );
    assert.ok(applied > 200, `only ${applied} fixes applied`);
  });
});
