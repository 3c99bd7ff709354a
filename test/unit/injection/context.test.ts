import assert from 'node:assert/strict';
import { ClusterError } from '../../../src/cluster/errors';
import { injectionContext } from '../../../src/injection/context';
import { restartCandidates } from '../../../src/injection/planner';
import { chartEntries, injectorEntries } from '../../../src/istio/webhooks';
import { deployment, injectorWebhookConfiguration, namespace, pod } from '../../builders/injection';
import { FakeCluster } from './fakeCluster';

describe('injection context', () => {
  const forbidden = () => new ClusterError('forbidden', 'You may not list mutatingwebhookconfigurations (cluster-wide).', { status: 403 });

  it('reads the injector webhooks when it may', async () => {
    const cluster = new FakeCluster();
    cluster.addNamespace(namespace('shop', { 'istio.io/rev': 'canary' }));
    cluster.webhookConfigurations = [injectorWebhookConfiguration('canary')];
    const ctx = await injectionContext(cluster, 'shop');
    assert.deepEqual(ctx.mesh, { entries: injectorEntries([injectorWebhookConfiguration('canary')]), source: 'cluster' });
  });

  it("assumes Istio's own injectors when the webhooks may not be read, so a namespace admin can still restart", async () => {
    const cluster = new FakeCluster();
    cluster.addNamespace(namespace('shop', { 'istio.io/rev': 'canary' }));
    cluster.failures.set('listMutatingWebhookConfigurations', [forbidden()]);
    const warnings: string[] = [];
    const ctx = await injectionContext(cluster, 'shop', { trace() {}, info() {}, warn: (m) => warnings.push(m), error() {} });
    assert.deepEqual(ctx.mesh, { entries: chartEntries(['default']), source: 'chart' });
    assert.match(warnings.join('\n'), /may not list MutatingWebhookConfigurations in context "fake-context": assuming .* "canary"/);
    // The pod without a sidecar in the canary namespace is one a restart would change.
    const candidates = restartCandidates([deployment('web')], [pod('web-1', 'web')], ctx);
    assert.deepEqual(candidates.map((c) => [c.ref.name, c.mismatched]), [['web', 1]]);
  });

  it('still fails on other errors', async () => {
    const cluster = new FakeCluster();
    cluster.addNamespace(namespace('shop'));
    cluster.failures.set('listMutatingWebhookConfigurations', [new ClusterError('unreachable', 'The cluster cannot be reached.')]);
    await assert.rejects(injectionContext(cluster, 'shop'), (err: unknown) => err instanceof ClusterError && err.kind === 'unreachable');
  });
});
