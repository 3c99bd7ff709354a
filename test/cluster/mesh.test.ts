// The mesh model through the real cluster wrapper, against the testbed's control plane with Istio:
// an injected and a non-injected namespace, a workload with and one without sidecar, and a label change
// that reaches the model through the watches.
import * as assert from 'node:assert/strict';
import { ClusterClient } from '../../src/cluster/client';
import { Kinds } from '../../src/cluster/kinds';
import { injectionContext } from '../../src/injection/context';
import { rolloutClusterFrom } from '../../src/injection/rolloutClusterAdapter';
import { chartEntries } from '../../src/istio/webhooks';
import { LiveMesh } from '../../src/mesh/live';
import type { NamespaceModel } from '../../src/mesh/model';
import { consoleLogger } from '../../src/util/log';
import { deployment, namespace } from '../builders/kube';
import { namespaceAdminKubeconfig } from './rbac';
import { ensureIstio, testbedEnv } from './support';

const RUN = Date.now().toString(36);

describe('mesh model on the testbed', function () {
  this.timeout(5 * 60_000);
  const env = testbedEnv();
  const injected = `mesh-on-${RUN}`;
  const plain = `mesh-off-${RUN}`;
  let client: ClusterClient;
  let live: LiveMesh;

  /** Resolves with the namespace model once `check` accepts it; re-checks on every store change. */
  function waitForNamespace(name: string, check: (ns: NamespaceModel) => boolean, what: string, timeoutMs = 120_000): Promise<NamespaceModel> {
    return new Promise((resolve, reject) => {
      const test = () => {
        const ns = live.store.namespace(name);
        if (ns && check(ns)) {
          clearTimeout(timer);
          sub.dispose();
          resolve(ns);
        }
      };
      const timer = setTimeout(() => {
        sub.dispose();
        reject(new Error(`timed out waiting for ${what}: ${JSON.stringify(live.store.namespace(name), null, 1)?.slice(0, 2000)}`));
      }, timeoutMs);
      const sub = live.store.onDidChange(test);
      test();
    });
  }

  before(async () => {
    await ensureIstio(env);
    client = await ClusterClient.connect({ settingPath: env.kubeconfig, context: env.context });
    await client.create(namespace(injected, { 'istio-injection': 'enabled' }));
    await client.create(namespace(plain));
    live = new LiveMesh(client, consoleLogger(), { debounceMs: 20, maxWaitMs: 100 });
    live.start();
    await live.whenSynced();
  });

  after(async () => {
    await live?.stop();
    for (const ns of [injected, plain]) await client?.delete(Kinds.Namespace, ns).catch(() => undefined);
    client?.dispose();
  });

  it('sees Istio installed with its version and the default revision', () => {
    const cp = live.store.controlPlane;
    assert.equal(cp.installed, true);
    assert.ok(cp.namespaces.includes('istio-system'));
    assert.ok(cp.revisions.some((r) => r.revision === 'default' && r.version), JSON.stringify(cp.revisions));
    assert.ok(cp.crds.length > 5, `Istio CRDs: ${cp.crds.length}`);
    assert.ok(cp.webhooks.length > 0, 'injection webhook');
    assert.equal(live.status.state, 'ready');
  });

  it('computes injected and non-injected namespaces', async () => {
    assert.equal((await waitForNamespace(injected, () => true, 'injected namespace')).injection.state, 'on');
    assert.equal((await waitForNamespace(plain, () => true, 'plain namespace')).injection.state, 'none');
    assert.equal(live.store.namespace('kube-system')?.injection.state, 'system');
  });

  it('shows a workload with a sidecar (2/2) and one without', async () => {
    // The serviceaccount admission needs the default ServiceAccount; retry create until it exists.
    await createWhenReady(deployment('with-sidecar', { namespace: injected, replicas: 1 }));
    await createWhenReady(deployment('no-sidecar', { namespace: plain, replicas: 1 }));
    const on = await waitForNamespace(injected, (ns) => ns.workloads[0]?.pods.some((p) => p.ready === 2) ?? false, 'sidecar pod 2/2');
    const w = on.workloads[0]!;
    assert.equal(w.name, 'with-sidecar');
    assert.equal(w.pods[0]!.hasSidecar, true);
    assert.equal(w.needsRestart, false);
    const off = await waitForNamespace(plain, (ns) => ns.workloads[0]?.pods.some((p) => p.phase === 'Running') ?? false, 'plain pod running');
    assert.equal(off.workloads[0]!.pods[0]!.hasSidecar, false);
    assert.equal(off.workloads[0]!.needsRestart, false);
  });

  it('turns a namespace label change into "needs restart" within a second', async () => {
    const start = Date.now();
    await client.labelNamespace(plain, { 'istio-injection': 'enabled' });
    const ns = await waitForNamespace(plain, (n) => n.injection.state === 'on' && n.restartNeeded > 0, 'needs restart', 10_000);
    const elapsed = Date.now() - start;
    assert.equal(ns.workloads[0]!.needsRestart, true);
    assert.ok(elapsed < 1000, `label change took ${elapsed} ms to reach the model`);
  });

  async function createWhenReady(object: Parameters<ClusterClient['create']>[0]): Promise<void> {
    const deadline = Date.now() + 60_000;
    for (;;) {
      try {
        await client.create(object);
        return;
      } catch (err) {
        if (Date.now() > deadline || !/serviceaccount/i.test(String((err as Error).message) + String((err as { detail?: string }).detail))) throw err;
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  }

  it("gives a namespace admin their namespace, the control plane as not visible, and Istio's own injectors", async () => {
    // Real 403s from the API server: a ServiceAccount bound to the `admin` ClusterRole in one namespace only.
    const admin = await ClusterClient.connect({ settingPath: await namespaceAdminKubeconfig(client, injected) });
    const limited = new LiveMesh(admin, consoleLogger(), { debounceMs: 20, maxWaitMs: 100 });
    try {
      limited.start();
      await limited.whenSynced();
      assert.equal(limited.status.state, 'ready');
      // The refusals are listed in the order they arrive.
      assert.match(limited.status.limited ?? '', /^You may not .*\blist namespaces\b/);
      assert.match(limited.status.limited ?? '', /\blist deployments in istio-system\b/);
      assert.equal(limited.store.controlPlane.installed, false);
      assert.equal(limited.controlPlaneHidden, true, '"not installed" would be a false claim');
      assert.deepEqual(limited.store.namespaces.map((n) => n.name).filter((n) => n === injected), [injected]);
      const ctx = await injectionContext(rolloutClusterFrom(admin), injected);
      // istio-system's ConfigMaps are refused too: the injector's policy is unknown, and the facts say why.
      const unknown = { unreadable: 'you may not list ConfigMaps in istio-system' };
      assert.deepEqual(ctx.mesh, { entries: chartEntries(['default']), source: 'chart', unlistedInjector: unknown });
      assert.deepEqual(limited.store.controlPlane.injection.unlistedInjector, unknown);
      // The tree, too, decides with the chart's injectors when the webhooks are hidden: the namespace is injected.
      assert.equal(limited.store.namespace(injected)?.injection.state, 'on');
    } finally {
      await limited.stop();
      admin.dispose();
    }
  });
});
