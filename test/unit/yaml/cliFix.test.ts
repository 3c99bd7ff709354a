import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import fc from 'fast-check';
import { main } from '../../../src/yaml/cli';
import { nodeFileSystem, type FileSystem } from '../../../src/yaml/files';
import { fixedPropertySeed } from '../property';
import { yaml } from './helpers';

fixedPropertySeed();

function sink(): { stream: Writable; text: () => string } {
  let text = '';
  return { stream: new Writable({ write(chunk, _e, done) { text += String(chunk); done(); } }), text: () => text };
}

async function run(argv: string[], options: Parameters<typeof main>[3] = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = sink();
  const err = sink();
  const code = await main(argv, { stdout: out.stream, stderr: err.stream }, undefined, options);
  return { code, stdout: out.text(), stderr: err.text() };
}

const POD_YES = yaml('apiVersion: v1', 'kind: Pod', 'metadata:', '  name: p', '  labels:', '    sidecar.istio.io/inject: yes', 'spec:', '  containers: []');
const POD_FIXED = POD_YES.replace('inject: yes', 'inject: "true"');
const NAMESPACE = yaml('apiVersion: v1', 'kind: Namespace', 'metadata:', '  name: shop');
// The pod template asks with the annotation (no webhook reads it: the namespace would be reported), and the label on the
// Deployment's own metadata is misplaced: its fix moves it into the pod template, where the object-selector webhook reads it.
const MISPLACED = yaml('apiVersion: apps/v1', 'kind: Deployment', 'metadata:', '  name: web', '  namespace: shop', '  labels:', '    sidecar.istio.io/inject: "true"', 'spec:', '  template:', '    metadata:', '      annotations:', '        sidecar.istio.io/inject: "true"', '      labels:', '        app: web', '    spec:', '      containers: []');

function scratch(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'istio-lint-fix-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

describe('istio-mesh lint --fix over a walk that survives any directory', () => {
  it('writes each file as soon as it is fixed, before the next file is read for fixing', async () => {
    const dir = scratch({ 'a.yaml': POD_YES, 'b.yaml': POD_YES });
    const seenFixed: boolean[] = [];
    let reads = 0;
    // No text kept between passes: each pass reads each file. The fix pass's read of b.yaml comes after a.yaml is written.
    const fs: FileSystem = {
      ...nodeFileSystem,
      readText: async (path) => {
        if (++reads === 4) seenFixed.push(readFileSync(join(dir, 'a.yaml'), 'utf8') === POD_FIXED);
        return nodeFileSystem.readText(path);
      },
    };
    const { code, stdout, stderr } = await run(['lint', '--fix', '--no-schema', dir], { fs, keptTextBudget: 0 });
    assert.deepEqual(seenFixed, [true]);
    assert.equal(readFileSync(join(dir, 'b.yaml'), 'utf8'), POD_FIXED);
    assert.equal(stderr, '');
    assert.equal(code, 0);
    assert.deepEqual(stdout.split('\n').filter((l) => l.endsWith('applied')), [`${join(dir, 'a.yaml')}: 1 fix(es) applied`, `${join(dir, 'b.yaml')}: 1 fix(es) applied`]);
  });

  it('fixes a file reached twice (named and through a link) once, reports skipped entries and exits 3', async () => {
    const dir = scratch({ 'a.yaml': POD_YES, 'locked.yaml': POD_YES });
    symlinkSync(join(dir, 'a.yaml'), join(dir, 'z-link.yaml'));
    symlinkSync(join(dir, 'nowhere.yaml'), join(dir, 'broken.yaml'));
    const writes: string[] = [];
    const fs: FileSystem = {
      ...nodeFileSystem,
      writeText: async (path, text) => {
        writes.push(path);
        if (path.endsWith('locked.yaml')) throw Object.assign(new Error(`EACCES: permission denied, open '${path}'`), { code: 'EACCES' });
        return nodeFileSystem.writeText(path, text);
      },
    };
    const { code, stdout, stderr } = await run(['lint', '--fix', '--no-schema', join(dir, 'a.yaml'), dir], { fs });
    assert.deepEqual(writes, [join(dir, 'a.yaml'), join(dir, 'locked.yaml')]);
    assert.equal(readFileSync(join(dir, 'a.yaml'), 'utf8'), POD_FIXED);
    assert.deepEqual(stderr.trim().split('\n'), [
      `istio-mesh: skipped ${join(dir, 'broken.yaml')}: broken symbolic link (its target does not exist)`,
      `istio-mesh: skipped ${join(dir, 'locked.yaml')}: its fixes could not be written: permission denied`,
    ]);
    assert.equal(stdout, `${join(dir, 'a.yaml')}: 1 fix(es) applied\n  6:30 inject-label-type: Quote it: "true"\n1 file(s) checked, 2 skipped: 0 error(s), 0 warning(s), 0 info.\n`);
    assert.equal(code, 3);
  });

  it('reports what remains with what every file says after its fixes (a fix in a later file shows in an earlier one)', async () => {
    const dir = scratch({ 'a-namespace.yaml': NAMESPACE, 'b-web.yaml': MISPLACED });
    // Before the fix, a-namespace.yaml is reported for the workload of b-web.yaml; after it, no longer.
    assert.match((await run(['lint', '--no-schema', dir])).stdout, /a-namespace\.yaml:4:3: info namespace-not-injected: /);
    const { code, stdout } = await run(['lint', '--fix', '--no-schema', dir], { keptTextBudget: 0 });
    assert.match(stdout, /b-web\.yaml: 1 fix\(es\) applied\n/);
    assert.doesNotMatch(stdout, /namespace-not-injected/);
    assert.equal(code, 0);
  });

  it('--fix-dry-run prints the same diff and report whatever it keeps between passes, and writes nothing', async () => {
    const files = { 'a-namespace.yaml': NAMESPACE, 'b-web.yaml': MISPLACED, 'c-pod.yaml': POD_YES, 'd-clean.yaml': POD_FIXED };
    const dir = scratch(files);
    const expected = await run(['lint', '--fix-dry-run', '--no-schema', dir]);
    assert.match(expected.stdout, /^--- .*b-web\.yaml\n/);
    assert.match(expected.stderr, /4 file\(s\) checked: 0 error\(s\), 0 warning\(s\), 0 info\.\n$/);
    await fc.assert(
      fc.asyncProperty(fc.nat(4000), async (keptTextBudget) => {
        assert.deepEqual(await run(['lint', '--fix-dry-run', '--no-schema', dir], { keptTextBudget }), expected);
      }),
      { numRuns: 25 },
    );
    for (const [name, text] of Object.entries(files)) assert.equal(readFileSync(join(dir, name), 'utf8'), text);
  });
});
