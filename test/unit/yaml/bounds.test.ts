import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { LineCounter, parseAllDocuments, type YAMLError } from 'yaml';
import { YamlChecker } from '../../../src/yaml/checker';
import { lintFiles } from '../../../src/yaml/lintPaths';
import { MAX_FINDINGS, MAX_NESTING } from '../../../src/yaml/limits';
import { mayNestTooDeep, parseManifests } from '../../../src/yaml/parse';
import type { YamlLanguageService } from '../../../src/yaml/schema/languageService';
import { schemaFindings } from '../../../src/yaml/schema/diagnostics';
import { maskTemplates, touchesMasked } from '../../../src/yaml/template';
import type { Finding } from '../../../src/yaml/types';
import { findings, yaml } from './helpers';
import { fixedPropertySeed } from '../property';

fixedPropertySeed();

const check = (text: string) => new YamlChecker(async () => undefined).check('file:///bounds.yaml', text);

function namespace(name: string, injection: string): string {
  return yaml('apiVersion: v1', 'kind: Namespace', 'metadata:', `  name: ${name}`, '  labels:', `    istio-injection: ${injection}`);
}

describe('findings per file', () => {
  const text = Array.from({ length: MAX_FINDINGS + 500 }, (_, i) => namespace(`ns-${i}`, '"yes"')).join('---\n');
  const lineOf = (i: number) => i * 7 + 5;

  it(`are at most ${MAX_FINDINGS}, then one notice says how many more there are, at the first one left out`, async () => {
    const list = await check(text);
    assert.equal(list.length, MAX_FINDINGS + 1);
    assert.ok(list.slice(0, MAX_FINDINGS).every((f) => f.code === 'injection-label-value'));
    assert.equal(list[MAX_FINDINGS - 1].range.start.line, lineOf(MAX_FINDINGS - 1));
    const notice = list[MAX_FINDINGS];
    assert.deepEqual([notice.code, notice.severity, notice.message], ['too-many-findings', 'info', `500 more findings not shown: only the first ${MAX_FINDINGS} of a file are listed.`]);
    assert.deepEqual(notice.range, { start: { line: lineOf(MAX_FINDINGS), character: 21 }, end: { line: lineOf(MAX_FINDINGS), character: 21 } });
  });
  it('are capped on the command line too', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'istio-mesh-bounds-')), 'many.yaml');
    writeFileSync(file, text);
    const list = await lintFiles([file]);
    assert.equal(list.length, MAX_FINDINGS + 1);
    assert.equal(list.filter((f) => f.code === 'too-many-findings').length, 1);
  });
  it('are all listed up to the cap', async () => {
    const exactly = Array.from({ length: MAX_FINDINGS }, (_, i) => namespace(`ns-${i}`, '"yes"')).join('---\n');
    const list = await check(exactly);
    assert.equal(list.length, MAX_FINDINGS);
    assert.ok(!list.some((f) => f.code === 'too-many-findings'));
  });
});

describe('values quoted in messages', () => {
  const long = 'x'.repeat(10_000);
  const longest = (list: readonly Finding[]) => Math.max(...list.map((f) => f.message.length));

  it('are cut to 80 characters with an ellipsis', () => {
    const list = findings(namespace('shop', long));
    assert.equal(list.length, 1);
    assert.ok(list[0].message.includes(`istio-injection: ${'x'.repeat(80)}… is neither`), list[0].message);
    assert.ok(longest(findings(namespace('shop', `"${long}"`))) < 250);
  });
  it('are cut in bare numbers and namespace names too', () => {
    const digits = '1'.repeat(10_000);
    const pod = findings(yaml('apiVersion: v1', 'kind: Pod', 'metadata:', '  name: p', '  labels:', `    sidecar.istio.io/inject: ${digits}`));
    assert.deepEqual(pod.map((f) => f.code), ['inject-label-type']);
    assert.ok(pod[0].message.length < 300, pod[0].message);
    // No "Quote it" for a number: the quoted value would itself be flagged (only "true" and "false" mean something).
    assert.equal(pod[0].fixes, undefined);
    const name = 'n'.repeat(10_000);
    const asking = yaml('apiVersion: v1', 'kind: Namespace', 'metadata:', `  name: ${name}`) + '---\n' + yaml('apiVersion: v1', 'kind: Pod', 'metadata:', '  name: p', `  namespace: ${name}`, '  annotations: {sidecar.istio.io/inject: "true"}');
    assert.ok(longest(findings(asking)) < 300);
  });
  it('never split a surrogate pair', () => {
    const list = findings(namespace('shop', '"' + '😀'.repeat(100) + '"'));
    assert.ok(!/[\ud800-\udbff](?![\udc00-\udfff])/.test(list[0].message), list[0].message);
  });
  it('are cut in the parser\'s and yaml-language-server\'s messages', () => {
    const [tag] = findings(yaml(`a: !zz!${'a'.repeat(10_000)} x`));
    assert.deepEqual([tag.code, tag.message], ['yaml-syntax', `Could not resolve tag: !zz!${'a'.repeat(76)}…`]);
    const at = { line: 0, character: 0 };
    const [schema] = schemaFindings([{ range: { start: at, end: at }, message: `Property ${'p'.repeat(10_000)} is not allowed.`, severity: 2, source: 'schema' }], [], 0);
    assert.equal(schema.message, `Property ${'p'.repeat(80)}… is not allowed.`);
  });
});

/** Helm masking as it was written first (one regular expression, rescanning each action's line): the reference. */
function maskedByReference(text: string): { text: string; masked: Array<[number, number]> } {
  const spans = [...text.matchAll(/\{\{[\s\S]*?\}\}/g)].map((m): [number, number] => [m.index, m.index + m[0].length]);
  const inside = (k: number) => spans.some(([s, e]) => s <= k && k < e);
  const chars = text.split('');
  for (const [start, end] of spans) {
    const lineStart = text.lastIndexOf('\n', start - 1) + 1;
    const lineEnd = text.indexOf('\n', end) === -1 ? text.length : text.indexOf('\n', end);
    let rest = '';
    for (let k = lineStart; k < lineEnd; k++) if ((k < start || k >= end) && !inside(k)) rest += text[k];
    const fill = rest.trim() === '' ? ' ' : '_';
    // Line breaks stay, and so do the spaces that indent a line the action spans into.
    let indenting = false;
    for (let k = start; k < end; k++) {
      if (chars[k] === '\n') indenting = true;
      else if (!(indenting && chars[k] === ' ')) indenting = false;
      if (chars[k] !== '\n' && chars[k] !== '\r' && !indenting) chars[k] = fill;
    }
  }
  return { text: chars.join(''), masked: spans };
}

describe('Helm masking', () => {
  it('equals the reference on any text, in one pass', () => {
    // Whole actions too, so that several share a line with text or blanks between them and around them.
    const piece = fc.constantFrom('{{', '}}', '{', '}', 'a', ': ', ' ', '\t', '\n', '\r\n', '-', '\u00a0', '\ufeff', '{{ x }}', '{{-\n y }}');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 40, size: 'medium' }), (pieces) => {
        const text = pieces.join('');
        const got = maskTemplates(text);
        const want = maskedByReference(text);
        assert.deepEqual({ text: got.text, masked: got.masked }, want);
      }),
      { numRuns: 500 },
    );
  });
  it('finds the masked spans a range touches', () => {
    const masked: Array<[number, number]> = [[2, 5], [8, 9], [12, 20]];
    const slow = (s: number, e: number) => masked.some(([a, b]) => s < b && a < e);
    for (let s = 0; s < 22; s++) for (let e = s; e < 22; e++) assert.equal(touchesMasked(masked, s, e), slow(s, e), `${s}-${e}`);
  });
});

describe('the parser', () => {
  /** Random YAML with many equal keys (block and flow mappings, quoted and bare, null and numbers). */
  const duplicates = fc
    .array(
      fc.oneof(
        fc.tuple(fc.constantFrom('a', '"a"', "'a'", '1', '01', '1.0', '~', 'null', '', '? a', '.nan', '-0', '0'), fc.constantFrom('1', '{a: 1, a: 2}', '{1: x, "1": y}', '[a, b]', '{.nan: 1, .nan: 2}', '')).map(([k, v]) => `${k}: ${v}`),
        fc.constantFrom('  a: 1', '  b: {a: 1, b: 2, a: 3}', '- a', '---', '...', '&x a: 1', '*x : 2', '!!str 1: 3'),
      ),
      { maxLength: 8 },
    )
    .map((lines) => lines.join('\n') + '\n');

  it('reports duplicate keys as the library does, with a set per mapping, on the key itself', () => {
    const apart = (errors: readonly YAMLError[]) => [errors.filter((e) => e.code !== 'DUPLICATE_KEY').map((e) => [e.code, e.pos[0]]), errors.filter((e) => e.code === 'DUPLICATE_KEY').length];
    fc.assert(
      fc.property(duplicates, (text) => {
        const theirs = parseAllDocuments(text, { lineCounter: new LineCounter(), prettyErrors: false });
        const docs = Array.isArray(theirs) ? theirs : [];
        const ours = parseManifests(text).manifests;
        assert.equal(ours.length, docs.length);
        ours.forEach((m, i) => {
          assert.deepEqual(apart(m.doc.errors), apart(docs[i].errors), text);
          // The same first error (errors at one position may come in another order).
          const [mine, theirs] = [m.doc.errors[0], docs[i].errors[0]];
          assert.ok(mine?.code === theirs?.code || mine.pos[0] === theirs.pos[0], text);
          // The library points at the end of what comes before the key; this parser at the key, a little later.
          const theirDuplicates = docs[i].errors.filter((e) => e.code === 'DUPLICATE_KEY');
          m.doc.errors.filter((e) => e.code === 'DUPLICATE_KEY').forEach((e, k) => assert.ok(e.pos[0] >= theirDuplicates[k].pos[0], text));
        });
      }),
      { numRuns: 500 },
    );
  });

  it('reads apiVersion as before, without backtracking', () => {
    const before = /^([a-z0-9]([a-z0-9.-]*[a-z0-9])?\/)?v[0-9]+[a-z0-9]*$/;
    const value = fc.string({ unit: fc.constantFrom('a', 'v', '1', '.', '-', '/', 'Z', '_'), maxLength: 12 });
    fc.assert(
      fc.property(value, (v) => {
        const [m] = parseManifests(`apiVersion: "${v}"\nkind: Namespace\n`).manifests;
        assert.equal(m.apiVersion !== undefined, before.test(v), v);
      }),
      { numRuns: 1000 },
    );
  });

  it(`checks documents nested ${MAX_NESTING} levels deep, and not one level deeper`, () => {
    const nested = (levels: number) => yaml('apiVersion: v1', 'kind: Namespace', 'metadata:', '  name: shop', '  labels: {istio-injection: "yes"}', `data: ${'['.repeat(levels - 1)}${']'.repeat(levels - 1)}`);
    assert.deepEqual(findings(nested(MAX_NESTING)).map((f) => f.code), ['injection-label-value']);
    const deeper = findings(nested(MAX_NESTING + 1));
    assert.deepEqual(deeper.map((f) => [f.code, f.severity, f.range.start.line, f.range.start.character]), [['nesting-too-deep', 'info', 5, 6 + MAX_NESTING - 1]]);
  });

  it('goes on after a document nested too deep, with lines counted right', () => {
    const deep = yaml('a: ' + '['.repeat(5000), '  b: {c: 1}');
    const text = '%YAML 1.2\n---\n' + deep + '---\n' + namespace('one', '"yes"') + '...\n' + deep + '...\n' + namespace('two', '"yes"');
    const lines = text.split('\n');
    const list = findings(text);
    assert.deepEqual(list.map((f) => f.code), ['nesting-too-deep', 'injection-label-value', 'injection-label-value']);
    assert.deepEqual(list.slice(1).map((f) => lines[f.range.start.line].slice(f.range.start.character)), ['"yes"', '"yes"']);
    assert.equal(parseManifests(text).manifests.length, 4);
  });

  it('never says a document is shallow when it nests too deep', () => {
    const level = fc.constantFrom('[', '{a: ', '- ', '? ', 'a: ', '- a: ', '\n', '\n  ', '  ', '"x": ', '# [[[\n');
    fc.assert(
      fc.property(fc.array(level, { minLength: 50, maxLength: 400 }), (levels) => {
        const text = levels.join('') + 'x\n';
        if (!mayNestTooDeep(text)) assert.equal(parseManifests(text).tooDeep, undefined, JSON.stringify(text));
      }),
      { numRuns: 300 },
    );
  });

  it('never says a valid document is shallow when it nests too deep, reading its scalars', () => {
    // Valid YAML around the limit: block mappings and sequences, then flow collections, with scalars full of
    // brackets beside each level (quoted on one line or over two, block scalars of each kind). No `{{`: that would
    // make it a Helm template.
    const pad = (n: number) => ' '.repeat(n);
    const decoys = [
      () => `"[{[{\\"[["`,
      () => `'[[''{['`,
      (n: number) => `|\n${pad(n + 2)}{[{[{[{[\n\n${pad(n + 4)}[[[[`,
      (n: number) => `>-\n${pad(n + 2)}[[[[`,
      (n: number) => `|2+\n${pad(n + 2)}{[{[`,
      (n: number) => `"[[[[\n${pad(n + 2)}{[{["`,
    ];
    const doc = fc.record({
      block: fc.array(fc.record({ seq: fc.boolean(), decoy: fc.option(fc.nat(decoys.length - 1), { nil: undefined }) }), { minLength: 2, maxLength: 30 }),
      flow: fc.array(fc.record({ seq: fc.constantFrom(true, true, true, false), decoy: fc.boolean() }), { minLength: 100, maxLength: 230 }),
    });
    const render = ({ block, flow }: { block: { seq: boolean; decoy?: number }[]; flow: { seq: boolean; decoy: boolean }[] }) => {
      const lines: string[] = [];
      let n = 0;
      block.forEach((level, i) => {
        if (level.decoy !== undefined) lines.push(`${pad(n)}${level.seq ? '- ' : `d${i}: `}${decoys[level.decoy](n)}`);
        lines.push(`${pad(n)}${level.seq ? '-' : `k${i}:`}`);
        n += 2;
      });
      const open = flow.map((l) => (l.seq ? (l.decoy ? '["]]]", ' : '[') : l.decoy ? '{b: "}}}", a: ' : '{a: ')).join('');
      const close = flow.map((l) => (l.seq ? ']' : '}')).reverse().join('');
      lines.push(`${pad(n)}${open}x${close}`);
      return lines.join('\n') + '\n';
    };
    let shallow = 0;
    let deep = 0;
    fc.assert(
      fc.property(doc, (levels) => {
        const text = render(levels);
        const parsed = parseManifests(text);
        assert.equal(parsed.syntaxError, undefined, text);
        if (parsed.tooDeep) deep++;
        if (mayNestTooDeep(text, true)) return;
        shallow++;
        assert.equal(parsed.tooDeep, undefined, text);
      }),
      { numRuns: 300 },
    );
    assert.ok(shallow > 20 && deep > 20, `${shallow} generated documents said shallow, ${deep} too deep: the boundary is not tested`);
  });

  it('counts no level for the braces of a JSON document in a block scalar or a one-line string', () => {
    const json = '{"a":'.repeat(MAX_NESTING) + '1' + '}'.repeat(MAX_NESTING);
    for (const text of [yaml('kind: ConfigMap', 'data:', '  dash.json: |', `    ${json}`, '    more', '  other: x'), yaml('data:', `  dash.json: '${json}'`), yaml('- a: >-', `    ${json}`)]) {
      assert.equal(mayNestTooDeep(text), true);
      assert.equal(mayNestTooDeep(text, true), false, text);
    }
    // The same braces as YAML's own flow collections, or after the block scalar's end, still count.
    assert.equal(mayNestTooDeep(yaml('data:', '  dash.json: |', '    x', `  other: ${'['.repeat(MAX_NESTING)}`), true), true);
    assert.equal(mayNestTooDeep(yaml('- a: |', '    x', `  b: ${'['.repeat(MAX_NESTING)}`), true), true);
  });

  it('sends yaml-language-server neither documents nested too deep nor empty ones', async () => {
    const sent: string[] = [];
    const service: YamlLanguageService = {
      validate: async (_uri, text) => {
        sent.push(text);
        return [];
      },
      hover: async () => null,
      complete: async () => ({ items: [], isIncomplete: false }),
      covers: () => true,
      setSchema: () => undefined,
      dispose: () => undefined,
    };
    const deep = yaml('kind: Thing', 'data: ' + '['.repeat(10_000));
    // Its neighbours are Kubernetes objects (only those go to schema validation).
    const object = (name: string) => yaml('apiVersion: v1', 'kind: ConfigMap', 'metadata:', `  name: ${name}`);
    const list = await new YamlChecker(async () => service).check('file:///deep.yaml', object('a') + '---\n' + deep + '---\n' + object('b'), { schema: true });
    assert.deepEqual(list.map((f) => f.code), ['nesting-too-deep']);
    assert.ok(sent.length > 0 && sent.every((t) => !t.includes('[[[')), 'the deep document was sent');
    sent.length = 0;
    assert.deepEqual(await new YamlChecker(async () => service).check('file:///empty.yaml', '---\n# nothing\n...\n'.repeat(20) + object('c'), { schema: true }), []);
    // (A call of blanked lines only may come too: it carries no document.)
    assert.deepEqual(sent.map((t) => t.trim()).filter((t) => t !== ''), ['---\n# nothing\n...\n' + object('c').trim()]);
  });
});
