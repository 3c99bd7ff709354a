// Suppression and ignored codes act on every finding that carries an IST code: the analyzers' and the rules'
// (galley.istio.io/analyze-suppress on the resource, istio.analysis.ignoredCodes in the editor, `--ignore-code` and
// the workspace's .vscode/settings.json on the command line).
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withoutIgnored } from '../../../src/analyzers/ignore';
import { main } from '../../../src/yaml/cli';
import { explainMain, type CliVerdict } from '../../../src/yaml/explainCli';
import { settingsFrom, workspaceSettings } from '../../../src/yaml/workspaceSettings';
import { captured, findings, fixed, yaml } from './helpers';

const deployment = (...ownAnnotations: string[]) => yaml('apiVersion: apps/v1', 'kind: Deployment', 'metadata:', '  name: web', '  annotations:',
  ...ownAnnotations.map((l) => `    ${l}`), '    sidecar.istio.io/inject: "true"', 'spec:', '  template:', '    spec: {}');
const codes = (text: string) => findings(text).map((f) => `${f.code}/${f.istio ?? ''}`);

describe('suppression of rule findings that carry an IST code', () => {
  it('galley.istio.io/analyze-suppress hides a rule finding of that code, and only that code', () => {
    assert.deepEqual(codes(deployment()), ['inject-annotation-deprecated/IST0135', 'inject-misplaced/IST0107']);
    assert.deepEqual(codes(deployment('galley.istio.io/analyze-suppress: IST0107')), ['inject-annotation-deprecated/IST0135']);
    assert.deepEqual(codes(deployment('galley.istio.io/analyze-suppress: "*"')), []);
  });

  it('each such rule finding offers "Suppress IST0xxx for this resource" after its own fix, which appends the code', () => {
    const text = deployment('galley.istio.io/analyze-suppress: IST0107');
    const [f] = findings(text);
    assert.deepEqual(f.fixes?.map((x) => x.title), ['Move sidecar.istio.io/inject to a label', 'Suppress IST0135 for this resource']);
    assert.equal(fixed(text, 'inject-annotation-deprecated', 'Suppress IST0135 for this resource'), deployment('galley.istio.io/analyze-suppress: IST0107,IST0135'));
  });

  it('a rule finding without an IST code is neither suppressed nor offered suppression', () => {
    const text = yaml('apiVersion: v1', 'kind: Namespace', 'metadata:', '  name: shop', '  annotations:', '    galley.istio.io/analyze-suppress: "*"', '  labels:', '    istio-injection: "true"');
    const [f] = findings(text);
    assert.equal(f.code, 'injection-label-value');
    assert.ok(!(f.fixes ?? []).some((x) => x.title.startsWith('Suppress')));
  });

  it('ignored codes hide the rule findings that carry them, as the analyzers\' own', () => {
    assert.deepEqual(withoutIgnored(findings(deployment()), ['ist0107 ']).map((f) => f.code), ['inject-annotation-deprecated']);
  });
});

describe("the workspace's .vscode/settings.json", () => {
  it('is read as VS Code reads it: comments and trailing commas allowed; a value of another type counts as unset', () => {
    const text = '{\n  // analysis\n  "istio.analysis.ignoredCodes": ["IST0118", /* noisy */ "IST0107",],\n  "editor.tabSize": 2,\n}\n';
    assert.deepEqual(settingsFrom(text).ignoredCodes, ['IST0118', 'IST0107']);
    assert.deepEqual(settingsFrom('{"istio.analysis.ignoredCodes": "IST0118"}').ignoredCodes, []);
    assert.deepEqual(settingsFrom('not json at all').ignoredCodes, []);
  });

  it('is the nearest one from the folder up', () => {
    const root = mkdtempSync(join(tmpdir(), 'istio-settings-'));
    mkdirSync(join(root, '.vscode'));
    mkdirSync(join(root, 'deploy', 'base'), { recursive: true });
    writeFileSync(join(root, '.vscode', 'settings.json'), '{"istio.analysis.ignoredCodes": ["IST0135"]}');
    assert.deepEqual(workspaceSettings(join(root, 'deploy', 'base')), { ignoredCodes: ['IST0135'], file: join(root, '.vscode', 'settings.json') });
  });
});

describe('lint and explain honour ignored codes', () => {
  const root = mkdtempSync(join(tmpdir(), 'istio-ignore-'));
  const file = join(root, 'web.yaml');
  const lint = (cwd: string, ...argv: string[]) => captured((io) => main(['lint', '--no-schema', ...argv], io, undefined, { cwd }));
  const plain = mkdtempSync(join(tmpdir(), 'istio-plain-'));

  beforeEach(() => writeFileSync(file, deployment()));

  it('--ignore-code (repeatable, any case) leaves those codes out of the report', async () => {
    assert.match((await lint(plain, file)).stdout, /inject-misplaced/);
    const { code, stdout } = await lint(plain, '--ignore-code', 'IST0107', '--ignore-code=ist0135', file);
    assert.equal(code, 0);
    assert.equal(stdout, '1 file(s) checked: 0 error(s), 0 warning(s), 0 info.\n');
  });

  it('--fix leaves the finding of an ignored code unfixed', async () => {
    await lint(plain, '--fix', '--ignore-code', 'IST0107', file);
    assert.equal(readFileSync(file, 'utf8'), deployment());
    await lint(plain, '--fix', file);
    assert.notEqual(readFileSync(file, 'utf8'), deployment());
  });

  it('reads istio.analysis.ignoredCodes from the .vscode/settings.json of the folder it runs in', async () => {
    const workspace = mkdtempSync(join(tmpdir(), 'istio-ws-'));
    mkdirSync(join(workspace, '.vscode'));
    writeFileSync(join(workspace, '.vscode', 'settings.json'), '{\n  "istio.analysis.ignoredCodes": ["IST0107", "IST0135"], // quiet\n}');
    assert.equal((await lint(workspace, file)).stdout, '1 file(s) checked: 0 error(s), 0 warning(s), 0 info.\n');
  });

  it('refuses an --ignore-code that is no IST code', async () => {
    for (const argv of [['--ignore-code', 'inject-misplaced', file], ['--ignore-code']]) {
      const { code, stderr } = await lint(plain, ...argv);
      assert.equal(code, 2, argv.join(' '));
      assert.match(stderr, /--ignore-code takes a code like IST0118/);
    }
  });

  it('explain leaves out the warnings of an ignored code (IST0123: several injection labels)', async () => {
    const labelled = join(root, 'labelled.yaml');
    writeFileSync(labelled, yaml('apiVersion: v1', 'kind: Namespace', 'metadata:', '  name: shop', '  labels:', '    istio-injection: enabled', '    istio.io/rev: canary',
      '---', 'apiVersion: v1', 'kind: Pod', 'metadata:', '  name: p', '  namespace: shop', 'spec: {}'));
    const explain = async (...argv: string[]) => JSON.parse((await captured((io) => explainMain(['--format', 'json', ...argv, labelled], io, plain))).stdout) as CliVerdict[];
    assert.deepEqual((await explain()).map((v) => v.warnings), [['multipleInjectionLabels']]);
    assert.deepEqual((await explain('--ignore-code', 'IST0123')).map((v) => v.warnings), [[]]);
  });
});
