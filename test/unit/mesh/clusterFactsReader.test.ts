import * as assert from 'node:assert/strict';
import { ClusterClient } from '../../../src/cluster/client';
import { readClusterFacts } from '../../../src/mesh/clusterFactsReader';
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

  /** The istio-system objects of a primary with one remote secret; `clusterz` answers istiod's debug endpoint. */
  function serve(clusterz: (res: Parameters<typeof json>[0]) => void) {
    const d = istiod();
    d.spec!.template.spec!.containers[0].env = [{ name: 'CLUSTER_ID', value: 'cluster1' }];
    const running = pod('istiod-abc', { namespace: 'istio-system' });
    server.route = (req, res) => {
      if (req.path === '/apis/apps/v1/namespaces/istio-system/deployments') return json(res, 200, { items: [d], metadata: {} });
      if (req.path === '/api/v1/namespaces/istio-system/configmaps/istio') return json(res, 200, { metadata: { name: 'istio' }, data: { mesh: 'defaultConfig:\n  meshId: mesh1\n' } });
      if (req.path === '/api/v1/namespaces/istio-system/configmaps/istio-ca-root-cert') return json(res, 200, { metadata: { name: 'istio-ca-root-cert' }, data: { 'root-cert.pem': PEM } });
      if (req.path === '/api/v1/namespaces/istio-system/secrets') {
        assert.equal(req.query.get('labelSelector'), 'istio/multiCluster=true');
        return json(res, 200, { items: [secret('istio-remote-secret-cluster2', { cluster2: remoteKubeconfig('cluster2', 'https://10.0.0.2:6443') })], metadata: {} });
      }
      if (req.path === '/api/v1/namespaces/istio-system/pods') return json(res, 200, { items: [running], metadata: {} });
      if (req.path === '/api/v1/namespaces/istio-system/pods/istiod-abc:15014/proxy/debug/clusterz') return clusterz(res);
      return json(res, 404, { kind: 'Status', code: 404, message: 'not found' });
    };
  }

  it('reads cluster name, mesh ID, network, root, remote secrets with istiod\'s sync state, and the namespaces', async () => {
    serve((res) => json(res, 200, [{ id: 'cluster1', syncStatus: 'synced' }, { id: 'cluster2', secretName: 'istio-system/istio-remote-secret-cluster2', syncStatus: 'timeout' }]));
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

  it('leaves the sync state unknown, and says why, when istiod\'s debug endpoint does not answer', async () => {
    serve((res) => json(res, 503, { kind: 'Status', code: 503, message: 'error trying to reach service: dial tcp 10.0.0.9:15014: connect: no route to host' }));
    const { facts, unknown } = await readClusterFacts(client, store.namespaces);
    assert.equal(facts.remoteSecrets[0].syncStatus, undefined);
    assert.equal(unknown.length, 1);
    assert.match(unknown[0], /clusterz.*istiod-abc:15014/);
  });
});
