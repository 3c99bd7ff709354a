// Injection and restarts through the real cluster wrapper, against the testbed's control plane with a real
// istiod injector: enable → restart → every new pod has istio-proxy; disable → restart → none; a revision
// label; a paused deployment reported rather than waited on.
import * as assert from 'node:assert/strict';
import { ClusterClient } from '../../src/cluster/client';
import { Kinds } from '../../src/cluster/kinds';
import type { Pod, Workload } from '../../src/cluster/types';
import { rolloutClusterFrom } from '../../src/injection/rolloutClusterAdapter';
import { changeNamespaceInjection } from '../../src/injection/namespaceChange';
import { restartCandidates, needingRestart } from '../../src/injection/planner';
import type { RolloutCluster } from '../../src/injection/rolloutCluster';
import { PAUSED_MESSAGE, restartWorkloads } from '../../src/injection/rollout';
import { summarize } from '../../src/injection/summary';
import type { WorkloadRef } from '../../src/injection/workloads';
import { isLive, podSidecar } from '../../src/istio/pods';
import { injectionOffer, injectorEntries } from '../../src/istio/webhooks';
import { deployment, namespace, statefulSet } from '../builders/kube';
import { ensureIstio, testbedEnv, waitUntil } from './support';

const RUN = Date.now().toString(36);
const hasSidecar = (p: Pod) => podSidecar(p).present;

describe('injection and restarts on the testbed', function () {
  this.timeout(5 * 60_000);
  const env = testbedEnv();
  const ns = `inject-${RUN}`;
  let client: ClusterClient;
  let cluster: RolloutCluster;
  const refs: WorkloadRef[] = [
    { kind: 'Deployment', namespace: ns, name: 'web' },
    { kind: 'Deployment', namespace: ns, name: 'api' },
    { kind: 'StatefulSet', namespace: ns, name: 'db' },
  ];

  async function livePods(): Promise<Pod[]> {
    return (await client.list<Pod>(Kinds.Pod, { namespace: ns })).items.filter(isLive);
  }

  async function context() {
    const [n, hooks] = await Promise.all([cluster.getNamespace(ns), cluster.listMutatingWebhookConfigurations()]);
    return { namespace: ns, namespaceLabels: n.metadata.labels ?? {}, mesh: { entries: injectorEntries(hooks), source: 'cluster' as const } };
  }

  before(async () => {
    await ensureIstio(env);
    client = await ClusterClient.connect({ settingPath: env.kubeconfig, context: env.context });
    cluster = rolloutClusterFrom(client);
    await client.create(namespace(ns, { team: 'payments' }));
    await client.create(deployment('web', { namespace: ns, replicas: 2 }));
    await client.create(deployment('api', { namespace: ns, replicas: 1 }));
    await client.create(statefulSet('db', { namespace: ns, replicas: 1 }));
    await waitUntil('the first pods to run', async () => (await livePods()).filter((p) => p.status?.phase === 'Running').length === 4);
  });

  after(async () => {
    await client?.delete(Kinds.Namespace, ns);
    client?.dispose();
  });

  it('offers the default injector served by the testbed istiod', async () => {
    const offer = injectionOffer((await context()).mesh.entries);
    assert.equal(offer.defaultInjector, true);
    assert.ok(offer.revisions.includes('default'), JSON.stringify(offer));
  });

  it('enable → restart: every new pod has istio-proxy, other labels and annotations untouched', async () => {
    const before = await cluster.getNamespace(ns);
    const change = await changeNamespaceInjection(cluster, ns, { mode: 'default' });
    assert.deepEqual(change.changes, { 'istio-injection': 'enabled' });
    const after = await cluster.getNamespace(ns);
    assert.deepEqual(after.metadata.labels, { ...before.metadata.labels, 'istio-injection': 'enabled' });
    assert.deepEqual(after.metadata.annotations, before.metadata.annotations);

    const ctx = await context();
    const planned = needingRestart(restartCandidates(await cluster.listWorkloads(ns), await livePods(), ctx)).map((c) => c.ref.name).sort();
    assert.deepEqual(planned, ['api', 'db', 'web']);

    const report = await restartWorkloads(cluster, refs, { concurrency: 2 });
    assert.deepEqual(report.workloads.map((w) => w.phase), ['ready', 'ready', 'ready'], JSON.stringify(report.workloads.map((w) => w.message)));
    assert.ok(report.maxInFlight <= 2);
    const pods = await livePods();
    assert.equal(pods.length, 4);
    assert.deepEqual(pods.filter((p) => !hasSidecar(p)).map((p) => p.metadata.name), []);
    assert.deepEqual(summarize(report, await context()).findings, []);
  });

  it('disable → restart: no pod has istio-proxy', async () => {
    await changeNamespaceInjection(cluster, ns, { mode: 'disabled' });
    const report = await restartWorkloads(cluster, refs, { concurrency: 8 });
    assert.deepEqual(report.workloads.map((w) => w.phase), ['ready', 'ready', 'ready']);
    assert.deepEqual((await livePods()).filter(hasSidecar).map((p) => p.metadata.name), []);
  });

  it('a revision label (istio.io/rev) replaces istio-injection and injects', async () => {
    const change = await changeNamespaceInjection(cluster, ns, { mode: 'revision', revision: 'default' });
    assert.deepEqual(change.changes, { 'istio.io/rev': 'default', 'istio-injection': null });
    const report = await restartWorkloads(cluster, refs.slice(0, 1), { concurrency: 1 });
    assert.equal(report.workloads[0].phase, 'ready');
    const web = (await livePods()).filter((p) => p.metadata.labels?.app === 'web');
    assert.equal(web.length, 2);
    assert.ok(web.every(hasSidecar));
  });

  it('reports a paused deployment without restarting it or hanging', async () => {
    await client.create(deployment('frozen', { namespace: ns, replicas: 1, paused: true }));
    const started = Date.now();
    const report = await restartWorkloads(cluster, [{ kind: 'Deployment', namespace: ns, name: 'frozen' }], { concurrency: 1 });
    assert.deepEqual([report.workloads[0].phase, report.workloads[0].message], ['failed', PAUSED_MESSAGE]);
    assert.ok(Date.now() - started < 10_000);
    const frozen = await client.get<Workload>(Kinds.Deployment, 'frozen', ns);
    assert.equal(frozen.spec.template.metadata?.annotations?.['kubectl.kubernetes.io/restartedAt'], undefined);
  });
});
