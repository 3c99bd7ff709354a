// Proves the multi-cluster testbed is two real control planes joined into one Istio mesh: one kubeconfig reaches
// two independent API servers, both clusters hold the same plugged-in root CA (and their istiods publish it), and
// each istiod watches the other cluster through the remote secret istioctl made: it lists that cluster as synced,
// and an endpoint of a Service that exists only in the other cluster shows up in its endpoint index.
//
// `istioctl remote-clusters` reaches istiod by port-forwarding to its pod, and here that pod is a kwok pod that runs
// nothing; the test reads the same /debug/clusterz JSON that command prints, from the local istiod, and the
// extension's reader reads it through the API server's pod proxy (the testbed gives istiod's pod this machine's address).
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join, resolve } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { namespaceInjection, manifestMeshFacts } from '../../src/istio/injection';
import { ClusterClient } from '../../src/cluster/client';
import { IstioSystemNamespace, MultiClusterSecretLabel, RootCertConfigMap } from '../../src/istio/names';
import type { ClusterFacts } from '../../src/mesh/clusterFacts';
import { readClusterFacts } from '../../src/mesh/clusterFactsReader';
import { meshFindings } from '../../src/mesh/meshChecks';
import { deployment, execFileText, isFullyReady, namespace, testbedEnv, waitUntil } from './support';

interface MeshCluster { name: string; context: string; server: string; istiodDebug: string }
interface MeshFile { kubeconfig: string; meshId: string; network: string; clusters: MeshCluster[]; upSeconds: number; timings: Record<string, number> }
interface RemoteCluster { id: string; secretName: string; syncStatus: string }
/** /debug/endpointShardz: service hostname → namespace → shards keyed `<provider>/<cluster>`. */
type Shardz = Record<string, Record<string, { Shards: Record<string, { Addresses?: string[] }[] | null> }>>;

const RUN = Date.now().toString(36);
const cli = resolve(process.cwd(), 'testbed', 'testbed.mjs');

function getJson<T>(url: string): Promise<T> {
  return new Promise((resolveGet, reject) => {
    const req = request(url, { timeout: 10_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => (res.statusCode === 200 ? resolveGet(JSON.parse(body) as T) : reject(new Error(`${url}: HTTP ${res.statusCode} ${body}`))));
    });
    req.on('timeout', () => req.destroy(new Error(`${url}: timeout`)));
    req.on('error', reject);
    req.end();
  });
}

describe('multi-cluster testbed', function () {
  this.timeout(15 * 60_000);
  // Inside the tier's own state dir: the tier's `down` (or the next run's clean-up) stops it with the rest.
  const dir = join(testbedEnv().dir, 'mesh');
  let mesh: MeshFile;
  const kc = (c: MeshCluster) => {
    const config = new k8s.KubeConfig();
    config.loadFromFile(mesh.kubeconfig);
    config.setCurrentContext(c.context);
    return config;
  };
  const core = (c: MeshCluster) => kc(c).makeApiClient(k8s.CoreV1Api);

  before(async () => {
    await execFileText(process.execPath, [cli, 'up', '--clusters', '2', '--istio', 'multi-primary', '--dir', dir], 12 * 60_000);
    mesh = JSON.parse(readFileSync(join(dir, 'mesh.json'), 'utf8')) as MeshFile;
    console.log(`      two clusters with Istio up in ${mesh.upSeconds}s (${JSON.stringify(mesh.timings)})`);
  });

  after(async () => {
    await execFileText(process.execPath, [cli, 'down', '--dir', dir], 2 * 60_000);
  });

  it('reaches two independent API servers through the contexts of one kubeconfig', async () => {
    assert.deepEqual(mesh.clusters.map((c) => c.context), ['istio-mesh-testbed-1', 'istio-mesh-testbed-2']);
    const uids = await Promise.all(mesh.clusters.map(async (c) => (await core(c).readNamespace({ name: 'kube-system' })).metadata?.uid));
    assert.ok(uids[0] && uids[1]);
    assert.notEqual(uids[0], uids[1], 'each context has a cluster of its own');
    assert.notEqual(mesh.clusters[0].server, mesh.clusters[1].server);
  });

  it('plugs one root CA into both clusters, and each istiod publishes it', async () => {
    const secretRoot = async (c: MeshCluster, file: string) => {
      const s = await core(c).readNamespacedSecret({ name: 'cacerts', namespace: 'istio-system' });
      return Buffer.from(s.data?.[file] ?? '', 'base64').toString();
    };
    const [root1, root2] = await Promise.all(mesh.clusters.map((c) => secretRoot(c, 'root-cert.pem')));
    assert.match(root1, /BEGIN CERTIFICATE/);
    assert.equal(root1, root2, 'one root');
    assert.notEqual(await secretRoot(mesh.clusters[0], 'ca-cert.pem'), await secretRoot(mesh.clusters[1], 'ca-cert.pem'), 'an intermediate per cluster');
    for (const c of mesh.clusters) {
      // istiod writes its root into every namespace; with the plugged-in CA that is the shared root, not a self-signed one.
      const published = await waitUntil(`istio-ca-root-cert in ${c.name}`, async () =>
        (await core(c).readNamespacedConfigMap({ name: RootCertConfigMap, namespace: 'default' })).data?.['root-cert.pem']);
      assert.equal(published.trim(), root1.trim(), `${c.name}'s istiod signs with the plugged-in CA`);
    }
  });

  it('sets mesh ID, cluster name and network on each primary', async () => {
    for (const c of mesh.clusters) {
      const ns = await core(c).readNamespace({ name: 'istio-system' });
      assert.equal(ns.metadata?.labels?.['topology.istio.io/network'], mesh.network);
      const istio = await core(c).readNamespacedConfigMap({ name: 'istio', namespace: 'istio-system' });
      assert.match(istio.data?.mesh ?? '', new RegExp(`^\\s*meshId: "?${mesh.meshId}"?\\s*$`, 'm'));
      const istiod = await kc(c).makeApiClient(k8s.AppsV1Api).readNamespacedDeployment({ name: 'istiod', namespace: 'istio-system' });
      const env = istiod.spec?.template.spec?.containers[0].env ?? [];
      assert.equal(env.find((e) => e.name === 'CLUSTER_ID')?.value, c.name);
    }
  });

  it('has each istiod watch the other cluster through the remote secret istioctl made', async () => {
    for (const [local, remote] of [[mesh.clusters[0], mesh.clusters[1]], [mesh.clusters[1], mesh.clusters[0]]]) {
      const secrets = await core(local).listNamespacedSecret({ namespace: IstioSystemNamespace, labelSelector: `${MultiClusterSecretLabel}=true` });
      assert.deepEqual(secrets.items.map((s) => s.metadata?.name), [`istio-remote-secret-${remote.name}`]);
      const listed = await waitUntil(`${local.name}'s istiod to list ${remote.name} synced`, async () => {
        const clusters = await getJson<RemoteCluster[]>(`${local.istiodDebug}/debug/clusterz`);
        return clusters.some((c) => c.id === remote.name && c.syncStatus === 'synced') ? clusters : undefined;
      });
      assert.equal(listed.find((c) => c.id === remote.name)?.secretName, `istio-system/istio-remote-secret-${remote.name}`);
    }
  });

  it('shows an endpoint of a Service in one cluster in the other cluster\'s istiod', async () => {
    for (const [local, remote] of [[mesh.clusters[0], mesh.clusters[1]], [mesh.clusters[1], mesh.clusters[0]]]) {
      const ns = `remote-${remote.name}-${RUN}`;
      const remoteCore = core(remote);
      await remoteCore.createNamespace({ body: namespace(ns) });
      await waitUntil(`ServiceAccount ${ns}/default in ${remote.name}`, async () => (await remoteCore.readNamespacedServiceAccount({ name: 'default', namespace: ns })) && true);
      await kc(remote).makeApiClient(k8s.AppsV1Api).createNamespacedDeployment({ namespace: ns, body: deployment('web', ns, 1) });
      await remoteCore.createNamespacedService({ namespace: ns, body: { metadata: { name: 'web' }, spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] } } });
      const podIp = await waitUntil(`a ready web pod in ${remote.name}`, async () => {
        const pod = (await remoteCore.listNamespacedPod({ namespace: ns, labelSelector: 'app=web' })).items.find(isFullyReady);
        return pod?.status?.podIP;
      }, { timeoutMs: 120_000 });
      const host = `web.${ns}.svc.cluster.local`;
      // The Service exists only in `remote`: `local`'s istiod knows the endpoint only by watching that API server.
      await assert.rejects(core(local).readNamespace({ name: ns }));
      await waitUntil(`${local.name}'s istiod to index ${host} in ${remote.name}'s shard with ${podIp}`, async () => {
        const shardz = await getJson<Shardz>(`${local.istiodDebug}/debug/endpointShardz`);
        const shards = shardz[host]?.[ns]?.Shards ?? {};
        return Object.entries(shards).some(([key, eps]) => key.endsWith(`/${remote.name}`) && (eps ?? []).some((e) => e.Addresses?.includes(podIp)));
      }, { timeoutMs: 120_000 });
    }
  });

  /**
   * What the mesh-level checks know of a cluster, read by the extension's own reader (istiod's sync state through the
   * API server's pod proxy: the testbed puts istiod's pod on this machine's address); the namespaces decided here.
   */
  async function facts(c: MeshCluster): Promise<ClusterFacts> {
    const client = await ClusterClient.connect({ settingPath: mesh.kubeconfig, context: c.context });
    try {
      const { facts: read, unknown } = await readClusterFacts(client, []);
      assert.deepEqual(unknown, [], `${c.context}: facts left unknown`);
      const injection = manifestMeshFacts({ revisions: ['default'] });
      const namespaces = (await core(c).listNamespace()).items.map((n) => {
        const name = n.metadata?.name ?? '';
        const decided = namespaceInjection({ name, labels: n.metadata?.labels ?? {} }, injection);
        return { name, state: decided.state, revision: decided.plain.revision };
      });
      return { ...read, server: c.server, namespaces };
    } finally {
      client.dispose();
    }
  }

  it("reads each istiod's sync state of the other cluster as the extension does, through the API server's pod proxy", async () => {
    for (const [local, remote] of [mesh.clusters, [...mesh.clusters].reverse()]) {
      const read = await waitUntil(`${local.name}'s facts to say ${remote.name} synced`, async () => {
        const f = await facts(local);
        return f.remoteSecrets.some((r) => r.clusterName === remote.name && r.syncStatus === 'synced') ? f : undefined;
      });
      assert.equal(read.clusterName, local.name);
      assert.equal(read.meshId, mesh.meshId);
      assert.deepEqual(read.remoteSecrets.map((r) => [r.clusterName, r.syncStatus]), [[remote.name, 'synced']]);
    }
  });

  it('finds no mesh-level problem in the joined clusters, and the ones made on purpose', async () => {
    const [one, two] = mesh.clusters;
    assert.deepEqual(meshFindings(await Promise.all(mesh.clusters.map(facts))), []);

    const ns = `shop-${RUN}`;
    await core(one).createNamespace({ body: namespace(ns, { 'istio-injection': 'enabled' }) });
    await core(two).createNamespace({ body: namespace(ns) });
    // A remote secret for a cluster whose API server nobody answers: istiod of cluster 1 cannot sync it.
    const unreachable = 'https://127.0.0.1:9';
    const kubeconfig = `apiVersion: v1\nkind: Config\nclusters:\n- name: gone\n  cluster: {server: "${unreachable}", insecure-skip-tls-verify: true}\ncontexts:\n- name: gone\n  context: {cluster: gone, user: gone}\ncurrent-context: gone\nusers:\n- name: gone\n  user: {token: none}\n`;
    await core(one).createNamespacedSecret({ namespace: IstioSystemNamespace, body: {
      metadata: { name: 'istio-remote-secret-gone', labels: { [MultiClusterSecretLabel]: 'true' } }, stringData: { gone: kubeconfig },
    } });
    const findings = await waitUntil('the broken link and the namespace to be reported', async () => {
      const found = meshFindings(await Promise.all(mesh.clusters.map(facts)));
      return found.some((f) => f.code === 'remoteSecretUnsynced') ? found : undefined;
    }, { timeoutMs: 120_000, intervalMs: 1000 });
    assert.deepEqual(findings.map((f) => f.code).sort(), ['injectionDiffers', 'remoteSecretUnsynced']);
    assert.equal(findings.find((f) => f.code === 'injectionDiffers')?.namespace, ns);
    assert.match(findings.find((f) => f.code === 'remoteSecretUnsynced')?.message ?? '', new RegExp(unreachable.replace(/[.:/]/g, '\\$&')));
  });
});
