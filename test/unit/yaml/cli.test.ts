import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CliFinding } from '../../../src/yaml/cli';
import { runCli as run, yaml } from './helpers';

describe('istio-mesh lint (command line)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'istio-lint-'));
  mkdirSync(join(dir, 'apps'));
  const namespace = join(dir, 'namespace.yaml');
  const deployment = join(dir, 'apps', 'web.yml');
  const clean = join(dir, 'clean.yaml');
  writeFileSync(namespace, yaml('apiVersion: v1', 'kind: Namespace', 'metadata:', '  name: shop'));
  writeFileSync(deployment, yaml('apiVersion: apps/v1', 'kind: Deployment', 'metadata:', '  name: web', '  namespace: shop', 'spec:', '  template:', '    metadata:', '      labels:', '        sidecar.istio.io/inject: true'));
  writeFileSync(clean, yaml('apiVersion: v1', 'kind: Namespace', 'metadata:', '  name: ok', '  labels: {istio-injection: enabled}'));
  writeFileSync(join(dir, 'notes.txt'), 'not yaml');

  it('prints JSON findings with 1-based positions and exits 1 on errors, across files of a directory', async () => {
    const { code, stdout } = await run('lint', '--format', 'json', '--no-schema', dir);
    assert.equal(code, 1);
    const results = JSON.parse(stdout) as CliFinding[];
    assert.deepEqual(results, [
      { file: deployment, startLine: 10, startColumn: 34, endLine: 10, endColumn: 38, severity: 'error', code: 'inject-label-type', message: results[0].message },
      // Nothing on the namespace of the other file: its workload's template label is read as "true", which the
      // chart's object webhook injects in a namespace without injection label.
    ]);
  });
  it('prints text and exits 0 without errors', async () => {
    const { code, stdout } = await run('lint', '--no-schema', namespace, clean);
    assert.equal(code, 0);
    assert.equal(stdout, '2 file(s) checked: 0 error(s), 0 warning(s), 0 info.\n');
  });
  it('prints one line per finding in text form', async () => {
    const { stdout } = await run('lint', '--format=text', '--no-schema', deployment);
    assert.match(stdout, /^.*web\.yml:10:34: error inject-label-type: Label values must be strings/);
  });
  it('exits 2 on usage errors', async () => {
    for (const argv of [[], ['check', dir], ['lint'], ['lint', '--format', 'xml', dir], ['lint', '--bogus', dir]]) {
      const { code, stderr } = await run(...argv);
      assert.equal(code, 2, argv.join(' '));
      assert.match(stderr, /istio-mesh: /);
    }
  });
  it('names a missing path on stderr, checks the others and exits 3', async () => {
    const { code, stdout, stderr } = await run('lint', '--no-schema', join(dir, 'missing.yaml'), clean);
    assert.equal(code, 3);
    assert.equal(stderr, `istio-mesh: skipped ${join(dir, 'missing.yaml')}: no such file or directory\n`);
    assert.equal(stdout, '1 file(s) checked, 1 skipped: 0 error(s), 0 warning(s), 0 info.\n');
  });
});
