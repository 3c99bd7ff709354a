// The multi-cluster testbed's pieces that need no cluster: Istio's plug-in CA recipe (one root, an intermediate per
// cluster) made with openssl, and the one kubeconfig that holds every cluster's context.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadKubeconfig } from '../../../src/cluster/kubeconfig';
import { repoRoot } from '../repoRoot';

interface Member { index: number; context: string; name: string; dir: string }
interface TestbedMesh {
  meshMember(dir: string, i: number): Member;
  makeMeshCa(pki: string, members: Member[]): Promise<void>;
  writeMeshKubeconfig(dir: string, members: Member[]): void;
}
interface TestbedLib {
  CONTEXT: string;
  kubeconfigText(parts: { server: string; caData: string; certData: string; keyData: string; context?: string }): string;
}

const openssl = (args: string[], cwd: string) => execFileSync('openssl', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

describe('multi-cluster testbed', () => {
  let dir: string;
  let mesh: TestbedMesh;
  let lib: TestbedLib;
  let members: Member[];
  before(async () => {
    // Computed URLs, so the bundler leaves the testbed's own ES modules to Node.
    mesh = (await import(pathToFileURL(join(repoRoot(), 'testbed', 'mesh.mjs')).href)) as TestbedMesh;
    lib = (await import(pathToFileURL(join(repoRoot(), 'testbed', 'lib.mjs')).href)) as TestbedLib;
    dir = mkdtempSync(join(tmpdir(), 'istio-mesh-multicluster-'));
    members = [1, 2].map((i) => mesh.meshMember(dir, i));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('names the clusters apart from the single-cluster context', () => {
    assert.deepEqual(members.map((m) => [m.context, m.name]), [[`${lib.CONTEXT}-1`, 'cluster1'], [`${lib.CONTEXT}-2`, 'cluster2']]);
  });

  it('plugs one root and a CA of its own into each cluster, as Istio\'s recipe does', async function () {
    this.timeout(30_000);
    const pki = join(dir, 'pki');
    await mesh.makeMeshCa(pki, members);
    const root = readFileSync(join(pki, 'root-cert.pem'), 'utf8');
    const intermediates = members.map((m) => {
      const d = join(pki, m.name);
      assert.equal(readFileSync(join(d, 'root-cert.pem'), 'utf8'), root, `${m.name} has the shared root`);
      const ca = readFileSync(join(d, 'ca-cert.pem'), 'utf8');
      assert.equal(readFileSync(join(d, 'cert-chain.pem'), 'utf8'), ca + root, 'cert-chain.pem is the intermediate, then the root');
      assert.match(openssl(['verify', '-CAfile', join(pki, 'root-cert.pem'), join(d, 'ca-cert.pem')], pki), /: OK/);
      const text = openssl(['x509', '-in', join(d, 'ca-cert.pem'), '-noout', '-text'], pki);
      assert.match(text, /CA:TRUE, pathlen:0/);
      assert.match(text, /Certificate Sign/);
      // The key signs for the certificate: their public keys are the same.
      const certKey = openssl(['x509', '-in', join(d, 'ca-cert.pem'), '-noout', '-pubkey'], pki);
      assert.equal(openssl(['pkey', '-in', join(d, 'ca-key.pem'), '-pubout'], pki), certKey);
      return ca;
    });
    assert.notEqual(intermediates[0], intermediates[1], 'each cluster signs with its own intermediate');
  });

  it('writes one kubeconfig holding every cluster\'s context, each with its own server and credentials', async () => {
    for (const [i, m] of members.entries()) {
      mkdirSync(m.dir, { recursive: true });
      const b64 = (s: string) => Buffer.from(`${s}-${m.name}`).toString('base64');
      writeFileSync(join(m.dir, 'kubeconfig'), lib.kubeconfigText({ server: `https://127.0.0.1:${16443 + i}`, context: m.context, caData: b64('ca'), certData: b64('cert'), keyData: b64('key') }));
    }
    mesh.writeMeshKubeconfig(dir, members);
    const loaded = await loadKubeconfig({ settingPath: join(dir, 'kubeconfig') });
    assert.deepEqual(loaded.contexts.map((c) => c.name), members.map((m) => m.context));
    assert.equal(loaded.currentContext, members[0].context);
    for (const [i, m] of members.entries()) {
      const one = await loadKubeconfig({ settingPath: join(dir, 'kubeconfig'), context: m.context });
      assert.equal(one.cluster.server, `https://127.0.0.1:${16443 + i}`);
      assert.equal(Buffer.from(one.user?.certData ?? '', 'base64').toString(), `cert-${m.name}`);
    }
  });
});
