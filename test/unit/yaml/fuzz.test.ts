import assert from 'node:assert/strict';
import fc from 'fast-check';
import { YamlChecker } from '../../../src/yaml/checker';
import { MAX_FINDINGS } from '../../../src/yaml/limits';
import { DEFAULT_MAX_FILE_SIZE } from '../../../src/yaml/lint';
import { loadFast } from '../../../src/yaml/schema/fastYaml';
import type { Finding } from '../../../src/yaml/types';
import { fixedPropertySeed } from '../property';

fixedPropertySeed();

/**
 * The YAML checks run on every keystroke: on any text up to `istio.yaml.maxFileSize` they must finish in time
 * linear in its size. Adversarial texts are generated, each at two sizes, and checked the way the editor checks
 * them (`YamlChecker.check`, schema validation off: it runs in a worker with its own timeout). Times are the
 * process's CPU time, the least of three runs after a warm-up, so that other work on the machine counts less.
 */

/** Pieces that make parsers and scanners work: markers, indicators, Helm actions, quotes, odd characters. */
const PIECES = [
  '{{', '}}', '{{x}}', '{{- if .Values.a }}', '{{ {{ x }} }}', '{{/*', '*/}}', '{{ .Values.x | quote }}',
  '---', '...', '--- ', '%YAML 1.2', '%',
  '[', ']', '{', '}', ',', '[a, ', '{a: ', '- ', '? ', ': ', 'a: ', 'a:', ':', 'key: value', '"a": ', "'a': ", 'a:b:c',
  '&a ', '*a ', '&a [*a, *a]', '!t ', '!!str ', '<<: *a', '|', '>-', '|+2',
  '  ', '    ', '\t', '#', ' # c', '"', "'", '\\', '"\\u00e9\\n\\x"', "'it''s'", 'word ',
  'apiVersion: v1', 'apiVersion: v1111', 'apiVersion: a.b-c/v', 'kind: Namespace', 'kind: Pod', 'kind: Deployment',
  'metadata: {name: x, labels: {istio-injection: "yes"}}', '  labels:', '    istio-injection: maybe', '    sidecar.istio.io/inject: 1111',
  'hostNetwork: true', 'istio.io/rev: x',
  'é', '😀', '\u2028', '\ufeff', '\u0000', '\ud800', '\u00a0',
] as const;
const NEWLINES = ['\n', '\r\n', '\r'] as const;

interface Shape {
  readonly name: string;
  /** A text of about `size` characters. */
  make(size: number): string;
}

/** A shape that fast-check prints by its name when it finds a counterexample. */
function shape(name: string, make: (size: number) => string): Shape {
  return Object.assign({ name, make }, { [fc.toStringMethod]: () => name });
}

const repeated = (name: string, prefix: string, unit: string): Shape =>
  shape(name, (size) => prefix + unit.repeat(Math.max(1, Math.ceil((size - prefix.length) / unit.length))));

/** A unit of a few pieces and line breaks, repeated: long lines, many lines, many documents, deep flow or compact nesting. */
const repeatedUnit: fc.Arbitrary<Shape> = fc
  .record({
    prefix: fc.constantFrom('', '\ufeff', '%YAML 1.2\n---\n', 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n  labels:\n    istio-injection: ', 'a: '),
    unit: fc.array(fc.tuple(fc.constantFrom(...PIECES), fc.option(fc.constantFrom(...NEWLINES), { freq: 2 })), { minLength: 1, maxLength: 6 }),
  })
  .map(({ prefix, unit }) => {
    const text = unit.map(([piece, newline]) => piece + (newline ?? '')).join('');
    return repeated(`${JSON.stringify(prefix)} + (${JSON.stringify(text)})*`, prefix, text);
  });

/** Block nesting: each line indented one step more than the last (the size grows with the square of the depth). */
const blockNesting: fc.Arbitrary<Shape> = fc
  .record({ line: fc.constantFrom('k:', '- k:', '-', '? k', 'k: |', 'k: [', '"k":'), step: fc.constantFrom(1, 2, 4), newline: fc.constantFrom(...NEWLINES) })
  .map(({ line, step, newline }) =>
    shape(`block nesting of ${JSON.stringify(line)} by ${step} (${JSON.stringify(newline)})`, (size) => {
      const lines: string[] = [];
      for (let length = 0, i = 0; length < size; i++) {
        const l = ' '.repeat(i * step) + line + newline;
        lines.push(l);
        length += l.length;
      }
      return lines.join('');
    }),
  );

/** Documents of real manifests, with a mistake or not, between odd separators: rules and findings at scale. */
const manyDocuments: fc.Arbitrary<Shape> = fc
  .record({
    separator: fc.constantFrom('---\n', '--- \r\n', '...\n---\n', '---\r', '...\n', '--- # c\n'),
    body: fc.constantFrom(
      'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ns\n  labels:\n    istio-injection: "yes"\n',
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: ns\n  labels: {sidecar.istio.io/inject: yes}\nspec: {hostNetwork: true}\n',
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Values.n }}\n  labels: {sidecar.istio.io/inject: "true"}\n',
      'a: [unclosed\n',
      'a: &a [1, *a]\nb: *a\n',
      '',
    ),
  })
  .map(({ separator, body }) =>
    // Each document its own (names differ): the checker parses a document only once per text.
    shape(`documents ${JSON.stringify(separator + body)}`, (size) => {
      const docs: string[] = [];
      for (let i = 0, length = 0; length < size; i++) {
        const doc = separator + body.replace(/\b(ns|p)\b/g, `$1-${i}`) + `# ${i}\n`;
        docs.push(doc);
        length += doc.length;
      }
      return docs.join('');
    }),
  );

/** Anchors and aliases: an alias bomb grows nine times per line, and the checks must never expand it. */
const aliases: fc.Arbitrary<Shape> = fc.constantFrom<Shape>(
  shape('alias bomb', (size) => {
    const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x]'];
    for (let i = 1, length = 0; length < size; i++) {
      const line = `a${i}: &a${i} [${Array(9).fill(`*a${i - 1}`).join(', ')}]`;
      lines.push(line);
      length += line.length + 1;
    }
    return lines.join('\n') + '\n';
  }),
  repeated('aliases of one anchor', 'a: &a {b: c}\n', 'x: [*a, *a, *a]\n'),
  repeated('undefined aliases', '', '*a '),
);

/** Very long scalars of every style, of odd characters. */
const longScalars: fc.Arbitrary<Shape> = fc
  .record({ open: fc.constantFrom('a: ', 'a: "', "a: '", 'a: |\n  ', 'a: >\n  ', '- ', 'a: !!binary ', 'apiVersion: v1\nkind: Namespace\nmetadata: {name: a, labels: {istio-injection: ', 'kind: Namespace\napiVersion: v', 'kind: Namespace\napiVersion: a'), unit: fc.constantFrom('x', '1', '.', '-', 'word ', '\\"', "''", '\u00e9', '😀', '\t', ' ', '\u0000', ': ', ' #', '{{', '\n  ', '\r\n  ') })
  .map(({ open, unit }) => repeated(`long scalar ${JSON.stringify(open)} + (${JSON.stringify(unit)})*`, open, unit));

/** Helm actions on long lines or many, closed or not. */
const helm: fc.Arbitrary<Shape> = fc
  .array(fc.constantFrom('{{x}}', '{{ .Values.a }}', '{{', '}}', '{{- if .b -}}', ' ', 'a', ': ', '- ', '\n', '\r\n', '#'), { minLength: 1, maxLength: 5 })
  .map((pieces) => repeated(`helm (${JSON.stringify(pieces.join(''))})*`, 'a: ', pieces.join('')));

/** Regular block YAML at scale, which the command line's regular reader reads whole: its own loops at work. */
const regularYaml: fc.Arbitrary<Shape> = fc.constantFrom<Shape>(
  repeated('a plain scalar folded over many lines', 'a: x\n', '  folded words\n'),
  repeated('a single-quoted scalar folded over many lines', "a: 'x\n", "  it''s folded\n\n"),
  repeated('a double-quoted scalar folded over many lines', 'a: "x\n', '  \\" word \\\n  \\u00e9\n\n'),
  repeated('a block scalar of many lines', 'a: |\n', '  line of text\n    more\n'),
  repeated('a folded block scalar of many lines', 'a: >-\n', '  line of text\n\n'),
  shape('a mapping of many keys', (size) => Array.from({ length: Math.ceil(size / 12) }, (_, i) => `k${i}: [v, 'w']`).join('\n') + '\n'),
  repeated('a sequence of many mappings', 'a:\n', '- name: x\n  value: {k: v}\n'),
  repeated('many documents', '', 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: x\n---\n'),
  repeated('nesting ended by many comment lines', Array.from({ length: 60 }, (_, i) => `${' '.repeat(i)}k:`).join('\n') + `\n${' '.repeat(60)}v: 1\n`, '# c\n\n'),
);

const SHAPES = fc.oneof(repeatedUnit, repeatedUnit, blockNesting, manyDocuments, aliases, longScalars, helm);

/** The checks of a text as the editor runs them (a new checker: nothing cached). */
async function check(text: string): Promise<Finding[]> {
  return new YamlChecker(async () => undefined).check('file:///fuzz.yaml', text, { maxFileSize: DEFAULT_MAX_FILE_SIZE });
}

/** The command line's first read of a text as plain values (the regular reader, else js-yaml), with no findings. */
async function plainRead(text: string): Promise<Finding[]> {
  loadFast(text);
  return [];
}

type Run = (text: string) => Promise<Finding[]>;

/** CPU milliseconds of the checks of a text, with their findings. */
async function cpuTime(text: string, run: Run = check): Promise<{ ms: number; findings: Finding[] }> {
  const before = process.cpuUsage();
  const findings = await run(text);
  const used = process.cpuUsage(before);
  return { ms: (used.user + used.system) / 1000, findings };
}

/** The least disturbed of three runs, after a warm-up. */
async function cost(text: string, run: Run): Promise<number> {
  await run(text);
  return Math.min(...[await cpuTime(text, run), await cpuTime(text, run), await cpuTime(text, run)].map((r) => r.ms));
}

function assertSane(text: string, findings: readonly Finding[]): void {
  assert.ok(findings.length <= MAX_FINDINGS + 1, `${findings.length} findings`);
  const lines = text.split('\n').length;
  for (const f of findings) {
    assert.ok(f.message.length <= 600, `a message of ${f.message.length} characters: ${f.message.slice(0, 200)}…`);
    assert.ok(f.range.start.line >= 0 && f.range.start.line <= lines && f.range.end.line <= lines, `${f.code} at line ${f.range.start.line} of ${lines}`);
  }
}

const SMALL = 25_000;
/** Linear is 4x; quadratic would be 16x. Below this many milliseconds a run is too short to compare. */
const GROWTH = 4;
const MAX_RATIO = 8;
const FLOOR_MS = 20;

/** How much more the checks of the shape cost at four times the size (measured again once if it looks too much). */
async function growth(shape: Shape, run: Run = check): Promise<{ ratio: number; small: number; large: number }> {
  const small = shape.make(SMALL);
  const large = shape.make(SMALL * GROWTH);
  let result = { ratio: 0, small: 0, large: 0 };
  for (let attempt = 0; attempt < 2; attempt++) {
    const [a, b] = [await cost(small, run), await cost(large, run)];
    result = { ratio: b / Math.max(a, FLOOR_MS), small: a, large: b };
    if (result.ratio < MAX_RATIO) break;
  }
  return result;
}

describe('YAML checks on adversarial input', function () {
  this.timeout(120_000);

  it('never throw, and cost time linear in the size of what they check', async () => {
    await fc.assert(
      fc.asyncProperty(SHAPES, async (shape) => {
        const large = shape.make(SMALL * GROWTH);
        assertSane(large, (await cpuTime(large)).findings);
        const { ratio, small, large: ms } = await growth(shape);
        assert.ok(ratio < MAX_RATIO, `${shape.name}: ${small.toFixed(1)} ms at ${SMALL} characters, ${ms.toFixed(1)} ms at ${SMALL * GROWTH} (${ratio.toFixed(1)}x)`);
      }),
      { numRuns: 16, endOnFailure: true },
    );
  });

  it('the command line\'s first read as plain values (src/yaml/schema/regularYaml.ts, js-yaml) never throws, and costs time linear in the size', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(SHAPES, regularYaml), async (shape) => {
        const { ratio, small, large: ms } = await growth(shape, plainRead);
        assert.ok(ratio < MAX_RATIO, `${shape.name}: ${small.toFixed(1)} ms at ${SMALL} characters, ${ms.toFixed(1)} ms at ${SMALL * GROWTH} (${ratio.toFixed(1)}x)`);
      }),
      { numRuns: 40, endOnFailure: true },
    );
  });

  it('check a file of istio.yaml.maxFileSize characters in seconds, whatever it holds', async () => {
    await fc.assert(
      fc.asyncProperty(SHAPES, async (shape) => {
        const text = shape.make(DEFAULT_MAX_FILE_SIZE).slice(0, DEFAULT_MAX_FILE_SIZE);
        const { ms, findings } = await cpuTime(text);
        assertSane(text, findings);
        // The heaviest shapes found (an error on every line) take the yaml library 5 to 10 s: a quadratic step would take minutes.
        assert.ok(ms < 30_000, `${shape.name}: ${ms.toFixed(0)} ms for ${text.length} characters`);
      }),
      { numRuns: 2, endOnFailure: true },
    );
  });

  describe('known cases that took seconds or more', () => {
    async function within(text: string, limitMs: number): Promise<Finding[]> {
      const { ms, findings } = await cpuTime(text);
      assertSane(text, findings);
      assert.ok(ms < limitMs, `${ms.toFixed(0)} ms for ${text.length} characters`);
      return findings;
    }

    it('200 KB of {{x}} on one line (30 s: each action rescanned its line)', async () => {
      await within('{{x}}'.repeat(40_000), 2_000);
      await within('{{x}}'.repeat(DEFAULT_MAX_FILE_SIZE / 5), 10_000);
    });
    it('apiVersion: v and 200,000 digits (20 s: a backtracking regular expression)', async () => {
      await within(`apiVersion: v${'1'.repeat(200_000)}_\nkind: Namespace\nmetadata: {name: a, labels: {istio-injection: "yes"}}\n`, 1_000);
    });
    it('80 KB of --- lines (440,000 findings with schema validation)', async () => {
      await within('---\n'.repeat(20_000), 2_000);
      await within('---\n'.repeat(DEFAULT_MAX_FILE_SIZE / 4), 10_000);
    });
    it('a mapping of 40,000 keys (23 s: each key was compared with every earlier one)', async () => {
      const keys = Array.from({ length: 40_000 }, (_, i) => `k${i}: ${i}`).join('\n') + '\nk0: again\n';
      const [syntax] = await within(keys, 5_000);
      assert.deepEqual([syntax.code, syntax.message, syntax.range.start.line], ['yaml-syntax', 'Map keys must be unique', 40_000]);
    });
    it('2 MB of [ (the parser ran out of stack, and parsing such a text twice ended the process)', async () => {
      const findings = await within(`a: ${'['.repeat(DEFAULT_MAX_FILE_SIZE - 3)}`, 2_000);
      assert.deepEqual(findings.map((f) => f.code), ['nesting-too-deep']);
      await within(`a: ${'['.repeat(DEFAULT_MAX_FILE_SIZE - 3)}`, 2_000);
    });
    it('2 MB of Namespaces with a mistake each (a finding per document)', async () => {
      const docs: string[] = [];
      for (let i = 0, length = 0; length < DEFAULT_MAX_FILE_SIZE - 200; i++) {
        docs.push(`apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ns-${i}\n  labels:\n    istio-injection: "yes"\n---\n`);
        length += docs[i].length;
      }
      const findings = await within(docs.join(''), 15_000);
      assert.equal(findings.length, MAX_FINDINGS + 1);
    });
  });
});
