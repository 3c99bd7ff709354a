import assert from 'node:assert/strict';
import type { UnstructuredObject } from '../../../src/cluster/types';
import { describeUsers, listRevisionTags, revisionUsers, tagUserSelectors, unused } from '../../../src/install/usage';
import { istiodDeployment, tagWebhook, webhook } from '../../builders/install';
import { namespace, pod } from '../../builders/kube';
import { MemoryCluster } from './memoryCluster';

const raw = (o: object) => o as unknown as UnstructuredObject;

/** Two revisions (default and canary), tag prod → canary, tag default → default, and namespaces on each. */
function twoRevisions(): MemoryCluster {
  const cluster = new MemoryCluster();
  cluster.objects.push(
    istiodDeployment({}), istiodDeployment({ revision: 'canary' }), webhook(), webhook('canary'),
    tagWebhook('prod', 'canary'), tagWebhook('default', 'default'),
    raw(namespace('shop', { 'istio.io/rev': 'prod' })),
    raw(namespace('pay', { 'istio.io/rev': 'canary' })),
    raw(namespace('legacy', { 'istio-injection': 'enabled' })),
    raw(namespace('plain')),
    raw(pod('shop-1', { namespace: 'shop', sidecar: true, injectedBy: 'canary' })),
    raw(pod('shop-2', { namespace: 'shop', sidecar: true, injectedBy: 'canary' })),
    // Restarted already onto the canary, or not yet: the pod's own status says which istiod injected it.
    raw(pod('pay-1', { namespace: 'pay', sidecar: true, injectedBy: 'default' })),
    raw(pod('pay-2', { namespace: 'pay', sidecar: true, injectedBy: 'canary' })),
    raw(pod('pay-old', { namespace: 'pay', sidecar: true, injectedBy: 'canary', terminating: true })),
    raw(pod('legacy-1', { namespace: 'legacy', sidecar: true, injectedBy: 'default' })),
    raw(pod('plain-1', { namespace: 'plain' })),
  );
  return cluster;
}

describe('who uses a revision or a tag', () => {
  it('lists the tags from their webhooks, sorted, without the ones being deleted', async () => {
    const cluster = twoRevisions();
    const leaving = tagWebhook('old', 'canary');
    leaving.metadata.deletionTimestamp = '2026-01-01T00:00:00Z';
    cluster.objects.push(leaving);
    assert.deepEqual(await listRevisionTags(cluster), [{ name: 'default', revision: 'default' }, { name: 'prod', revision: 'canary' }]);
  });

  it('a tag serves namespaces by istio.io/rev, and default also istio-injection=enabled', () => {
    assert.deepEqual(tagUserSelectors('prod'), ['istio.io/rev=prod']);
    assert.deepEqual(tagUserSelectors('default'), ['istio.io/rev=default', 'istio-injection=enabled']);
  });

  it('names the namespaces, tags and live pods per namespace of a revision', async () => {
    const users = await revisionUsers(twoRevisions(), { kind: 'revision', revision: 'canary' });
    assert.deepEqual(users, {
      namespaces: ['pay', 'shop'],
      tags: [{ name: 'prod', revision: 'canary' }],
      pods: [{ namespace: 'pay', pods: 1 }, { namespace: 'shop', pods: 2 }],
    });
    assert.equal(unused(users), false);
    assert.deepEqual(describeUsers(users), [
      'Namespaces still using it (their sidecars lose their control plane): pay, shop',
      'Revision tags pointing at it: prod → canary',
      'Running pods with its proxy (3): pay 1, shop 2',
    ]);
  });

  it('the default revision is used through the default tag and istio-injection=enabled', async () => {
    const users = await revisionUsers(twoRevisions(), { kind: 'revision', revision: 'default' });
    assert.deepEqual(users.namespaces, ['legacy']);
    assert.deepEqual(users.tags, [{ name: 'default', revision: 'default' }]);
    assert.deepEqual(users.pods, [{ namespace: 'legacy', pods: 1 }, { namespace: 'pay', pods: 1 }]);
  });

  it('a purge is used by every labelled namespace, every tag and every injected pod', async () => {
    const users = await revisionUsers(twoRevisions(), { kind: 'purge' });
    assert.deepEqual(users.namespaces, ['legacy', 'pay', 'shop']);
    assert.deepEqual(users.tags.map((t) => t.name), ['default', 'prod']);
    assert.deepEqual(users.pods, [{ namespace: 'legacy', pods: 1 }, { namespace: 'pay', pods: 2 }, { namespace: 'shop', pods: 2 }]);
  });

  it('a revision nothing uses needs no list', async () => {
    const cluster = new MemoryCluster();
    cluster.objects.push(istiodDeployment({ revision: 'spare' }), webhook('spare'), raw(namespace('plain')));
    const users = await revisionUsers(cluster, { kind: 'revision', revision: 'spare' });
    assert.equal(unused(users), true);
    assert.deepEqual(describeUsers(users), []);
  });

  it('says the pods are unknown when the user may not list them, instead of claiming none', async () => {
    const cluster = twoRevisions();
    cluster.forbiddenLists.add('Pod');
    const users = await revisionUsers(cluster, { kind: 'revision', revision: 'canary' });
    assert.equal(users.pods, undefined);
    assert.equal(unused(users), false);
    assert.equal(describeUsers(users).at(-1), 'Running pods: unknown (you may not list pods).');
  });
});
