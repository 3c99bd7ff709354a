import * as assert from 'node:assert/strict';
import { MeshStore, type MeshChange } from '../../../src/mesh/store';
import { injectorWebhookConfiguration } from '../../builders/injection';
import { deployment, istiod, namespace, pod } from '../../builders/kube';

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
});
