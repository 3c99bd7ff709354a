// The testbed's admin kubeconfig is written with js-yaml's dump: the extension's own loader must read it back whole.
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadKubeconfig } from '../../../src/cluster/kubeconfig';
import { repoRoot } from '../repoRoot';

interface TestbedLib {
  CONTEXT: string;
  kubeconfigText(parts: { server: string; caData: string; certData: string; keyData: string }): string;
}

describe('testbed kubeconfig', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'istio-mesh-kubeconfig-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('names one cluster, user and context, and keeps the certificates as given', async () => {
    // A computed URL, so the bundler leaves the testbed's own ES module to Node.
    const lib = (await import(pathToFileURL(join(repoRoot(), 'testbed', 'lib.mjs')).href)) as TestbedLib;
    const certs = { caData: Buffer.from('ca').toString('base64'), certData: Buffer.from('cert').toString('base64'), keyData: Buffer.from('key').toString('base64') };
    const file = join(dir, 'kubeconfig');
    writeFileSync(file, lib.kubeconfigText({ server: 'https://127.0.0.1:16443', ...certs }));
    const loaded = await loadKubeconfig({ settingPath: file });
    assert.equal(loaded.currentContext, lib.CONTEXT);
    assert.deepEqual(loaded.contexts.map((c) => c.name), [lib.CONTEXT]);
    const cluster = loaded.cluster;
    assert.equal(cluster?.server, 'https://127.0.0.1:16443');
    assert.equal(cluster?.caData, certs.caData);
    const user = loaded.user;
    assert.equal(user?.name, `${lib.CONTEXT}-admin`);
    assert.equal(user?.certData, certs.certData);
    assert.equal(user?.keyData, certs.keyData);
  });
});
