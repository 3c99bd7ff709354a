import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { main, type CliFinding } from '../../../src/yaml/cli';
import { nodeFileSystem, type FileSystem } from '../../../src/yaml/files';
import { MAX_FINDINGS } from '../../../src/yaml/limits';
import { createCompiledSchemaValidation } from '../../../src/yaml/schema/compiledService';
import { repoRoot } from '../repoRoot';
import { SCHEMA_PATH } from './corpus.test';
import { yaml } from './helpers';

function sink(): { stream: Writable; text: () => string } {
  let text = '';
  return { stream: new Writable({ write(chunk, _e, done) { text += String(chunk); done(); } }), text: () => text };
}

async function run(argv: string[], options: Parameters<typeof main>[3] = {}, stdout = sink()): Promise<{ code: number; stdout: string; stderr: string }> {
  const err = sink();
  const schemas = async () => createCompiledSchemaValidation(readFileSync(SCHEMA_PATH, 'utf8'), async () => assert.fail('no text here needs yaml-language-server'));
  const code = await main(argv, { stdout: stdout.stream, stderr: err.stream }, schemas, options);
  return { code, stdout: stdout.text(), stderr: err.text() };
}

const NAMESPACE_TRUE = yaml('apiVersion: v1', 'kind: Namespace', 'metadata:', '  name: shop', '  labels:', '    istio-injection: "true"');
const CLEAN = yaml('apiVersion: v1', 'kind: Namespace', 'metadata:', '  name: ok');

/** Whether a terminal would act on some character of the text (line breaks aside). */
function hasRawControl(text: string): boolean {
  return [...text].some((c) => (c < ' ' && c !== '\n') || c === '\x7f' || c === '\u202e');
}

/** A fresh directory for one test. */
function scratch(): string {
  return mkdtempSync(join(tmpdir(), 'istio-lint-robust-'));
}

describe('istio-mesh lint on any directory', function () {
  this.timeout(60_000);

  it('follows symbolic links to files and directories, visiting each real file and directory once (no loop)', async () => {
    const dir = scratch();
    const outside = scratch();
    mkdirSync(join(outside, 'more'));
    writeFileSync(join(outside, 'real.yaml'), NAMESPACE_TRUE);
    writeFileSync(join(outside, 'more', 'inner.yml'), NAMESPACE_TRUE);
    mkdirSync(join(dir, 'apps'));
    writeFileSync(join(dir, 'apps', 'own.yaml'), NAMESPACE_TRUE);
    symlinkSync(join(outside, 'real.yaml'), join(dir, 'linked.yaml'));
    symlinkSync(join(outside, 'more'), join(dir, 'linked-dir'));
    // Loops: a link to an ancestor, and a second link to a directory already visited.
    symlinkSync(dir, join(dir, 'apps', 'up'));
    symlinkSync(join(outside, 'more'), join(dir, 'apps', 'again'));
    const { code, stdout, stderr } = await run(['lint', '--format', 'json', dir]);
    assert.equal(stderr, '');
    assert.equal(code, 1);
    const files = [...new Set((JSON.parse(stdout) as CliFinding[]).map((f) => f.file))];
    assert.deepEqual(files, [join(dir, 'apps', 'again', 'inner.yml'), join(dir, 'apps', 'own.yaml'), join(dir, 'linked.yaml')]);
  });

  it('skips a broken link, a link cycle and a file removed during the walk with one message each, checks the rest and exits 3', async () => {
    const dir = scratch();
    writeFileSync(join(dir, 'a.yaml'), NAMESPACE_TRUE);
    writeFileSync(join(dir, 'b.yaml'), CLEAN);
    writeFileSync(join(dir, 'gone.yaml'), CLEAN);
    symlinkSync(join(dir, 'nowhere.yaml'), join(dir, 'broken.yaml'));
    symlinkSync(join(dir, 'cycle2.yaml'), join(dir, 'cycle1.yaml'));
    symlinkSync(join(dir, 'cycle1.yaml'), join(dir, 'cycle2.yaml'));
    // The entry is listed, then removed before it is read: really unreadable, even for root.
    const fs: FileSystem = {
      ...nodeFileSystem,
      readdir: async (path) => {
        const list = await nodeFileSystem.readdir(path);
        unlinkSync(join(dir, 'gone.yaml'));
        return list;
      },
    };
    const { code, stdout, stderr } = await run(['lint', dir], { fs });
    assert.equal(code, 3);
    assert.deepEqual(stderr.trim().split('\n'), [
      `istio-mesh: skipped ${join(dir, 'broken.yaml')}: broken symbolic link (its target does not exist)`,
      `istio-mesh: skipped ${join(dir, 'cycle1.yaml')}: too many levels of symbolic links`,
      `istio-mesh: skipped ${join(dir, 'cycle2.yaml')}: too many levels of symbolic links`,
      `istio-mesh: skipped ${join(dir, 'gone.yaml')}: no such file or directory`,
    ]);
    assert.match(stdout, /a\.yaml:6:22: error injection-label-value/);
    assert.match(stdout, /2 file\(s\) checked, 4 skipped: 1 error\(s\)/);
  });

  it('skips a directory it may not list and files it may not read (permission denied), and goes on', async () => {
    const dir = scratch();
    mkdirSync(join(dir, 'locked'));
    writeFileSync(join(dir, 'locked', 'x.yaml'), CLEAN);
    writeFileSync(join(dir, 'secret.yaml'), CLEAN);
    writeFileSync(join(dir, 'z.yaml'), NAMESPACE_TRUE);
    // Tests run as root, for whom chmod 000 does not deny anything: the refusals come from the file system layer.
    const denied = (path: string) => Object.assign(new Error(`EACCES: permission denied, open '${path}'`), { code: 'EACCES' });
    const fs: FileSystem = {
      ...nodeFileSystem,
      readdir: async (path) => (path.endsWith('locked') ? Promise.reject(denied(path)) : nodeFileSystem.readdir(path)),
      readText: async (path) => (path.endsWith('secret.yaml') ? Promise.reject(denied(path)) : nodeFileSystem.readText(path)),
    };
    const { code, stdout, stderr } = await run(['lint', '--no-schema', dir], { fs });
    assert.equal(code, 3);
    assert.deepEqual(stderr.trim().split('\n'), [
      `istio-mesh: skipped ${join(dir, 'locked')}: permission denied`,
      `istio-mesh: skipped ${join(dir, 'secret.yaml')}: permission denied`,
    ]);
    assert.match(stdout, /z\.yaml:6:22: error injection-label-value/);
  });

  it('refuses a FIFO, named or found in a directory, instead of waiting for a writer', async () => {
    const dir = scratch();
    execFileSync('mkfifo', [join(dir, 'pipe.yaml')]);
    writeFileSync(join(dir, 'ok.yaml'), CLEAN);
    const named = await run(['lint', join(dir, 'pipe.yaml'), join(dir, 'ok.yaml')]);
    assert.equal(named.code, 3);
    assert.equal(named.stderr, `istio-mesh: skipped ${join(dir, 'pipe.yaml')}: not a regular file (a FIFO)\n`);
    const walked = await run(['lint', dir]);
    assert.equal(walked.stderr, named.stderr);
    assert.match(walked.stdout, /^1 file\(s\) checked, 1 skipped/);
    // A FIFO swapped in after the walk saw a regular file is refused when opened, without blocking.
    rmSync(join(dir, 'ok.yaml'));
    execFileSync('mkfifo', [join(dir, 'ok.yaml')]);
    const regular = { isFile: () => true, isDirectory: () => false } as Awaited<ReturnType<FileSystem['stat']>>;
    const swapped = await run(['lint', join(dir, 'ok.yaml')], { fs: { ...nodeFileSystem, stat: async () => regular } });
    assert.match(swapped.stderr, /ok\.yaml: not a regular file \(a FIFO\)/);
  });

  it('escapes control characters and bidirectional overrides in file names and messages of the text output', async () => {
    const dir = scratch();
    const evil = 'evil\x1b[31mred\u202e.yaml';
    writeFileSync(join(dir, evil), yaml('apiVersion: v1', 'kind: Namespace', 'metadata:', '  name: shop', '  "bad\x07key\x1b[2J": 1'));
    const text = await run(['lint', dir]);
    assert.ok(!hasRawControl(text.stdout + text.stderr), text.stdout);
    assert.ok(text.stdout.includes(`${join(dir, 'evil\\x1b[31mred\\u202e.yaml')}:5:3: error schema: Property bad\\x07key\\x1b[2J is not allowed.`), text.stdout);
    // JSON keeps the exact characters, as escapes a terminal does not act on.
    const json = await run(['lint', '--format', 'json', dir]);
    assert.ok(!hasRawControl(json.stdout), json.stdout);
    const [finding] = JSON.parse(json.stdout) as CliFinding[];
    assert.equal(finding.file, join(dir, evil));
    assert.equal(finding.message, 'Property bad\x07key\x1b[2J is not allowed.');
  });

  it('writes each file\'s findings as soon as it is checked', async () => {
    const dir = scratch();
    writeFileSync(join(dir, 'a.yaml'), NAMESPACE_TRUE);
    writeFileSync(join(dir, 'b.yaml'), NAMESPACE_TRUE);
    const out = sink();
    const printedBeforeB: boolean[] = [];
    let reads = 0;
    // With no text kept between the passes, the second pass reads each file again: when it reads b.yaml, a.yaml's
    // findings must already be out.
    const fs: FileSystem = {
      ...nodeFileSystem,
      readText: async (path) => {
        if (++reads > 2 && path.endsWith('b.yaml')) printedBeforeB.push(/a\.yaml:6:22/.test(out.text()));
        return nodeFileSystem.readText(path);
      },
    };
    const { code } = await run(['lint', dir], { fs, keptTextBudget: 0 }, out);
    assert.equal(code, 1);
    assert.deepEqual(printedBeforeB, [true]);
  });

  it('prints the first 1,000 of a file\'s 130,000 findings (more than a call stack holds arguments) and one notice, in text and JSON', async () => {
    const dir = scratch();
    const count = 130_000;
    writeFileSync(join(dir, 'many.yaml'), yaml('apiVersion: v1', 'kind: ConfigMap', 'metadata: {name: many}'));
    // The schema validation of that file reports a problem on each of 130,000 lines.
    const diagnostics = Array.from({ length: count }, (_, line) => ({ range: { start: { line, character: 2 }, end: { line, character: 3 } }, message: 'Incorrect type. Expected "string".', severity: 2 as const, source: 'yaml-schema: test' }));
    const schemas = async () => ({ covers: () => false, validate: async () => diagnostics });
    for (const format of ['text', 'json']) {
      const out = sink();
      const code = await main(['lint', '--format', format, dir], { stdout: out.stream, stderr: sink().stream }, schemas);
      assert.equal(code, 1);
      const printed = format === 'json' ? (JSON.parse(out.text()) as CliFinding[]).map((f) => `${f.code} ${f.message}`) : out.text().split('\n');
      assert.equal(printed.filter((l) => l.includes('schema') && l.includes('Incorrect type')).length, MAX_FINDINGS, format);
      assert.deepEqual(printed.filter((l) => l.includes('too-many-findings')).map((l) => l.replace(/^.*too-many-findings:? /, '')), [`${count - MAX_FINDINGS} more findings not shown: only the first ${MAX_FINDINGS} of a file are listed.`], format);
    }
  });

  it('keeps memory flat across files, with schema validation (the built command line, as a user runs it)', function () {
    const cli = join(repoRoot(), 'dist', 'cli.js');
    const preload = join(scratch(), 'peak.cjs');
    writeFileSync(preload, "process.on('exit', () => process.stderr.write(`peak-rss=${process.resourceUsage().maxRSS}\\n`));\n");
    const dir = scratch();
    const files = 526;
    for (let i = 0; i < files; i++) {
      const docs = [];
      for (let d = 0; d < 2; d++) {
        docs.push(yaml('---', 'apiVersion: apps/v1', 'kind: Deployment', `metadata: {name: web-${i}-${d}, namespace: team-${i % 7}}`, 'spec:', `  replicas: ${d === 0 ? 'two' : 2}`, '  selector: {matchLabels: {app: web}}', '  template:', '    metadata: {labels: {app: web, sidecar.istio.io/inject: "true"}}', '    spec: {containers: [{name: web, image: nginx}]}'));
        docs.push(yaml('---', 'apiVersion: networking.istio.io/v1', 'kind: VirtualService', `metadata: {name: vs-${i}-${d}}`, 'spec:', '  hosts: [web]', '  http: [{route: [{destination: {host: web, subset: v1}}]}]'));
      }
      writeFileSync(join(dir, `f${i}.yaml`), docs.join(''));
    }
    // A JavaScript heap capped at 48 MB: what a file leaves behind would add up over 526 files (the old command
    // line kept about 23 MB per file) and end the run.
    const result = spawnSync(process.execPath, ['--max-old-space-size=48', '--require', preload, cli, 'lint', dir], { encoding: 'utf8', maxBuffer: 64 << 20 });
    assert.equal(result.status, 1, result.stderr);
    assert.match(result.stdout, new RegExp(`^${files} file\\(s\\) checked: ${files} error\\(s\\)`, 'm'));
    const peakMb = Number(/peak-rss=(\d+)/.exec(result.stderr)?.[1]) / 1024;
    assert.ok(peakMb > 0 && peakMb < 300, `peak RSS ${peakMb.toFixed(0)} MB over ${files} files`);
  });
});
