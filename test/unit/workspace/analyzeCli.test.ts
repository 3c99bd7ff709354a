// `istio-mesh analyze` and the top-level help, in-process: files on disk → output and exit status.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCommandLine } from '../../../src/commandLine';
import { analyzeMain } from '../../../src/workspace/analyzeCli';
import { captured } from '../yaml/helpers';
import { doc, gateway, sidecar, virtualService } from './builders';

const run = (...argv: string[]) => captured((io) => runCommandLine(argv, io));

function workspace(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'istio-analyze-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

describe('analyze command line', () => {
  it('analyses the files of directories together: a gateway in another folder is found, a missing one is not', async () => {
    const dir = workspace({
      'routes/vs.yaml': doc(virtualService('web', { gateways: ['web-gw', 'missing'] })),
      'gateways/gw.yml': doc(gateway('web-gw')),
      'notes.txt': 'not yaml',
    });
    const { code, stdout, stderr } = await run('analyze', dir);
    assert.equal(stderr, '');
    assert.equal(stdout, `${join(dir, 'routes/vs.yaml')}:9:5: info IST0101: Referenced gateway not found in the workspace: "missing"\n2 file(s) analysed: 0 error(s), 0 warning(s), 1 info.\n`);
    assert.equal(code, 0);
  });

  it('with --complete, "not found" is an error and the status is 1; --format json prints the findings as lint does', async () => {
    const dir = workspace({ 'vs.yaml': doc(virtualService('web', { gateways: ['missing'] })) });
    const { code, stdout } = await run('analyze', '--complete', '--format', 'json', dir);
    assert.equal(code, 1);
    assert.deepEqual(JSON.parse(stdout), [
      { file: join(dir, 'vs.yaml'), startLine: 8, startColumn: 5, endLine: 8, endColumn: 12, severity: 'error', code: 'IST0101', message: 'Referenced gateway not found: "missing"' },
      { file: join(dir, 'vs.yaml'), startLine: 8, startColumn: 5, endLine: 8, endColumn: 12, severity: 'warning', code: 'IST0132', message: 'one or more host [web] defined in VirtualService default/web not found in Gateway default/missing.' },
    ]);
  });

  it('leaves out the codes of --ignore-code and of the nearest .vscode/settings.json, as lint and explain do', async () => {
    const dir = workspace({ 'vs.yaml': doc(virtualService('web', { gateways: ['missing'] })) });
    const both = await run('analyze', '--complete', dir);
    assert.match(both.stdout, /IST0101.*\n.*IST0132/);
    const flag = await run('analyze', '--complete', '--ignore-code', 'ist0101', `--ignore-code=IST0132`, dir);
    assert.equal(flag.stdout, '1 file(s) analysed: 0 error(s), 0 warning(s), 0 info.\n');
    assert.equal(flag.code, 0);
    const project = workspace({ '.vscode/settings.json': '{\n  // ours\n  "istio.analysis.ignoredCodes": ["IST0132"],\n}\n', 'sub/keep.txt': '' });
    const settings = await captured((io) => analyzeMain(['--complete', dir], io, { cwd: join(project, 'sub') }));
    assert.doesNotMatch(settings.stdout, /IST0132/);
    assert.match(settings.stdout, /error IST0101/);
    const bad = await run('analyze', '--ignore-code', 'E501', dir);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--ignore-code takes a code like IST0118, got E501\nusage: istio-mesh analyze/);
  });

  it('names what it cannot read and exits 3; the rest is analysed', async () => {
    const dir = workspace({ 'a.yaml': doc(sidecar('one'), sidecar('two')) });
    const { code, stdout, stderr } = await run('analyze', dir, join(dir, 'absent.yaml'));
    assert.equal(code, 3);
    assert.match(stderr, /^istio-mesh: skipped .*absent\.yaml: /);
    assert.match(stdout, /a\.yaml:4:3: error IST0111: The Sidecars \[one two\] in namespace "default"/);
    assert.match(stdout, /1 file\(s\) analysed, 1 skipped: 2 error\(s\)/);
  });

  it('usage errors exit 2 with analyze\'s usage; --help prints it', async () => {
    const bad = await run('analyze', '--format', 'xml', '.');
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--format must be text or json, got xml\nusage: istio-mesh analyze/);
    assert.match((await run('analyze')).stderr, /no files or directories given/);
    const help = await run('analyze', '--help');
    assert.equal(help.code, 0);
    assert.match(help.stdout, /^usage: istio-mesh analyze .*--complete/s);
  });

  it('the top-level help lists every command, one line each; a command\'s --help is its own', async () => {
    const help = await run('--help');
    assert.equal(help.code, 0);
    for (const command of ['lint', 'explain', 'analyze']) assert.match(help.stdout, new RegExp(`^  ${command} {2,}\\S`, 'm'));
    assert.match((await run('lint', '--help')).stdout, /^usage: istio-mesh lint /);
    assert.match((await run('explain', '--help')).stdout, /^usage: istio-mesh explain /);
    const none = await run();
    assert.equal(none.code, 2);
    assert.match(none.stderr, /^istio-mesh: missing command\nusage: istio-mesh <command>/);
    assert.match((await run('frobnicate')).stderr, /unknown command: frobnicate/);
  });
});
