import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import fc from 'fast-check';
import { isDeepStrictEqual } from 'node:util';
import { Composer, Parser } from 'yaml';
import type { Diagnostic } from 'yaml-language-server';
import { YamlChecker } from '../../../src/yaml/checker';
import { lintFiles, lintPaths } from '../../../src/yaml/lintPaths';
import { splitDocuments } from '../../../src/yaml/chunks';
import { parseManifests } from '../../../src/yaml/parse';
import { createCompiledSchemaValidation } from '../../../src/yaml/schema/compiledService';
import { CORE_STARTS, loadFast, resolvePlain } from '../../../src/yaml/schema/fastYaml';
import { hasDuplicateKey, readRegularYaml } from '../../../src/yaml/schema/regularYaml';
import { maskTemplates } from '../../../src/yaml/template';
import { createYamlLanguageService, type SchemaValidation, type YamlLanguageService } from '../../../src/yaml/schema/languageService';
import { unsupportedKeywords } from '../../../src/yaml/schema/validator';
import { istioFiles, istioModuleDir } from '../../oracles/istioSource';
import { corpusFiles, SCHEMA_PATH } from './corpus.test';
import { yaml } from './helpers';
import { repoRoot } from '../repoRoot';
import { fixedPropertySeed } from '../property';

fixedPropertySeed();

const execFileP = promisify(execFile);

/** A diagnostic as the checker reads it: range, message, severity, and whether the parser or the schema said it. */
function shown(d: Diagnostic): string {
  const { start, end } = d.range;
  return `${start.line}:${start.character}-${end.line}:${end.character} ${d.severity} ${d.source === 'YAML' ? 'yaml' : 'schema'} ${d.message}`;
}

/**
 * What both must agree on for one text. For a text with a syntax error, its syntax diagnostics: the checker shows
 * nothing else of a document that does not parse.
 */
function agreed(diagnostics: readonly Diagnostic[], syntaxError: boolean): string[] {
  return diagnostics.filter((d) => !syntaxError || d.source === 'YAML').map(shown);
}

function hasSyntaxError(list: readonly Diagnostic[]): boolean {
  return list.some((d) => d.source === 'YAML' && d.severity === 1);
}

/** Texts with schema errors of every kind the bundled schemas can report, and the YAML around them that changes ranges. */
const CASES: Record<string, string> = {
  'wrong scalar types, an object where a string goes, and a string where an object goes': yaml(
    'apiVersion: apps/v1', 'kind: Deployment', 'metadata: {name: web, labels: {app: [web]}}', 'spec:', '  replicas: "2"', '  paused: yes', '  selector: x',
    '  template:', '    spec:', '      containers:', '      - name: web', '        ports: [{containerPort: 80.5, protocol: TCP}]',
  ),
  'int-or-string fields (anyOf): a boolean and an object': yaml(
    'apiVersion: apps/v1', 'kind: Deployment', 'metadata: {name: web}', 'spec:', '  selector: {}', '  strategy:', '    rollingUpdate: {maxSurge: true, maxUnavailable: {a: 1}}',
    '  template: {spec: {containers: [{name: a, livenessProbe: {httpGet: {port: false}}}]}}',
  ),
  'missing required properties at the root, under a key and in a list item': yaml(
    'apiVersion: networking.istio.io/v1', 'kind: VirtualService', 'metadata: {name: v}', 'spec:', '  http:', '  - route:', '    - weight: 10', '    - destination: {}',
  ),
  'unknown properties, one of them nested in a flow mapping on several lines': yaml(
    'apiVersion: networking.istio.io/v1', 'kind: DestinationRule', 'metadata: {name: d, colour: red}', 'spec:', '  host: h', '  subsets: [{name: v1, labelz: {version: v1},', '    extra: 1}]', '  trafficPolicy:', '    tls: {mode: SIMPLE, sni: 1}',
  ),
  'enum values and Istio one-of fields (StringMatch with two of exact, prefix, regex)': yaml(
    'apiVersion: networking.istio.io/v1', 'kind: VirtualService', 'metadata: {name: v}', 'spec:', '  hosts: [a]', '  http:', '  - match:', '    - uri: {exact: /a, prefix: /b}', '    - uri: {}', '    route: [{destination: {host: a}}]',
    '---', 'apiVersion: security.istio.io/v1', 'kind: PeerAuthentication', 'metadata: {name: p}', 'spec:', '  mtls: {mode: SOMETIMES}',
  ),
  'numbers out of range and patterns': yaml(
    'apiVersion: networking.istio.io/v1', 'kind: ServiceEntry', 'metadata: {name: s}', 'spec:', '  hosts: [a]', '  ports: [{number: 99999999999, name: http, protocol: HTTP, targetPort: -1}]',
    '---', 'apiVersion: networking.istio.io/v1', 'kind: Gateway', 'metadata: {name: g}', 'spec:', '  servers: [{port: {number: 0, name: "", protocol: HTTP}, hosts: []}]',
  ),
  'null values and keys without a value': yaml(
    'apiVersion: apps/v1', 'kind: Deployment', 'metadata:', '  name:', '  labels: ~', 'spec:', '  strategy:', '    rollingUpdate: null', '  selector:', '  template: {metadata: {}, spec: {containers: null}}',
  ),
  'an empty document, a scalar document and a list document between objects': yaml(
    'apiVersion: v1', 'kind: Namespace', 'metadata: {name: a, extra: 1}', '---', '---', 'just text', '---', '- a', '- b', '---', 'apiVersion: v1', 'kind: Pod', 'metadata: {name: p}', 'spec: {containers: [{name: c, image: 5}]}',
  ),
  'the same message repeated on one line, and non-string keys': yaml(
    'apiVersion: v1', 'kind: Pod', 'metadata: {name: p}', 'spec:', '  containers: [1, 2, 3]', '  1: one', '  true: yes', '  nodeSelector: {2: 3}',
  ),
  'a `# yaml-language-server-disable` comment above a line': yaml(
    'apiVersion: v1', 'kind: Namespace', 'metadata:', '  name: a', '  # yaml-language-server-disable not allowed', '  colour: red', '  # yaml-language-server-disable', '  size: 1', '  weight: 2',
  ),
  'a syntax error and a parser warning next to a schema error': yaml(
    'apiVersion: v1', 'kind: Namespace', 'metadata: {name: a, extra: 1}', '---', 'apiVersion: v1', 'kind: Namespace', 'metadata:', '  name: [a', '---', 'apiVersion: v1', 'kind: Pod', 'metadata:', '  name: p', 'spec: {containers: [', '  ]}',
  ),
  'carriage returns and no final line break': 'apiVersion: v1\r\nkind: Namespace\r\nmetadata:\r\n  name: a\r\n  extra: [1,\r\n    2]',
  'only blank lines, comments and markers': '\n  \n# nothing\n---\n',
  'a duplicate key': yaml('apiVersion: v1', 'kind: Namespace', 'metadata: {name: a}', 'metadata: {name: b}'),
};

describe('compiled schema validation (the command line) gives yaml-language-server\'s diagnostics', function () {
  this.timeout(300_000);
  let yls: YamlLanguageService;
  let compiled: SchemaValidation;
  let fallbacks = 0;
  const schemaJson = readFileSync(SCHEMA_PATH, 'utf8');

  before(async () => {
    yls = await createYamlLanguageService(schemaJson);
    compiled = createCompiledSchemaValidation(schemaJson, async () => {
      fallbacks++;
      return yls;
    });
  });

  const compare = async (text: string, name: string) => {
    const expected = await yls.validate('file:///expected.yaml', text);
    const actual = await compiled.validate('file:///actual.yaml', text);
    const syntax = hasSyntaxError(expected);
    assert.deepEqual(agreed(actual, syntax), agreed(expected, syntax), name);
    return expected;
  };

  it('implements every keyword of the bundled schema', () => {
    assert.deepEqual(unsupportedKeywords(JSON.parse(schemaJson)), []);
  });

  it('reports the same ranges, messages and severities on texts with schema errors of every kind', async () => {
    let reported = 0;
    for (const [name, text] of Object.entries(CASES)) reported += (await compare(text, name)).length;
    // All of these without yaml-language-server.
    assert.equal(fallbacks, 0);
    // The fixtures (Helm templates among them: their `{{ }}` read as keys that are collections go to yaml-language-server).
    for (const file of await corpusFiles()) reported += (await compare(readFileSync(file, 'utf8'), basename(file))).length;
    // The schemas accept what the API server accepts (nulls, `status`): the valid fixtures add few diagnostics.
    assert.ok(reported > 40, `only ${reported} diagnostics compared`);
  });

  it('leaves texts with anchors, aliases, tags or merge keys to yaml-language-server itself', async () => {
    const texts = [
      yaml('apiVersion: v1', 'kind: Pod', 'metadata: {name: &n p}', 'spec: {containers: [{name: *n, image: 1}]}'),
      yaml('apiVersion: v1', 'kind: Namespace', 'metadata: &m {name: a}', 'extra: 1'),
      yaml('apiVersion: v1', 'kind: Namespace', 'metadata: !!map {name: a, size: 1}'),
      yaml('base: &b {name: a}', '---', 'apiVersion: v1', 'kind: Namespace', 'metadata: {<<: {name: a}, size: 1}'),
    ];
    const before = fallbacks;
    for (const text of texts) await compare(text, text);
    assert.equal(fallbacks - before, texts.length);
  });

  it('agrees on Istio\'s samples and on random edits of their documents', async () => {
    const documents = istioFiles('samples').flatMap((file) => splitDocuments(readFileSync(file, 'utf8')).map((c) => c.text)).filter((t) => !t.includes('{{'));
    assert.ok(documents.length > 300, `${documents.length} documents`);
    for (const text of documents.filter((_, i) => i % 4 === 0)) await compare(text, text.slice(0, 200));
    await fc.assert(
      fc.asyncProperty(fc.nat(documents.length - 1), edits(), async (index, list) => {
        const text = applyEdits(documents[index], list);
        await compare(text, JSON.stringify(text.slice(0, 300)));
      }),
      { numRuns: 250 },
    );
  });

  it('finds a document clean from the checker\'s own parse only where yaml-language-server reports nothing', async () => {
    const documents = istioFiles('samples').flatMap((file) => splitDocuments(readFileSync(file, 'utf8')).map((c) => c.text)).filter((t) => !t.includes('{{'));
    let accepted = 0;
    // Clean from the parse: then yaml-language-server must have nothing to say about the text.
    const check = async (text: string, name: string) => {
      const file = parseManifests(text);
      if (file.syntaxError || file.tooDeep || !compiled.acceptsParsed!(text, file.manifests.map((m) => m.doc))) return;
      accepted++;
      assert.deepEqual((await yls.validate('file:///expected.yaml', text)).map(shown), [], name);
    };
    for (const [name, text] of Object.entries(CASES)) await check(text, name);
    for (const text of documents.filter((_, i) => i % 4 === 0)) await check(text, text.slice(0, 200));
    const unedited = accepted;
    await fc.assert(
      fc.asyncProperty(fc.nat(documents.length - 1), edits(), async (index, list) => {
        const text = applyEdits(documents[index], list);
        await check(text, JSON.stringify(text.slice(0, 300)));
      }),
      { numRuns: 250 },
    );
    // The shortcut is taken on most of Istio's documents, and on some edited ones.
    assert.ok(unedited > 50 && accepted > unedited, `${unedited} documents, ${accepted - unedited} edited texts accepted`);
  });

  it('the command line prints over Istio\'s samples, manifests and analyzer testdata what validating every text from its text finds', async () => {
    const paths = ['samples', 'manifests', 'pkg/config/analysis/analyzers/testdata'].map((d) => join(istioModuleDir(), d));
    // The built command line, as a user runs it (its exit status is 1: the testdata has errors).
    const { stdout } = await execFileP(process.execPath, [join(repoRoot(), 'dist', 'cli.js'), 'lint', '--format', 'json', ...paths], { maxBuffer: 64 * 1024 * 1024 }).catch((err: { stdout: string }) => err);
    // The same engine in this process, with the compiled validation as it was before it took the checker's parse.
    const fromText: SchemaValidation = { validate: (uri, text) => compiled.validate(uri, text), covers: (a, k) => compiled.covers(a, k) };
    const expected = await lintFiles(paths, async () => fromText);
    assert.ok(expected.length > 50 && expected.some((f) => f.code === 'schema'), `${expected.length} findings, schema ones among them`);
    assert.deepEqual(JSON.parse(stdout), expected);
  });

  it('gives the checker the same findings as yaml-language-server, file by file', async () => {
    const withYls = new YamlChecker(async () => yls);
    const withCompiled = new YamlChecker(async () => compiled);
    const files = [...(await corpusFiles()), ...istioFiles('samples').filter((_, i) => i % 3 === 0), ...istioFiles('pkg/config/analysis/analyzers/testdata')];
    let findings = 0;
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      const expected = await withYls.check('file:///expected.yaml', text, { schema: true });
      const actual = await withCompiled.check('file:///actual.yaml', text, { schema: true });
      assert.deepEqual(actual, expected, file);
      findings += expected.length;
    }
    assert.ok(findings > 25, `only ${findings} findings compared`);
  });
});

describe('documents the command line does not parse', function () {
  this.timeout(300_000);

  it('never hide an Istio finding: the rules find the same in Istio\'s files and the fixtures as when every document is parsed', async () => {
    const files = [...(await corpusFiles()), ...istioFiles('samples'), ...istioFiles('manifests'), ...istioFiles('pkg/config/analysis/analyzers/testdata')];
    const ruleFindings = async (options: Parameters<typeof lintPaths>[1]) => {
      const out: string[] = [];
      for await (const event of lintPaths(files, options)) {
        if ('skipped' in event) assert.fail(`${event.skipped}: ${event.reason}`);
        if ('findings' in event) for (const f of event.findings) if (f.code !== 'yaml-syntax' && f.code !== 'schema') out.push(`${f.file}:${f.startLine}:${f.startColumn} ${f.code}`);
      }
      return out;
    };
    // Without schema validation every document is parsed; with it (here one that finds nothing), only the documents
    // an Istio rule may concern are.
    const everyDocument = await ruleFindings({});
    const asNeeded = await ruleFindings({ schemas: async () => ({ covers: () => false, validate: async () => [] }) });
    assert.deepEqual(asNeeded, everyDocument);
    assert.ok(everyDocument.length >= 11, `only ${everyDocument.length} findings`);
  });
});

/** Small random edits of the kind people make: a character typed or deleted, a line indented or not. */
type Edit = { readonly at: number; readonly op: 'insert' | 'delete' | 'indent' | 'dedent'; readonly text: string };

const TYPED = [' ', '\n', ':', '- ', ': ', 'x', '0', '"', "'", '#', 'true', '[]', '{}', '-1', 'null', '\n  ', '"a"', '|-', '>', '[a,\n  b]', '*', '&a '];

/** Shapes only the regular reader takes apart itself: folded and quoted scalars over lines, indicators, flow lines. */
const REGULAR_TYPED = ["'a\n  b'", "'it''s'", '"\\u00e9\\n"', '"a\n  b"', '"x\\\n  y \\" \n\n  z"', '"\\ \n', '|2-\n', '>-\n  ', '{a: b, c: 1}', '[x, "y, z"]', '\n\n', ' # c', '\n  {}', '{a: {b: [1, c]}}', '[{x: 1}, [y]]', '[{'];

function edits(typed: readonly string[] = TYPED): fc.Arbitrary<Edit[]> {
  return fc.array(fc.record({ at: fc.nat(), op: fc.constantFrom('insert', 'delete', 'indent', 'dedent'), text: fc.constantFrom(...typed) }), { minLength: 1, maxLength: 3 });
}

function applyEdits(text: string, list: readonly Edit[]): string {
  let out = text;
  for (const e of list) {
    const at = e.at % (out.length + 1);
    const lineStart = out.lastIndexOf('\n', at - 1) + 1;
    if (e.op === 'insert') out = out.slice(0, at) + e.text + out.slice(at);
    else if (e.op === 'delete') out = out.slice(0, at) + out.slice(at + 1 + (e.text.length % 3));
    else if (e.op === 'indent') out = out.slice(0, lineStart) + '  ' + out.slice(lineStart);
    else if (out[lineStart] === ' ') out = out.slice(0, lineStart) + out.slice(lineStart + 1);
  }
  return out;
}

describe('the fast first read (js-yaml)', function () {
  this.timeout(120_000);

  /**
   * What yaml-language-server's parser (`yaml`) makes of a text: its errors and warnings, and the values of its
   * documents (those without any node, which yaml-language-server does not validate, left out).
   */
  function yamlRead(text: string): { problems: string[]; values: unknown[] } {
    const composer = new Composer({ strict: false, version: '1.2' });
    const docs = [...composer.compose(new Parser().parse(text), true, text.length)];
    return {
      problems: docs.flatMap((d) => [...d.errors, ...d.warnings].map((e) => e.message)),
      values: docs.filter((d) => d.contents !== null).map((d) => d.toJS({ maxAliasCount: -1 })),
    };
  }

  /** What the command line relies on: when js-yaml reads only mappings, `yaml` reads the same, without a problem. */
  const claim = (text: string) => {
    const fast = loadFast(text);
    if (!fast || !fast.every((v) => typeof v === 'object' && v !== null && !Array.isArray(v))) return;
    const { problems, values } = yamlRead(text);
    assert.deepEqual(problems, [], `js-yaml read a text with problems for yaml: ${JSON.stringify(text)}`);
    assert.ok(isDeepStrictEqual(fast, values), `js-yaml read other values than yaml: ${JSON.stringify(text)}`);
  };

  it('reads plain manifests, and refuses what js-yaml reads differently from yaml', () => {
    assert.deepEqual(loadFast(yaml('a: 1', 'b: [x, "y"]', 'c: {d: true}', 'e: |', '  text', '---', 'f: 0o17')), [{ a: 1, b: ['x', 'y'], c: { d: true }, e: 'text\n' }, { f: 15 }]);
    // Each of these was read without error by js-yaml, and with an error or other values by yaml.
    const refused = [
      'r:\n  - v:\n      - # c\n  - a: 1\n', // an empty entry before a less indented one
      '------0\n', // a plain scalar starting with dashes
      '---#\n',
      '[x]: y\n', // a collection as a key
      'm:\n  a:\n    \n\n# c\n    k/in\n\ng.c: "foo"\n', // a line of spaces before a value on its own line
      'a:\n  - x\n-  y\n  b: 1\n', // a sequence at the column of a mapping
      'a:\n- regex: "istio-pr\noxy"\n', // a quoted scalar going on at column 0
      'a: [\n  1,\n]\n', // a flow collection closing at its key's column
      'a:\tb\n',
      'k: v\r\n',
      '%YAML 1.2\n---\na: 1\n',
      'a: &x 1\nb: *x\n',
      'a: !!str 1\n',
      '<<: {a: 1}\n',
      '? a\n: b\n',
      'a: |2-\n    x\n y\n',
    ];
    for (const text of refused) {
      assert.equal(loadFast(text), undefined, JSON.stringify(text));
      claim(text);
    }
  });

  it('reads a plain scalar as a string at once only where no core tag could read it otherwise (CORE_STARTS)', () => {
    // Every core tag's value, in every spelling yaml's tests accept, with its first character outside CORE_STARTS
    // swapped in: yaml reads each such scalar as a string.
    const tails = ['', '1', '0', 'ull', 'ULL', 'rue', 'RUE', 'alse', 'ALSE', 'inf', 'nan', 'NaN', '5', '.5', 'e5', '1e5', 'o17', 'x1F', '_1'];
    let checked = 0;
    for (let code = 0x21; code < 0x7f; code++) {
      const first = String.fromCharCode(code);
      if (CORE_STARTS.has(first) || '#&*!|>\'"%@`,[]{}?:-'.includes(first)) continue;
      for (const tail of tails) {
        const text = `a: ${first}${tail}\n`;
        const { values } = yamlRead(text);
        assert.equal(typeof (values[0] as { a: unknown }).a, 'string', JSON.stringify(text));
        const fast = loadFast(text);
        if (fast) {
          assert.deepEqual(fast, values, JSON.stringify(text));
          checked++;
        }
      }
    }
    assert.ok(checked > 1000, `${checked}`);
  });

  /** What the regular reader promises: when it reads a text, `yaml` reads the same values without a problem. */
  const regularClaim = (text: string): boolean => {
    const regular = readRegularYaml(text, resolvePlain);
    if (!regular) return false;
    const { problems, values } = yamlRead(text);
    assert.deepEqual(problems, [], `the regular reader read a text with problems for yaml: ${JSON.stringify(text)}`);
    assert.ok(isDeepStrictEqual(regular, values), `the regular reader read other values than yaml: ${JSON.stringify(text)}\n${JSON.stringify(regular)}\n${JSON.stringify(values)}`);
    return true;
  };

  it('reads regular block YAML line by line as yaml does, every shape it takes', () => {
    const shapes: Record<string, unknown[]> = {
      [yaml('a: 1', 'b:', '  c: x', '  d:', '  - 1', '  - k: v', '    l: [a, "b, c", \'d\']', 'e:', '- x', 'f: {}', 'g: []')]:
        [{ a: 1, b: { c: 'x', d: [1, { k: 'v', l: ['a', 'b, c', 'd'] }] }, e: ['x'], f: {}, g: [] }],
      [yaml('# head', '---', 'folded: a plain', '  scalar over', '', '  lines', 'x: y # comment', '"quoted key": 1', "'single': 'it''s'")]:
        [{ folded: 'a plain scalar over\nlines', x: 'y', 'quoted key': 1, single: "it's" }],
      [yaml("d: 'one", '  two', '', '  three\'', 'e: "tab\\tand \\u00e9 \\"q\\""', 'n: ~', 'b: true', 'o: 0o17', 'h: 0x1F', 'f: .inf', 's: 1e3')]:
        [{ d: 'one two\nthree', e: 'tab\tand \u00e9 "q"', n: null, b: true, o: 15, h: 31, f: Infinity, s: 1000 }],
      [yaml('l: |', '  line 1', '    indented', '', '  line 3', '', 's: |-', '  kept', 'f: >', '  folded', '  text', '', '  para', 'g: >-', '  x', 'i: |2-', '     three spaces', '---', '- a', '- b: {k: v, "q": no}')]:
        [{ l: 'line 1\n  indented\n\nline 3\n', s: 'kept', f: 'folded text\npara\n', g: 'x', i: '   three spaces' }, ['a', { b: { k: 'v', q: 'no' } }]],
      [yaml('key:', '  {a: 1, b: two}', 'list:', '  [x, 2]', 'empty:', 'last: v')]:
        [{ key: { a: 1, b: 'two' }, list: ['x', 2], empty: null, last: 'v' }],
      [yaml('selector: {matchLabels: {app: web}}', 'ports: [{port: 9080, name: http}, {port: 443}]', 'nested: [[1, [2]], {}, [], {k: [v, "w, x"]}]', `deep: ${'['.repeat(16)}z${']'.repeat(16)}`)]:
        [{ selector: { matchLabels: { app: 'web' } }, ports: [{ port: 9080, name: 'http' }, { port: 443 }], nested: [[1, [2]], {}, [], { k: ['v', 'w, x'] }], deep: Array.from({ length: 16 }).reduce<unknown>((inner) => [inner], 'z') }],
    };
    for (const [text, expected] of Object.entries(shapes)) {
      assert.deepEqual(readRegularYaml(text, resolvePlain), expected, text);
      assert.ok(regularClaim(text));
    }
  });

  it('refuses what it is not sure of, and leaves it to js-yaml', () => {
    const refused = [
      'a: &x 1\nb: *x\n', 'a: !!str 1\n', '<<: {a: 1}\n', '? a\n: b\n', 'a:\tb\n', 'k: v\r\n', '\ufeffa: 1\n', '%YAML 1.2\n---\na: 1\n',
      '---\n---\na: 1\n', 'a: 1\n---\n', '# only a comment\n', 'just a scalar\n', '1: one\n', 'a: 1\na: 2\n', 'a: 1\n...\n',
      'a: [1,\n  2]\n', 'a: [b: c]\n', 'a: [{b: c}: d]\n', 'a: {[b]: c}\n', 'a: {b: {c: 1}d}\n', 'a: [[1],]\n', 'a: {b:{c: 1}}\n',
      // Flow collections nested deeper than the reader goes.
      `a: ${'['.repeat(17)}1${']'.repeat(17)}\n`, 'a: "\\x41"\n', 'a: b: c\n',
      'a: >\n  text\n    more indented\n', 'a: |+\n  keep\n\n', 'a: |\n   \n  x\n', '- - nested\n', '-\n  a: 1\n', 'a:\n\n  {}\n',
      'a: b\n  # a comment inside a folded scalar\n  c\n', 'a: 1\n  b: 2\n', 'a:\n  b: 1\n c: 2\n', '__proto__: x\n', 'a: - b\n',
      // Nested deeper than the reader goes.
      `${Array.from({ length: 70 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n')}\n${' '.repeat(70)}v: 1\n`,
    ];
    for (const text of refused) assert.equal(readRegularYaml(text, resolvePlain), undefined, JSON.stringify(text));
  });

  it('reads double-quoted scalars over several lines as yaml folds them, every way they fold', () => {
    const shapes: Record<string, unknown[]> = {
      // A line break is a space, each blank line (or line of spaces) a line break; final spaces and indentation go.
      [yaml('a: "one  ', '    two', '', '  three', '   ', '', '  four "', 'b: 1')]: [{ a: 'one two\nthree\n\nfour ', b: 1 }],
      // Escapes, on any line, and an escaped quote that does not close; an escaped line break joins with nothing.
      [yaml('a: "tab\\t \\"q\\"', '  \\u00e9\\\\', '  glued\\', '     on\\/ \\n"   # comment')]: [{ a: 'tab\t "q" \u00e9\\ gluedon/ \n' }],
      // An escaped space stays before a line break, the spaces after it go; an escaped backslash is no line break.
      [yaml('a: "x\\   ', '  y\\\\', '  z"')]: [{ a: 'x  y\\ z' }],
      // Nothing after the opening quote, nothing before the closing one; lines that look like YAML are text here.
      [yaml('a: "', '  - b: c # d', '  ---', '  "')]: [{ a: ' - b: c # d --- ' }],
      // As a sequence entry and as the value of a key in one, at the column after the collection's.
      [yaml('l:', '- "a', ' b"', '- k: "c', '   d"', '  m:', '  - "e', '   f"')]: [{ l: ['a b', { k: 'c d', m: ['e f'] }] }],
      // Code points past the first plane (`\U`, as Grafana's dashboards write emoji), and a backslash escaped before a letter.
      [yaml('a: "lock \\U0001F510', '  \\\\n\\\\\\" \\u00e9"')]: [{ a: 'lock \u{1F510} \\n\\" \u00e9' }],
    };
    for (const [text, expected] of Object.entries(shapes)) {
      assert.deepEqual(readRegularYaml(text, resolvePlain), expected, text);
      assert.ok(regularClaim(text), text);
    }
    const refused = [
      'a: "x\ny"\n', 'a:\n  b: "x\n  y"\n', '- k: "x\n  y"\n', 'a:\n  - "x\n\n  y"\n', // a line at the collection's column or less
      'a: "x\n---\n  y"\n', 'a: "x\n...\n"\n', 'a: "x\n  y\n', // a document marker, and no closing quote
      'a: "x\\\n\n  y"\n', 'a: "x\\\n  \n  y"\n', // a blank line after an escaped line break: a line break for YAML 1.2, a space for yaml
      'a: "x\n  y" z\n', 'a: "x\n  y"#c\n', 'a: "x\n  y": z\n', '"x\n  y": z\n', // after the closing quote, and a key over lines
      'a: "x\n  \\x41"\n', 'a: "x \\e\n  y"\n', 'a: "x\n  \\ud83d\\ude00"\n', 'a: "x\n  \ty"\n', 'a: "x\\\t\n  y"\n', // escapes it does not read, tabs
      'a: "\\U00110000"\n', 'a: "\\U0000D800"\n', // past Unicode's last code point, half of a surrogate pair
    ];
    for (const text of refused) {
      assert.equal(readRegularYaml(text, resolvePlain), undefined, JSON.stringify(text));
      assert.ok(!regularClaim(text));
    }
    // Istio's Grafana dashboards: JSON in double-quoted scalars of hundreds of lines, read as the command line reads
    // them (their `{{ }}` masked).
    const grafana = istioFiles('samples').find((f) => f.endsWith('/addons/grafana.yaml'));
    assert.ok(grafana);
    const masked = maskTemplates(readFileSync(grafana, 'utf8')).text;
    assert.ok(regularClaim(masked) && masked.length > 150_000);
  });

  it('reads the folding of double-quoted scalars over lines as yaml does, or refuses them (random scalars)', () => {
    // The collection around the scalar: what comes before its opening quote, the column its lines must pass, and a
    // next entry of the same collection.
    const contexts = [
      { head: 'k: ', column: 0, next: 'n: 1' },
      { head: 'a:\n  k: ', column: 2, next: '  n: 1' },
      { head: '- ', column: 0, next: '- 1' },
      { head: 'a:\n- ', column: 0, next: '- 1' },
      { head: 'a:\n  - ', column: 2, next: '  - 1' },
      { head: '- k: ', column: 2, next: '  n: 1' },
    ];
    // Mostly what it reads, now and then what it must refuse (escapes it does not read, a quote that closes early).
    const piece = fc.oneof(
      { weight: 30, arbitrary: fc.constantFrom('word', 'x y', ' ', '  ', '\\"', '\\\\', '\\n', '\\t', '\\/', '\\ ', '\\0', '\\u00e9', '\\U0001F510', '#', ' # c', ': ', '- ', "'", '\u00a0', '---', '...', '{a: [b]}') },
      { weight: 1, arbitrary: fc.constantFrom('\\ud83d', '\\U00110000', '\\x41', '\\a', '"') },
    );
    const text = fc.array(piece, { maxLength: 4 }).map((p) => p.join(''));
    const end = fc.constantFrom('', '', ' ', '  ', '\\', '\\', '\\\\', '\\ ', '\\  ', '\u00a0');
    // A line of the scalar after its first: indented from the collection's column (at it or less too), blank, or a marker.
    const line = fc.oneof(
      { weight: 6, arbitrary: fc.record({ shift: fc.oneof({ weight: 8, arbitrary: fc.nat(3) }, { weight: 1, arbitrary: fc.constantFrom(-1, -2) }), text, end }) },
      { weight: 2, arbitrary: fc.constantFrom('', ' ', '     ').map((blank) => ({ blank })) },
      { weight: 1, arbitrary: fc.constantFrom('---', '...', '--- x').map((blank) => ({ blank })) },
    );
    const after = fc.oneof({ weight: 6, arbitrary: fc.constantFrom('', '  ', ' # c', '  # "q"') }, { weight: 1, arbitrary: fc.constantFrom('#c', ' x', ':', ': y') });
    let read = 0;
    let folded = 0;
    let escaped = 0;
    fc.assert(
      fc.property(fc.nat(contexts.length - 1), text, end, fc.array(line, { minLength: 1, maxLength: 5 }), text, after, fc.boolean(), (c, first, firstEnd, lines, last, tail, sibling) => {
        const { head, column, next } = contexts[c];
        const body = lines.map((l) => ('blank' in l ? l.blank : `${' '.repeat(Math.max(0, column + 1 + l.shift))}${l.text}${l.end}`));
        const closing = `${' '.repeat(column + 1)}${last}"${tail}`;
        const doc = `${head}"${first}${firstEnd}\n${[...body, closing].join('\n')}\n${sibling ? `${next}\n` : ''}`;
        if (!regularClaim(doc)) return;
        read++;
        if (lines.some((l) => 'blank' in l && l.blank.trim() === '')) folded++;
        if (firstEnd === '\\' || lines.some((l) => 'end' in l && l.end === '\\')) escaped++;
      }),
      { numRuns: Number(process.env.RUNS ?? 4000) },
    );
    // Enough of them read for the claim to be tested, blank lines among them.
    assert.ok(read > 1000 && folded > 400 && escaped > 200, `${read} scalars read, ${folded} with a blank line, ${escaped} with an escaped line break`);
  });

  it('keeps final white space other than spaces (no-break and ideographic spaces, line separators): yaml trims spaces and tabs only', () => {
    const shapes: Record<string, unknown[]> = {
      'a: x\u00a0\n': [{ a: 'x\u00a0' }],
      'a: x\u3000 # c\n': [{ a: 'x\u3000' }],
      'a: x\u00a0\n  y\u2028\n': [{ a: 'x\u00a0 y\u2028' }],
      "a: 'x\u00a0\n  y'\n": [{ a: 'x\u00a0 y' }],
      'a: "x\u00a0\n  y"\n': [{ a: 'x\u00a0 y' }],
      'a: [x\u00a0, y]\n': [{ a: ['x\u00a0', 'y'] }],
    };
    for (const [text, expected] of Object.entries(shapes)) {
      assert.deepEqual(readRegularYaml(text, resolvePlain), expected, JSON.stringify(text));
      assert.ok(regularClaim(text), JSON.stringify(text));
    }
  });

  it('never reads a text other than yaml does, and reads nearly all of Istio\'s manifests (random edits)', () => {
    const documents = [...istioFiles('samples'), ...istioFiles('manifests'), ...istioFiles('pkg/config/analysis/analyzers/testdata')]
      .flatMap((file) => splitDocuments(readFileSync(file, 'utf8')).map((c) => c.text))
      .filter((t) => !t.includes('{{'));
    let read = 0;
    const small = documents.filter((t) => t.length < 20_000);
    fc.assert(
      fc.property(fc.nat(small.length - 1), edits([...TYPED, ...REGULAR_TYPED]), (index, list) => {
        if (regularClaim(applyEdits(small[index], list))) read++;
      }),
      { numRuns: Number(process.env.RUNS ?? 4000) },
    );
    assert.ok(read > 1000, `only ${read} edited texts read by the regular reader: the claim was barely tested`);
    // Unedited: every document it reads agrees, and it reads nearly all of their bytes (what makes it worth having).
    let bytes = 0;
    let regularBytes = 0;
    for (const text of documents) {
      bytes += text.length;
      if (regularClaim(text)) regularBytes += text.length;
    }
    assert.ok(regularBytes / bytes > 0.95, `${regularBytes} of ${bytes} bytes read by the regular reader`);
  });

  it('says a mapping has a key twice only where yaml has an error (Istio\'s Helm templates masked, random edits with lines repeated)', () => {
    assert.deepEqual(['a: 1\na: 2\n', '- a: 1\n  a: 2\n', 'x:\n  a: |\n    t\n  b: 1\n  a: 2\n'].map((t) => hasDuplicateKey(t, resolvePlain)), [true, true, true]);
    // Keys in other mappings, a text refused before its repeated key, and a duplicate only js-yaml would see.
    assert.deepEqual(['a: 1\nb:\n  a: 2\n', 'a: [1,\n  2]\na: 2\n', '{a: 1, a: 2}\n', 'a: 1\n'].map((t) => hasDuplicateKey(t, resolvePlain)), [false, false, false, false]);
    const claim = (text: string): boolean => {
      if (!hasDuplicateKey(text, resolvePlain)) return false;
      assert.ok(parseManifests(text).syntaxError, `no syntax error for the parse: ${JSON.stringify(text)}`);
      return true;
    };
    const templates = [...istioFiles('samples'), ...istioFiles('manifests')]
      .flatMap((file) => splitDocuments(readFileSync(file, 'utf8')).map((c) => c.text))
      .filter((t) => t.includes('{{'))
      .map((t) => maskTemplates(t).text);
    const found = templates.filter(claim).length;
    assert.ok(found >= 15, `only ${found} masked templates with a key twice: the claim was barely tested`);
    const documents = [...istioFiles('samples'), ...istioFiles('manifests')]
      .flatMap((file) => splitDocuments(readFileSync(file, 'utf8')).map((c) => c.text))
      .filter((t) => !t.includes('{{') && t.length < 20_000);
    /** A line copied after another one (a key set again, or a line of something else). */
    const repeated = (text: string, from: number, to: number) => {
      const lines = text.split('\n');
      const copy = lines[from % lines.length];
      lines.splice(1 + (to % lines.length), 0, copy);
      return lines.join('\n');
    };
    let duplicates = 0;
    fc.assert(
      fc.property(fc.nat(documents.length - 1), fc.nat(), fc.nat(), edits([...TYPED, ...REGULAR_TYPED]), (index, from, to, list) => {
        if (claim(applyEdits(repeated(documents[index], from, to), list))) duplicates++;
      }),
      { numRuns: 3000 },
    );
    assert.ok(duplicates > 300, `only ${duplicates} edited texts with a key twice: the claim was barely tested`);
  });

  it('never reads a text other than yaml does (random edits of Istio\'s samples and manifests)', () => {
    const documents = [...istioFiles('samples'), ...istioFiles('manifests')]
      .flatMap((file) => splitDocuments(readFileSync(file, 'utf8')).map((c) => c.text))
      .filter((t) => !t.includes('{{') && t.length < 20_000);
    let read = 0;
    fc.assert(
      fc.property(fc.nat(documents.length - 1), edits(), (index, list) => {
        const text = applyEdits(documents[index], list);
        if (loadFast(text)) read++;
        claim(text);
      }),
      { numRuns: 4000 },
    );
    assert.ok(read > 1000, `only ${read} edited texts read by js-yaml: the claim was barely tested`);
    // And it reads nearly all of the unedited ones that have content (what makes the command line fast).
    const content = documents.filter((t) => t.split('\n').some((l) => l.trim() !== '' && !l.trim().startsWith('#') && !/^---(?: |$)/.test(l)));
    const plain = content.filter((t) => loadFast(t) !== undefined).length;
    assert.ok(plain / content.length > 0.97, `${plain} of ${content.length} documents read by js-yaml`);
  });
});
