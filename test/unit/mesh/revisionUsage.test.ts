import * as assert from 'node:assert/strict';
import type { Pod } from '../../../src/cluster/types';
import { buildControlPlane } from '../../../src/mesh/controlPlane';
import type { ControlPlane, NamespaceModel } from '../../../src/mesh/model';
import { buildNamespace } from '../../../src/mesh/namespaces';
import { type NamespaceUsageCache, namespaceUseLine, podShare, revisionUsage, type RevisionUse } from '../../../src/mesh/revisionUsage';
import { istioctlInstalledWebhooks } from '../../builders/injection';
import { istiod, namespace, pod } from '../../builders/kube';

const empty = { deployments: [], daemonSets: [], services: [], webhooks: [], crdNames: [] };

/** default and canary installed by istioctl, tag prod → canary, the default tag → `defaultTagRevision` (or none). */
function controlPlane(o: { defaultTag?: boolean; defaultTagRevision?: string; canary?: boolean } = {}): ControlPlane {
  const canary = o.canary ?? true;
  return buildControlPlane({
    ...empty,
    deployments: [istiod({ version: '1.30.0' }), ...(canary ? [istiod({ revision: 'canary', version: '1.31.0' })] : [])],
    webhooks: istioctlInstalledWebhooks({ canary, prodTag: canary, defaultTag: o.defaultTag ?? true, defaultTagRevision: o.defaultTagRevision }),
  });
}

/** A namespace with its labels and pods (`on`: the revision that injected each pod; undefined: no proxy). */
function ns(cp: ControlPlane, name: string, labels: Record<string, string>, on: (string | undefined)[], extra: Pod[] = []): NamespaceModel {
  const pods = on.map((rev, i) => pod(`${name}-${i}`, { namespace: name, sidecar: rev !== undefined, injectedBy: rev }));
  return buildNamespace({ namespace: namespace(name, labels), workloads: [], pods: [...pods, ...extra] }, cp);
}

function use(uses: readonly RevisionUse[], revision: string): RevisionUse {
  const found = uses.find((u) => u.revision === revision);
  assert.ok(found, `no row for revision ${revision}`);
  return found;
}

describe('revision usage: who is on each revision', () => {
  it('a namespace on a tag selects the tag\'s revision; its pods say where they actually are (split)', () => {
    const cp = controlPlane();
    const shop = ns(cp, 'shop', { 'istio.io/rev': 'prod' }, ['canary', 'canary', 'default']);
    const uses = revisionUsage(cp, [shop]);
    const canary = use(uses, 'canary');
    assert.deepEqual(canary.tags, ['prod']);
    assert.equal(canary.namespaces.length, 1);
    const onCanary = canary.namespaces[0];
    assert.deepEqual(onCanary.selection, { label: 'istio.io/rev', value: 'prod', tag: 'prod' });
    assert.equal(onCanary.onRevision, 2);
    assert.equal(onCanary.pods, 3);
    assert.equal(onCanary.split, true);
    assert.deepEqual(onCanary.byRevision, [{ revision: 'canary', pods: 2 }, { revision: 'default', pods: 1 }]);
    // The default revision still serves one of its pods, though the namespace no longer selects it.
    const onDefault = use(uses, 'default').namespaces;
    assert.deepEqual(onDefault.map((u) => [u.namespace, u.selection, u.onRevision, u.pods]), [['shop', undefined, 1, 3]]);
    assert.equal(namespaceUseLine(onCanary, () => true), 'split: 2 on canary, 1 on default');
  });

  it('istio.io/rev naming the revision itself selects it without a tag', () => {
    const cp = controlPlane();
    const pay = ns(cp, 'pay', { 'istio.io/rev': 'canary' }, ['canary', 'canary']);
    const canary = use(revisionUsage(cp, [pay]), 'canary');
    assert.deepEqual(canary.namespaces[0].selection, { label: 'istio.io/rev', value: 'canary' });
    assert.equal(canary.namespaces[0].split, false);
    assert.equal(namespaceUseLine(canary.namespaces[0], () => true), '2/2 pods');
    assert.equal(podShare(canary.onRevision, canary.pods), '2/2 pods (100 %)');
  });

  it('istio-injection=enabled selects what the default tag points at', () => {
    const cp = controlPlane({ defaultTagRevision: 'canary' });
    const legacy = ns(cp, 'legacy', { 'istio-injection': 'enabled' }, ['default', 'canary']);
    const uses = revisionUsage(cp, [legacy]);
    assert.deepEqual(use(uses, 'canary').namespaces[0].selection, { label: 'istio-injection', value: 'enabled', tag: 'default' });
    assert.deepEqual(use(uses, 'canary').tags, ['default', 'prod']);
    assert.equal(use(uses, 'default').namespaces[0].selection, undefined);
  });

  it('istio-injection=enabled without a default tag selects the default revision through its own webhook', () => {
    const cp = controlPlane({ defaultTag: false });
    const legacy = ns(cp, 'legacy', { 'istio-injection': 'enabled' }, ['default']);
    const uses = revisionUsage(cp, [legacy]);
    assert.deepEqual(use(uses, 'default').namespaces[0].selection, { label: 'istio-injection', value: 'enabled' });
    assert.equal(use(uses, 'default').onRevision, 1);
    assert.deepEqual(use(uses, 'canary').namespaces, []);
  });

  it('pods without a proxy count among the namespace\'s pods, not on the revision', () => {
    const cp = controlPlane();
    const shop = ns(cp, 'shop', { 'istio.io/rev': 'canary' }, ['canary', undefined, undefined]);
    const canary = use(revisionUsage(cp, [shop]), 'canary');
    assert.equal(canary.onRevision, 1);
    assert.equal(canary.pods, 3);
    assert.equal(canary.namespaces[0].withoutProxy, 2);
    assert.equal(canary.namespaces[0].split, false);
    assert.equal(podShare(canary.onRevision, canary.pods), '1/3 pods (33 %)');
  });

  it('a namespace that selects nothing and runs no injected pod is under no revision', () => {
    const cp = controlPlane();
    const plain = ns(cp, 'plain', {}, [undefined]);
    const off = ns(cp, 'off', { 'istio-injection': 'disabled' }, [undefined]);
    for (const u of revisionUsage(cp, [plain, off])) assert.deepEqual(u.namespaces, [], u.revision);
  });

  it('pods of a removed revision get a row of their own, marked not installed', () => {
    const cp = controlPlane({ canary: false });
    const shop = ns(cp, 'shop', { 'istio-injection': 'enabled' }, ['1-29', '1-29', 'default']);
    const uses = revisionUsage(cp, [shop]);
    assert.deepEqual(uses.map((u) => [u.revision, u.installed, u.onRevision, u.pods]), [['default', true, 1, 3], ['1-29', false, 2, 3]]);
    const installed = (r: string) => cp.revisions.some((x) => x.revision === r);
    assert.equal(namespaceUseLine(use(uses, 'default').namespaces[0], installed), 'split: 2 on 1-29 (removed), 1 on default');
  });

  it('pods being deleted or finished are not counted', () => {
    const cp = controlPlane();
    const extra = [
      pod('old', { namespace: 'shop', sidecar: true, injectedBy: 'default', terminating: true }),
      pod('job', { namespace: 'shop', sidecar: true, injectedBy: 'default', phase: 'Succeeded' }),
    ];
    const shop = ns(cp, 'shop', { 'istio.io/rev': 'canary' }, ['canary'], extra);
    const uses = revisionUsage(cp, [shop]);
    assert.deepEqual([use(uses, 'canary').onRevision, use(uses, 'canary').pods], [1, 1]);
    assert.deepEqual(use(uses, 'default').namespaces, []);
  });

  it('sums a revision over its namespaces, sorted by name', () => {
    const cp = controlPlane();
    const uses = revisionUsage(cp, [
      ns(cp, 'b', { 'istio.io/rev': 'prod' }, Array(12).fill('canary')),
      ns(cp, 'a', { 'istio.io/rev': 'canary' }, [...Array(25).fill('canary'), ...Array(3).fill('default')]),
    ]);
    const canary = use(uses, 'canary');
    assert.deepEqual(canary.namespaces.map((u) => u.namespace), ['a', 'b']);
    assert.equal(podShare(canary.onRevision, canary.pods), '37/40 pods (92 %)');
  });

  it('a share rounds down: 100 % only when every pod is on the revision', () => {
    assert.equal(podShare(199, 200), '199/200 pods (99 %)');
    assert.equal(podShare(0, 0), '0 pods');
  });

  it('with a cache, counts each namespace model once and answers the same', () => {
    const cp = controlPlane();
    const models = [ns(cp, 'shop', { 'istio.io/rev': 'prod' }, ['canary', 'default']), ns(cp, 'pay', { 'istio.io/rev': 'canary' }, ['canary'])];
    const cache: NamespaceUsageCache = new WeakMap();
    const first = revisionUsage(cp, models, cache);
    assert.deepEqual(first, revisionUsage(cp, models));
    assert.ok(cache.has(models[0]) && cache.has(models[1]));
    // A namespace the store rebuilt is a new model object: counted again, the other one read from the cache.
    models[1] = ns(cp, 'pay', { 'istio.io/rev': 'canary' }, ['canary', 'canary']);
    assert.equal(use(revisionUsage(cp, models, cache), 'canary').onRevision, 3);
  });
});
