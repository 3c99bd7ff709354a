import * as assert from 'node:assert/strict';
import { MeshStore, type MeshChange } from '../../../src/mesh/store';
import { injectorConfigMap, injectorWebhookConfiguration } from '../../builders/injection';
import { daemonSet, deployment, istiod, namespace, pod, statefulSet } from '../../builders/kube';

describe('MeshStore', () => {
  let store: MeshStore;
  beforeEach(() => {
    store = new MeshStore({ debounceMs: 5, maxWaitMs: 20 });
    store.replace('namespaces', [namespace('shop'), namespace('other')]);
    store.replace('deployments', [deployment('web', { namespace: 'shop' })]);
    store.replace('pods', [pod('web-1', { namespace: 'shop', owner: { kind: 'Deployment', name: 'web' } })]);
    store.replace('webhooks', [injectorWebhookConfiguration()]);
    store.flush();
  });
  afterEach(() => store.dispose());

  const nextChange = () => new Promise<MeshChange>((resolve) => {
    const sub = store.onDidChange((c) => {
      sub.dispose();
      resolve(c);
    });
  });

  it('rebuilds only the namespace a label change touches, and announces it batched', async () => {
    const other = store.namespace('other');
    assert.equal(store.namespace('shop')!.injection.state, 'none');
    const changed = nextChange();
    store.apply('namespaces', 'MODIFIED', namespace('shop', { 'istio-injection': 'enabled' }));
    store.apply('pods', 'ADDED', pod('web-2', { namespace: 'shop', owner: { kind: 'Deployment', name: 'web' } }));
    const change = await changed;
    assert.deepEqual(change.namespaces, new Set(['shop']));
    assert.equal(store.namespace('shop')!.injection.state, 'on');
    assert.equal(store.namespace('shop')!.restartNeeded, 2);
    assert.equal(store.namespace('other'), other, 'the untouched namespace model is reused');
  });

  it('tells whether some namespace is in the mesh from labels alone, as the models tell it, and builds none', () => {
    const inMesh = () => store.namespaces.some((n) => n.injection.plain.dataplane !== 'none');
    const cases: [string, Record<string, string>][] = [
      ['none', {}],
      ['sidecar', { 'istio-injection': 'enabled' }],
      ['revision', { 'istio.io/rev': 'canary' }],
      ['ambient', { 'istio.io/dataplane-mode': 'ambient' }],
      ['disabled', { 'istio-injection': 'disabled' }],
    ];
    for (const [what, labels] of cases) {
      store.apply('namespaces', 'MODIFIED', namespace('shop', labels));
      store.flush();
      store.apply('pods', 'ADDED', pod('db-1', { namespace: 'other' }));
      // Asked first, before anything reads the models: it reads none.
      const read = store.namespace.bind(store);
      let models = 0;
      store.namespace = (name) => (models++, read(name));
      const told = store.someNamespaceInMesh();
      assert.equal(models, 0, `${what}: no model read`);
      assert.equal(told, inMesh(), what);
      store.namespace = read;
      store.apply('pods', 'DELETED', pod('db-1', { namespace: 'other' }));
      store.flush();
    }
    assert.equal(store.someNamespaceInMesh(), false);
  });

  it('tells the namespaces holding a workload or a pod as the models tell it, and builds none', () => {
    const told = () => store.namespaces.filter((n) => n.workloads.length > 0 || n.podCount > 0).map((n) => n.name);
    const steps: [string, () => void][] = [
      ['a Deployment with its pod', () => undefined],
      ['a bare pod', () => store.apply('pods', 'ADDED', pod('job-1', { namespace: 'other' }))],
      ['a StatefulSet without pods', () => store.apply('statefulsets', 'ADDED', statefulSet('db', { namespace: 'data' }))],
      ['the namespace it is in', () => store.apply('namespaces', 'ADDED', namespace('data'))],
      ['a DaemonSet', () => store.apply('daemonsets', 'ADDED', daemonSet('agent', { namespace: 'nodes' }))],
      ['its namespace', () => store.apply('namespaces', 'ADDED', namespace('nodes'))],
      ['the bare pod gone', () => store.apply('pods', 'DELETED', pod('job-1', { namespace: 'other' }))],
      ['the Deployment gone, its pod left', () => store.apply('deployments', 'DELETED', deployment('web', { namespace: 'shop' }))],
      ['its pod gone', () => store.apply('pods', 'DELETED', pod('web-1', { namespace: 'shop', owner: { kind: 'Deployment', name: 'web' } }))],
    ];
    for (const [what, step] of steps) {
      step();
      store.flush();
      const read = store.namespace.bind(store);
      let models = 0;
      store.namespace = (name) => (models++, read(name));
      const names = store.namespacesWithWorkloads();
      assert.equal(models, 0, `${what}: no model read`);
      store.namespace = read;
      assert.deepEqual(names, told(), what);
    }
    assert.deepEqual(store.namespacesWithWorkloads(), ['data', 'nodes']);
  });

  it('rebuilds everything when the control plane changes', async () => {
    const changed = nextChange();
    store.apply('deployments', 'ADDED', istiod());
    const change = await changed;
    assert.equal(change.namespaces, 'all');
    assert.equal(change.controlPlane, true);
    assert.equal(store.controlPlane.installed, true);
    assert.equal(store.namespaces.length, 2);
  });

  it('leaves the control plane alone when an application\'s Deployment changes', async () => {
    store.apply('deployments', 'ADDED', istiod());
    store.flush();
    const controlPlane = store.controlPlane;
    const changed = nextChange();
    store.apply('deployments', 'MODIFIED', deployment('web', { namespace: 'shop', replicas: 3, ready: 1 }));
    const change = await changed;
    assert.deepEqual(change, { namespaces: new Set(['shop']), controlPlane: false });
    assert.deepEqual(store.controlPlane, controlPlane);
    // Its own objects do change it: istiod becoming ready is redrawn, without rebuilding every namespace.
    const next = nextChange();
    store.apply('deployments', 'MODIFIED', istiod({ ready: 0 }));
    assert.deepEqual(await next, { namespaces: new Set(['istio-system']), controlPlane: true });
  });

  it('announces a change of the ConfigMaps the mesh checks read, and of no other ConfigMap, without redrawing anything', async () => {
    const configMap = (name: string, data: Record<string, string>) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'istio-system', resourceVersion: String(Math.random()) }, data });
    store.replace('configmaps', [configMap('istio', { mesh: 'defaultConfig:\n  meshId: mesh1\n' }), configMap('other', {})], 'istio-system');
    store.flush();
    for (const name of ['istio', 'istio-ca-root-cert']) {
      const changed = nextChange();
      store.apply('configmaps', 'MODIFIED', configMap(name, { x: name }));
      assert.deepEqual(await changed, { namespaces: new Set(), controlPlane: false, meshFacts: true }, name);
    }
    let announced: MeshChange | undefined;
    const sub = store.onDidChange((c) => (announced = c));
    store.apply('configmaps', 'MODIFIED', configMap('other', { x: 'y' }));
    store.flush();
    sub.dispose();
    assert.equal(announced, undefined, 'another ConfigMap of istio-system changes nothing the view or the checks show');
  });

  describe('rebuilding a namespace with many pods during a rollout', () => {
    const owner = (name: string) => ({ kind: 'Deployment' as const, name });
    beforeEach(() => {
      store.apply('deployments', 'ADDED', istiod());
      store.replace('namespaces', [namespace('shop', { 'istio-injection': 'enabled' }), namespace('other')]);
      store.replace('deployments', [istiod(), ...['a', 'b', 'c'].map((d) => deployment(d, { namespace: 'shop', replicas: 2 }))]);
      store.replace('pods', ['a', 'b', 'c'].flatMap((d) => [0, 1].map((i) => pod(`${d}-${i}`, { namespace: 'shop', owner: owner(d), sidecar: true }))));
      store.flush();
    });

    it('builds again only the pods and workloads whose objects changed; the rest keep their model objects', () => {
      const before = store.namespace('shop')!;
      const [a, b, c] = before.workloads;
      store.apply('pods', 'MODIFIED', pod('b-1', { namespace: 'shop', owner: owner('b'), sidecar: true, ready: false }));
      store.apply('deployments', 'MODIFIED', deployment('c', { namespace: 'shop', replicas: 2, ready: 1 }));
      store.flush();
      const after = store.namespace('shop')!;
      assert.notEqual(after, before);
      assert.equal(after.workloads[0], a, 'a workload whose objects did not change is the same object');
      assert.notEqual(after.workloads[1], b);
      assert.equal(after.workloads[1]!.pods[0], b!.pods[0], 'its unchanged pod too');
      assert.equal(after.workloads[1]!.pods[1]!.ready, 0, 'the changed pod is built again');
      assert.notEqual(after.workloads[2], c);
      assert.equal(after.workloads[2]!.ready, 1, 'the changed Deployment is read again');
      assert.equal(after.workloads[2]!.pods[0], c!.pods[0]);
    });

    it('keeps the control plane object while an application Deployment changes, and builds everything again when it does change', () => {
      const cp = store.controlPlane;
      const pods = store.namespace('shop')!.workloads[0]!.pods;
      store.apply('deployments', 'MODIFIED', deployment('a', { namespace: 'shop', replicas: 2, ready: 1 }));
      store.flush();
      assert.equal(store.controlPlane, cp);
      assert.equal(store.namespace('shop')!.workloads[0]!.pods[0], pods[0]);
      store.apply('deployments', 'MODIFIED', istiod({ version: '1.23.0' }));
      store.flush();
      assert.notEqual(store.controlPlane, cp);
      assert.notEqual(store.namespace('shop')!.workloads[0]!.pods[0], pods[0], 'built against the new control plane');
    });

    it('decides again when the namespace label changes: every pod then needs a restart', () => {
      assert.equal(store.namespace('shop')!.restartNeeded, 0);
      store.apply('namespaces', 'MODIFIED', namespace('shop', { 'istio-injection': 'disabled' }));
      store.flush();
      const shop = store.namespace('shop')!;
      assert.equal(shop.restartNeeded, 6);
      assert.ok(shop.workloads.every((w) => w.needsRestart && !w.decision.injected));
    });
  });

  it('removes deleted objects', () => {
    store.apply('pods', 'DELETED', pod('web-1', { namespace: 'shop' }));
    assert.equal(store.namespace('shop')!.podCount, 0);
    store.apply('namespaces', 'DELETED', namespace('other'));
    assert.deepEqual(store.namespaces.map((n) => n.name), ['shop']);
  });

  it('replaces one namespace of a collection (per-namespace lists)', () => {
    store.replace('pods', [], 'shop');
    assert.equal(store.namespace('shop')!.podCount, 0);
    assert.equal(store.isSynced('namespaces', 'pods', 'deployments'), true);
    assert.equal(store.isSynced('crds'), false);
  });

  it('keeps workload kinds on objects from lists without kind', () => {
    const listed = deployment('api', { namespace: 'shop' });
    delete listed.kind;
    store.replace('statefulsets', [listed]);
    assert.deepEqual(store.namespace('shop')!.workloads.map((w) => `${w.kind}/${w.name}`), ['StatefulSet/api', 'Deployment/web']);
  });

  describe("istiod's injector ConfigMap", () => {
    beforeEach(() => {
      store.apply('namespaces', 'MODIFIED', namespace('shop', { 'istio-injection': 'enabled' }));
      store.flush();
    });

    it('feeds every verdict, live: the policy and the selectors, then their change', async () => {
      assert.equal(store.namespace('shop')!.restartNeeded, 1, 'the chart default: web-1 misses its sidecar');
      store.replace('configmaps', [injectorConfigMap('default', { config: { policy: 'disabled' } })], 'istio-system');
      let shop = store.namespace('shop')!;
      assert.equal(shop.injection.plain.reason.code, 'policyDisabled');
      assert.equal(shop.workloads[0]!.decision.reason.code, 'policyDisabled');
      assert.equal(shop.restartNeeded, 0);
      store.flush();

      const changed = nextChange();
      store.apply('configmaps', 'MODIFIED', injectorConfigMap('default', { config: { policy: 'enabled', neverInjectSelector: [{ matchLabels: { app: 'web' } }] } }));
      const change = await changed;
      assert.equal(change.namespaces, 'all', 'a policy change may change every namespace');
      assert.equal(change.controlPlane, true);
      shop = store.namespace('shop')!;
      assert.equal(shop.injection.plain.injected, true);
      assert.equal(shop.workloads[0]!.decision.reason.code, 'neverSelector');

      store.apply('configmaps', 'DELETED', injectorConfigMap('default'));
      assert.equal(store.namespace('shop')!.workloads[0]!.decision.injected, true, "no ConfigMap: the chart's defaults");
    });

    it('takes a malformed ConfigMap as "policy unknown", with the reason, rather than failing', () => {
      store.replace('configmaps', [injectorConfigMap('default', { data: { config: 'policy: enabled' } })], 'istio-system');
      const decision = store.namespace('shop')!.workloads[0]!.decision;
      assert.equal(decision.injected, true);
      assert.match(decision.policyUnknown ?? '', /ConfigMap istio-sidecar-injector cannot be read as istiod reads it: it has no "values" key/);
    });

    it('says why the policy is unknown when RBAC keeps the ConfigMaps from us, and forgets it once they are listed', () => {
      store.hide('configmaps', 'istio-system');
      assert.deepEqual(store.controlPlane.injection.unlistedInjector, { unreadable: 'you may not list ConfigMaps in istio-system' });
      assert.equal(store.namespace('shop')!.injection.plain.policyUnknown, 'you may not list ConfigMaps in istio-system');
      store.replace('configmaps', [injectorConfigMap()], 'istio-system');
      assert.equal(store.controlPlane.injection.unlistedInjector, undefined);
      assert.equal(store.namespace('shop')!.injection.plain.policyUnknown, undefined);
    });

    it("takes enableNamespacesByDefault from the values only when the webhooks are assumed (live ones already say it)", () => {
      store.replace('configmaps', [injectorConfigMap('default', { values: { sidecarInjectorWebhook: { enableNamespacesByDefault: true } } })], 'istio-system');
      assert.equal(store.namespace('other')!.injection.plain.injected, false, 'the live webhook has no auto. entry');
      store.hide('webhooks');
      assert.equal(store.controlPlane.injection.source, 'chart');
      assert.equal(store.namespace('other')!.injection.plain.reason.code, 'allNamespaces');
    });
  });
});
