import assert from 'node:assert/strict';
import { injectorEntries } from '../../../src/istio/webhooks';
import { PAUSED_MESSAGE, type WorkloadRollout, restartWorkloads } from '../../../src/injection/rollout';
import { summarize } from '../../../src/injection/summary';
import { RolloutTracker } from '../../../src/injection/tracker';
import { rolloutDescription } from '../../../src/views/nodes/rollout';
import { refOf } from '../../../src/injection/workloads';
import { daemonSet, deployment, injectorWebhookConfiguration, pod, statefulSet } from '../../builders/injection';
import { FakeCluster, StatusError } from './fakeCluster';

const at = new Date('2025-01-02T03:04:05.678Z');
const options = { concurrency: 4, now: () => at };

/** Resolves when `predicate` holds for an update; the rollout's own events drive it, no timers. */
function updateWhere(updates: WorkloadRollout[], predicate: (u: WorkloadRollout) => boolean): Promise<void> {
  return new Promise((resolve) => {
    const check = () => (updates.some(predicate) ? resolve() : setImmediate(check));
    check();
  });
}

describe('restartWorkloads', () => {
  let cluster: FakeCluster;
  beforeEach(() => {
    cluster = new FakeCluster();
  });

  it('restarts each kind with kubectl’s patch and follows it until rolled out', async () => {
    const workloads = [deployment('web'), statefulSet('db'), daemonSet('agent')];
    workloads.forEach((w) => cluster.addWorkload(w));
    cluster.pods = [pod('web-1', 'web', { sidecar: true }), pod('db-0', 'db', { sidecar: true })];
    const report = await restartWorkloads(cluster, workloads.map(refOf), options);
    assert.deepEqual(report.workloads.map((w) => [w.ref.name, w.phase, w.message]), [
      ['web', 'ready', 'deployment "web" successfully rolled out'],
      ['db', 'ready', 'partitioned roll out complete: 1 new pods have been updated...'],
      ['agent', 'ready', 'daemon set "agent" successfully rolled out'],
    ]);
    assert.equal(cluster.workload(refOf(workloads[0])).spec!.template!.metadata!.annotations!['kubectl.kubernetes.io/restartedAt'], '2025-01-02T03:04:05Z');
    assert.deepEqual(report.workloads[0].podStates, [{ name: 'web-1', ready: 2, total: 2, sidecar: true }]);
    assert.equal(rolloutDescription(report.workloads[0]), '2/2 injected');
    assert.equal(cluster.watcherCount, 0, 'watches are closed at the end');
    // Watches are opened before any restart is sent, so no status change is missed.
    assert.ok(cluster.calls.findIndex((c) => c.startsWith('watch')) < cluster.calls.findIndex((c) => c.startsWith('patch')));
  });

  it('ends "ready" when the watch shows the rollout complete before the patch answers', async () => {
    cluster.rolloutBeforeAnswer = true;
    const web = deployment('web');
    cluster.addWorkload(web);
    const report = await restartWorkloads(cluster, [refOf(web)], options);
    assert.deepEqual(report.workloads.map((w) => [w.phase, w.restarted]), [['ready', true]]);
  });

  it('restarts again within the same second by waiting for the next one (kubectl writes whole seconds)', async () => {
    const web = deployment('web');
    web.spec!.template!.metadata = { annotations: { 'kubectl.kubernetes.io/restartedAt': '2025-01-02T03:04:05Z' } };
    cluster.addWorkload(web);
    const times = [at, new Date('2025-01-02T03:04:06.001Z')];
    const report = await restartWorkloads(cluster, [refOf(web)], { ...options, now: () => times.shift() ?? at });
    assert.equal(report.workloads[0].phase, 'ready');
    assert.equal(cluster.workload(refOf(web)).spec!.template!.metadata!.annotations!['kubectl.kubernetes.io/restartedAt'], '2025-01-02T03:04:06Z');
  });

  it('bounds the restart requests in flight', async () => {
    const workloads = Array.from({ length: 20 }, (_, i) => deployment(`web-${i}`));
    workloads.forEach((w) => cluster.addWorkload(w));
    const report = await restartWorkloads(cluster, workloads.map(refOf), { ...options, concurrency: 3 });
    assert.equal(report.workloads.filter((w) => w.phase === 'ready').length, 20);
    assert.equal(cluster.maxPatchesInFlight, 3);
    assert.equal(report.maxInFlight, 3);
  });

  it('waits for the new generation, not a stale status', async () => {
    cluster.autoRollout = false;
    const web = deployment('web', { replicas: 2 });
    cluster.addWorkload(web);
    const updates: WorkloadRollout[] = [];
    const run = restartWorkloads(cluster, [refOf(web)], { ...options, onUpdate: (u) => updates.push(u) });
    await updateWhere(updates, (u) => u.phase === 'restarting');
    assert.deepEqual(updates.map((u) => u.phase), ['queued', 'restarting']);
    assert.equal(updates.at(-1)!.message, 'Waiting for deployment spec update to be observed...');
    cluster.completeRollout(refOf(web));
    const report = await run;
    assert.equal(report.workloads[0].phase, 'ready');
  });

  it('reports a paused deployment without restarting it or waiting on it', async () => {
    const paused = deployment('frozen', { paused: true });
    cluster.addWorkload(paused);
    cluster.addWorkload(deployment('web'));
    const report = await restartWorkloads(cluster, [refOf(paused), refOf(deployment('web'))], options);
    assert.deepEqual(report.workloads.map((w) => [w.ref.name, w.phase, w.message, w.paused]), [
      ['frozen', 'failed', PAUSED_MESSAGE, true],
      ['web', 'ready', 'deployment "web" successfully rolled out', false],
    ]);
    assert.ok(!cluster.calls.some((c) => c.startsWith('patch Deployment/shop/frozen')));
  });

  it('fails a rollout that exceeds its progress deadline', async () => {
    cluster.autoRollout = false;
    const web = deployment('web');
    cluster.addWorkload(web);
    const updates: WorkloadRollout[] = [];
    const run = restartWorkloads(cluster, [refOf(web)], { ...options, onUpdate: (u) => updates.push(u) });
    await updateWhere(updates, (u) => u.phase === 'restarting');
    cluster.exceedDeadline(refOf(web));
    const report = await run;
    assert.deepEqual([report.workloads[0].phase, report.workloads[0].message], ['failed', 'deployment "web" exceeded its progress deadline']);
  });

  it('names verb and resource when a restart is forbidden, and carries on with the others', async () => {
    cluster.addWorkload(deployment('web'));
    cluster.addWorkload(deployment('api'));
    cluster.failures.set('patchWorkload', [new StatusError('forbidden')]);
    const report = await restartWorkloads(cluster, [refOf(deployment('web')), refOf(deployment('api'))], { ...options, concurrency: 1 });
    assert.equal(report.workloads[0].message, 'Forbidden: you may not patch deployments.apps "web" in namespace "shop" (context "fake-context"). Ask for the "patch" permission on deployments.apps.');
    assert.equal(report.workloads[1].phase, 'ready');
  });

  it('reports workloads deleted meanwhile (e.g. their namespace was deleted)', async () => {
    cluster.autoRollout = false;
    const web = deployment('web');
    const gone = deployment('gone');
    cluster.addWorkload(web);
    const updates: WorkloadRollout[] = [];
    const run = restartWorkloads(cluster, [refOf(web), refOf(gone)], { ...options, onUpdate: (u) => updates.push(u) });
    await updateWhere(updates, (u) => u.phase === 'restarting');
    cluster.deleteWorkload(refOf(web));
    const report = await run;
    assert.deepEqual(report.workloads.map((w) => w.message), [
      'deployment/web was deleted',
      'Not found: deployments.apps "gone" in namespace "shop" (context "fake-context"); it was deleted meanwhile.',
    ]);
  });

  it('on cancel, stops sending restarts and stops waiting; restarted ones are reported as continuing', async () => {
    cluster.autoRollout = false;
    const workloads = Array.from({ length: 6 }, (_, i) => deployment(`web-${i}`));
    workloads.forEach((w) => cluster.addWorkload(w));
    const controller = new AbortController();
    const updates: WorkloadRollout[] = [];
    const run = restartWorkloads(cluster, workloads.map(refOf), {
      ...options,
      concurrency: 2,
      signal: controller.signal,
      onUpdate: (u) => {
        updates.push(u);
        if (u.phase === 'restarting' && u.ref.name === 'web-1') controller.abort();
      },
    });
    const report = await run;
    assert.equal(report.cancelled, true);
    const restarted = report.workloads.filter((w) => w.restarted);
    assert.ok(restarted.length >= 2 && restarted.length < 6, `${restarted.length} restarted`);
    for (const w of report.workloads) {
      assert.equal(w.phase, 'cancelled');
      assert.equal(w.message, w.restarted ? 'restart sent; the rollout continues in the cluster' : 'not restarted');
    }
    // Every restart sent was a complete patch; the rest were never touched.
    const patched = cluster.calls.filter((c) => c.startsWith('patch')).length;
    assert.equal(patched, restarted.length);
    assert.equal(cluster.watcherCount, 0);
  });

  it('reopens a watch the server closed and catches up on what it missed', async () => {
    cluster.autoRollout = false;
    const web = deployment('web');
    cluster.addWorkload(web);
    const updates: WorkloadRollout[] = [];
    const run = restartWorkloads(cluster, [refOf(web)], { ...options, onUpdate: (u) => updates.push(u) });
    await updateWhere(updates, (u) => u.phase === 'restarting');
    cluster.endWatches();
    cluster.completeRollout(refOf(web)); // happens while no watch is open
    const report = await run;
    assert.equal(report.workloads[0].phase, 'ready');
    assert.equal(cluster.calls.filter((c) => c.startsWith('watch')).length, 2);
  });

  it('feeds a tracker the tree can read', async () => {
    const tracker = new RolloutTracker();
    const seen: string[] = [];
    tracker.onDidChange((s) => seen.push(`${s.ref.name}:${s.phase}`));
    cluster.addWorkload(deployment('web'));
    await restartWorkloads(cluster, [refOf(deployment('web'))], { ...options, onUpdate: (s) => tracker.update(s) });
    assert.deepEqual(seen, ['web:queued', 'web:restarting', 'web:ready', 'web:ready']);
    assert.equal(tracker.isRollingOut('shop'), false);
    assert.equal(tracker.get(refOf(deployment('web')))!.phase, 'ready');
  });
});

describe('rollout summary', () => {
  it('names each pod that still has no sidecar, and why', async () => {
    const cluster = new FakeCluster();
    const workloads = [deployment('web'), deployment('edge', { hostNetwork: true }), deployment('frozen', { paused: true }), deployment('legacy')];
    workloads.forEach((w) => cluster.addWorkload(w));
    cluster.pods = [
      pod('web-1', 'web', { sidecar: true }),
      pod('edge-1', 'edge', { hostNetwork: true }),
      pod('frozen-1', 'frozen'),
      pod('legacy-1', 'legacy', { labels: { 'sidecar.istio.io/inject': 'false' } }),
    ];
    const report = await restartWorkloads(cluster, workloads.map(refOf), options);
    const summary = summarize(report, {
      namespace: 'shop',
      namespaceLabels: { 'istio-injection': 'enabled' },
      mesh: { entries: injectorEntries([injectorWebhookConfiguration()]), source: 'cluster' },
    });
    assert.equal(summary.headline, '3/4 workloads ready in namespace shop, 1 failed, 3 pods without sidecar');
    assert.deepEqual(summary.details, [
      `deployment/frozen: ${PAUSED_MESSAGE}`,
      'pod edge-1 (deployment/edge) has no istio-proxy: the pod uses hostNetwork, which istiod never injects',
      "pod frozen-1 (deployment/frozen) has no istio-proxy: its deployment is paused: can't restart paused deployment (run rollout resume first)",
      'pod legacy-1 (deployment/legacy) has no istio-proxy: the pod has the label sidecar.istio.io/inject="false"',
    ]);
  });
});
