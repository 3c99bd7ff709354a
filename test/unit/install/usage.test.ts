import assert from 'node:assert/strict';
import type { UnstructuredObject } from '../../../src/cluster/types';
import type { UninstallScope } from '../../../src/install/args';
import { describeUsers, listRevisionTags, revisionUsers, revisionUsersOf, tagUserSelectors, unused } from '../../../src/install/usage';
import { buildControlPlane } from '../../../src/mesh/controlPlane';
import { buildNamespace } from '../../../src/mesh/namespaces';
import type { Deployment, MutatingWebhookConfiguration, Namespace, Pod } from '../../../src/cluster/types';
import { istioctlInstalledWebhooks } from '../../builders/injection';
import { istiodDeployment, tagWebhook, webhook } from '../../builders/install';
import { istiod, namespace, pod } from '../../builders/kube';
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

describe('who uses a revision, read from the live model', () => {
  /** istioctl's webhooks for default + canary, tag prod → canary, the default tag; namespaces on each, a split one. */
  function objects() {
    return [
      istiod(), istiod({ revision: 'canary' }), ...istioctlInstalledWebhooks(),
      namespace('shop', { 'istio.io/rev': 'prod' }), namespace('pay', { 'istio.io/rev': 'canary' }),
      namespace('legacy', { 'istio-injection': 'enabled' }), namespace('plain'), namespace('off', { 'istio-injection': 'disabled', 'istio.io/rev': 'canary' }),
      pod('shop-1', { namespace: 'shop', sidecar: true, injectedBy: 'canary' }),
      pod('shop-2', { namespace: 'shop', sidecar: true, injectedBy: 'canary' }),
      pod('pay-1', { namespace: 'pay', sidecar: true, injectedBy: 'default' }),
      pod('pay-2', { namespace: 'pay', sidecar: true, injectedBy: 'canary' }),
      pod('pay-old', { namespace: 'pay', sidecar: true, injectedBy: 'canary', terminating: true }),
      pod('legacy-1', { namespace: 'legacy', sidecar: true, injectedBy: 'default' }),
      pod('plain-1', { namespace: 'plain' }),
    ];
  }

  const scopes: UninstallScope[] = [{ kind: 'revision', revision: 'canary' }, { kind: 'revision', revision: 'default' }, { kind: 'purge' }];

  it('says what the API server says, for a revision, the default one and a purge', async () => {
    const all = objects();
    const cluster = new MemoryCluster();
    cluster.objects.push(...all.map(raw));
    const of = <T>(kind: string) => all.filter((o) => o.kind === kind) as unknown as T[];
    const cp = buildControlPlane({ deployments: of<Deployment>('Deployment'), daemonSets: [], services: [], webhooks: of<MutatingWebhookConfiguration>('MutatingWebhookConfiguration'), crdNames: [] });
    const models = of<Namespace>('Namespace').map((n) => buildNamespace({ namespace: n, workloads: [], pods: of<Pod>('Pod').filter((p) => p.metadata.namespace === n.metadata.name) }, cp));
    for (const scope of scopes) {
      assert.deepEqual(revisionUsersOf(cp, models, scope), await revisionUsers(cluster, scope), JSON.stringify(scope));
    }
    // The figures themselves, so an equal mistake on both sides fails too.
    assert.deepEqual(revisionUsersOf(cp, models, scopes[0]), {
      namespaces: ['off', 'pay', 'shop'],
      tags: [{ name: 'prod', revision: 'canary' }],
      pods: [{ namespace: 'pay', pods: 1 }, { namespace: 'shop', pods: 2 }],
    });
  });
});
