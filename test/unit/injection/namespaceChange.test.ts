import assert from 'node:assert/strict';
import { InjectionError } from '../../../src/injection/errors';
import { changeNamespaceInjection } from '../../../src/injection/namespaceChange';
import { namespace } from '../../builders/injection';
import { FakeCluster, StatusError } from './fakeCluster';

describe('changeNamespaceInjection', () => {
  let cluster: FakeCluster;
  beforeEach(() => {
    cluster = new FakeCluster();
    cluster.addNamespace(namespace('shop', { team: 'payments', 'istio.io/rev': 'canary' }, '7'));
  });

  it('sends one merge patch of only the injection labels, pinned to the version it read', async () => {
    const result = await changeNamespaceInjection(cluster, 'shop', { mode: 'default' });
    assert.deepEqual(cluster.calls, [
      'get namespace shop',
      'patch namespace shop {"metadata":{"resourceVersion":"7","labels":{"istio-injection":"enabled","istio.io/rev":null}}}',
    ]);
    assert.deepEqual(result.after, { team: 'payments', 'istio-injection': 'enabled' });
    assert.deepEqual(cluster.namespaces.get('shop')!.metadata!.annotations, { owner: 'team-a' });
  });

  it('re-reads and recomputes when the namespace changed meanwhile (409)', async () => {
    let first = true;
    cluster.beforeNamespacePatch = () => {
      if (first) cluster.touchNamespace('shop', { 'istio-injection': 'enabled', added: 'meanwhile' });
      first = false;
    };
    const result = await changeNamespaceInjection(cluster, 'shop', { mode: 'default' });
    assert.equal(result.attempts, 2);
    // Recomputed from the new labels: istio-injection is already set, only the revision must go.
    assert.deepEqual(result.changes, { 'istio.io/rev': null });
    assert.deepEqual(cluster.namespaces.get('shop')!.metadata!.labels, { team: 'payments', 'istio-injection': 'enabled', added: 'meanwhile' });
  });

  it('sends nothing when the namespace already is as asked', async () => {
    const result = await changeNamespaceInjection(cluster, 'shop', { mode: 'revision', revision: 'canary' });
    assert.deepEqual(result.changes, {});
    assert.deepEqual(cluster.calls, ['get namespace shop']);
  });

  it('names the verb, resource and context when the patch is forbidden, and changes nothing', async () => {
    cluster.failures.set('patchNamespace', [new StatusError('forbidden', 'namespaces "shop" is forbidden')]);
    await assert.rejects(changeNamespaceInjection(cluster, 'shop', { mode: 'disabled' }), (e: InjectionError) => {
      assert.equal(e.kind, 'forbidden');
      assert.equal(e.message, 'Forbidden: you may not patch namespaces "shop" (context "fake-context"). Ask for the "patch" permission on namespaces.');
      return true;
    });
    assert.deepEqual(cluster.namespaces.get('shop')!.metadata!.labels, { team: 'payments', 'istio.io/rev': 'canary' });
  });

  it('says the namespace is gone when it was deleted meanwhile', async () => {
    cluster.failures.set('patchNamespace', [new StatusError('notFound')]);
    await assert.rejects(changeNamespaceInjection(cluster, 'shop', { mode: 'default' }), /Not found: namespaces "shop" \(context "fake-context"\); it was deleted meanwhile/);
  });

  it('refuses a namespace that is terminating', async () => {
    cluster.namespaces.get('shop')!.status = { phase: 'Terminating' };
    await assert.rejects(changeNamespaceInjection(cluster, 'shop', { mode: 'default' }), /is being deleted/);
    assert.equal(cluster.calls.filter((c) => c.startsWith('patch')).length, 0);
  });

  it('gives up after repeated conflicts', async () => {
    cluster.failures.set('patchNamespace', Array.from({ length: 5 }, () => new StatusError('conflict')));
    await assert.rejects(changeNamespaceInjection(cluster, 'shop', { mode: 'default' }, { maxAttempts: 3 }), (e: InjectionError) => e.kind === 'conflict');
  });
});
