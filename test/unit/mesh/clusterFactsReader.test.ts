import * as assert from 'node:assert/strict';
import { ClusterClient } from '../../../src/cluster/client';
import { readClusterFacts, remoteSyncStatus } from '../../../src/mesh/clusterFactsReader';
import { MeshStore } from '../../../src/mesh/store';
import { FakeApiServer, json } from '../cluster/fakeApiServer';
import { injectorWebhookConfiguration } from '../../builders/injection';
import { istiod, namespace, pod } from '../../builders/kube';
import { remoteKubeconfig, secret } from '../../builders/multicluster';

const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\nroot\n-----END CERTIFICATE-----\n';

describe('reading a cluster\'s mesh facts', () => {
  let server: FakeApiServer;
  let client: ClusterClient;
  let store: MeshStore;
  beforeEach(async () => {
    server = await new FakeApiServer().start();
    client = await ClusterClient.connect({ settingPath: server.writeKubeconfig() });
    store = new MeshStore({ debounceMs: 1, maxWaitMs: 5 });
    store.replace('namespaces', [namespace('istio-system', { 'topology.istio.io/network': 'net1' }), namespace('shop', { 'istio-injection': 'enabled' })]);
    store.replace('webhooks', [injectorWebhookConfiguration()]);
    store.flush();
  });
  afterEach(async () => {
    store.dispose();
    client.dispose();
    await server.stop();
  });

  type Answer = (res: Parameters<typeof json>[0]) => void;
  const text = (status: number, body: string): Answer => (res) => {
    res.writeHead(status, { 'content-type': 'text/plain' });
    res.end(body);
  };
  /** Metrics of an istiod older than the sync-state family. */
  const OLD_METRICS = text(200, '# TYPE istiod_managed_clusters gauge\nistiod_managed_clusters{cluster_type="remote"} 1\n');

  /**
   * The istio-system objects of a primary with one remote secret; `metrics` and `clusterz` answer istiod's metrics and
   * debug endpoint through the pod proxy.
   */
  function serve(metrics: Answer, clusterz: Answer = text(401, ''), ports: { named?: number; scraped?: string } = {}) {
    const d = istiod();
    d.spec!.template.spec!.containers[0].env = [{ name: 'CLUSTER_ID', value: 'cluster1' }];
    const running = pod('istiod-abc', { namespace: 'istio-system' });
    if (ports.named !== undefined) running.spec!.containers[0].ports = [{ name: 'grpc-xds', containerPort: 15010 }, { name: 'http-monitoring', containerPort: ports.named }];
    if (ports.scraped !== undefined) running.metadata.annotations = { 'prometheus.io/port': ports.scraped, 'prometheus.io/scrape': 'true' };
    const port = Number(ports.scraped) || (ports.named ?? 15014);
    server.route = (req, res) => {
      if (req.path === '/apis/apps/v1/namespaces/istio-system/deployments') return json(res, 200, { items: [d], metadata: {} });
      if (req.path === '/api/v1/namespaces/istio-system/configmaps/istio') return json(res, 200, { metadata: { name: 'istio' }, data: { mesh: 'defaultConfig:\n  meshId: mesh1\n' } });
      if (req.path === '/api/v1/namespaces/istio-system/configmaps/istio-ca-root-cert') return json(res, 200, { metadata: { name: 'istio-ca-root-cert' }, data: { 'root-cert.pem': PEM } });
      if (req.path === '/api/v1/namespaces/istio-system/secrets') {
        assert.equal(req.query.get('labelSelector'), 'istio/multiCluster=true');
        return json(res, 200, { items: [secret('istio-remote-secret-cluster2', { cluster2: remoteKubeconfig('cluster2', 'https://10.0.0.2:6443') })], metadata: {} });
      }
      if (req.path === '/api/v1/namespaces/istio-system/pods') return json(res, 200, { items: [running], metadata: {} });
      if (req.path === `/api/v1/namespaces/istio-system/pods/istiod-abc:${port}/proxy/metrics`) return metrics(res);
      if (req.path === `/api/v1/namespaces/istio-system/pods/istiod-abc:${port}/proxy/debug/clusterz`) return clusterz(res);
      return json(res, 404, { kind: 'Status', code: 404, message: 'not found' });
    };
  }

  it('reads cluster name, mesh ID, network, root, remote secrets with istiod\'s sync state, and the namespaces', async () => {
    serve(text(200, [
      '# HELP istiod_remote_cluster_sync_status Current synchronization state of remote clusters managed by istiod.',
      '# TYPE istiod_remote_cluster_sync_status gauge',
      'istiod_remote_cluster_sync_status{cluster="cluster2",cluster_type="remote",status="closed"} 0',
      'istiod_remote_cluster_sync_status{cluster="cluster2",cluster_type="remote",status="synced"} 0',
      'istiod_remote_cluster_sync_status{cluster="cluster2",cluster_type="remote",status="syncing"} 0',
      'istiod_remote_cluster_sync_status{cluster="cluster2",cluster_type="remote",status="timeout"} 1',
      '',
    ].join('\n')));
    const { facts, unknown } = await readClusterFacts(client, store.namespaces);
    assert.deepEqual(unknown, []);
    assert.equal(facts.context, 'fake');
    assert.equal(facts.clusterName, 'cluster1');
    assert.equal(facts.meshId, 'mesh1');
    assert.equal(facts.network, 'net1');
    assert.deepEqual(facts.rootCerts, ['MIIBroot']);
    assert.deepEqual(facts.remoteSecrets, [{ secret: 'istio-system/istio-remote-secret-cluster2', clusterName: 'cluster2', server: 'https://10.0.0.2:6443', syncStatus: 'timeout' }]);
    assert.deepEqual(facts.namespaces.find((n) => n.name === 'shop'), { name: 'shop', state: 'on', revision: 'default' });
  });

  it('asks /debug/clusterz when istiod\'s metrics have no sync-state family (an older istiod)', async () => {
    serve(OLD_METRICS, (res) => json(res, 200, [{ id: 'cluster1', syncStatus: 'synced' }, { id: 'cluster2', secretName: 'istio-system/istio-remote-secret-cluster2', syncStatus: 'syncing' }]));
    const { facts, unknown } = await readClusterFacts(client, store.namespaces);
    assert.deepEqual(unknown, []);
    assert.equal(facts.remoteSecrets[0].syncStatus, 'syncing');
  });

  it('leaves the sync state unknown, and says why, when istiod does not answer', async () => {
    serve((res) => json(res, 503, { kind: 'Status', code: 503, message: 'error trying to reach service: dial tcp 10.0.0.9:15014: connect: no route to host' }));
    const { facts, unknown } = await readClusterFacts(client, store.namespaces);
    assert.equal(facts.remoteSecrets[0].syncStatus, undefined);
    assert.equal(unknown.length, 1);
    assert.match(unknown[0], /sync state.*istiod-abc:15014.*no route to host/);
  });

  it('leaves it unknown when the metrics lack the family and /debug/clusterz wants a token', async () => {
    serve(OLD_METRICS);
    const { facts, unknown } = await readClusterFacts(client, store.namespaces);
    assert.equal(facts.remoteSecrets[0].syncStatus, undefined);
    assert.match(unknown[0], /answered HTTP 401 \(through the API server's proxy\)/);
  });

  it('asks the port Prometheus scrapes (prometheus.io/port), else the one istiod\'s pod names http-monitoring', async () => {
    const synced = text(200, 'istiod_remote_cluster_sync_status{cluster="cluster2",cluster_type="remote",status="synced"} 1\n');
    for (const ports of [{ named: 24017 }, { named: 24017, scraped: '24018' }, { scraped: 'nope' }]) {
      serve(synced, undefined, ports);
      const { facts, unknown } = await readClusterFacts(client, store.namespaces);
      assert.deepEqual(unknown, [], JSON.stringify(ports));
      assert.equal(facts.remoteSecrets[0].syncStatus, 'synced');
    }
  });

  it('says what answered, not a missing permission, when the pod (or a proxy on the way) refuses the request', async () => {
    serve(text(403, 'resolve_deny: denied destination\n'));
    const { unknown } = await readClusterFacts(client, store.namespaces);
    assert.equal(unknown.length, 1);
    assert.match(unknown[0], /answered HTTP 403: resolve_deny: denied destination \(through the API server's proxy\)/);
    assert.doesNotMatch(unknown[0], /You may not/);
  });

  it('still says a permission is missing when the API server itself refuses the proxy', async () => {
    serve((res) => json(res, 403, { kind: 'Status', code: 403, reason: 'Forbidden', message: 'pods "istiod-abc" is forbidden: User "dev" cannot get resource "pods/proxy"' }));
    const { unknown } = await readClusterFacts(client, store.namespaces);
    assert.match(unknown[0], /You may not get pods\/proxy\/istiod-abc/);
  });
});

describe("istiod's sync state in its metrics", () => {
  it('is the state whose sample is 1, per cluster; other families and states are ignored', () => {
    const metrics = [
      '# TYPE istiod_remote_cluster_sync_status gauge',
      'istiod_remote_cluster_sync_status{cluster="a",cluster_type="remote",status="synced"} 1',
      'istiod_remote_cluster_sync_status{cluster="a",cluster_type="remote",status="timeout"} 0',
      'istiod_remote_cluster_sync_status{cluster="b \\"x\\"",status="syncing",cluster_type="remote"} 1 1700000000000',
      'istiod_remote_cluster_sync_status{cluster="c",cluster_type="remote",status="closed"} 0',
      'istiod_remote_cluster_sync_status_other{cluster="d",status="synced"} 1',
      'istiod_managed_clusters{cluster_type="remote"} 3',
    ].join('\n');
    assert.deepEqual([...remoteSyncStatus(metrics)!], [['a', 'synced'], ['b \\"x\\"', 'syncing']]);
  });

  it('is absent when the family is (an istiod older than it), and empty when it has no remote cluster yet', () => {
    assert.equal(remoteSyncStatus('istiod_managed_clusters{cluster_type="remote"} 0\n'), undefined);
    assert.deepEqual(remoteSyncStatus('# HELP istiod_remote_cluster_sync_status x\n# TYPE istiod_remote_cluster_sync_status gauge\n'), new Map());
  });
});
