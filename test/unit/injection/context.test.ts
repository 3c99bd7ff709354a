import assert from 'node:assert/strict';
import { ClusterError } from '../../../src/cluster/errors';
import { injectionContext } from '../../../src/injection/context';
import { restartCandidates } from '../../../src/injection/planner';
import { chartEntries, injectorEntries } from '../../../src/istio/webhooks';
import { deployment, injectorConfigMap, injectorWebhookConfiguration, namespace, pod } from '../../builders/injection';
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

  it("reads istiod's injector ConfigMap in the namespace its webhook calls, so the restart plan honours the policy", async () => {
    const cluster = new FakeCluster();
    cluster.addNamespace(namespace('shop', { 'istio.io/rev': 'canary' }));
    const webhook = injectorWebhookConfiguration('canary');
    for (const w of webhook.webhooks ?? []) w.clientConfig!.service!.namespace = 'istio-canary';
    cluster.webhookConfigurations = [webhook];
    cluster.configMaps = [
      injectorConfigMap('canary', { namespace: 'istio-canary', config: { policy: 'disabled' } }),
      injectorConfigMap('canary', { namespace: 'istio-system', config: { policy: 'enabled' } }),
    ];
    const ctx = await injectionContext(cluster, 'shop');
    assert.deepEqual(ctx.mesh.injectors, { canary: { policy: 'disabled' } });
    // With the policy disabled, the pod without a sidecar is what a restart would leave: nothing to restart.
    const candidates = restartCandidates([deployment('web')], [pod('web-1', 'web')], ctx);
    assert.deepEqual(candidates.map((c) => [c.ref.name, c.sidecarExpected, c.mismatched]), [['web', false, 0]]);
  });

  it('leaves the policy unknown, and logs why, when the ConfigMaps may not be read', async () => {
    const cluster = new FakeCluster();
    cluster.addNamespace(namespace('shop', { 'istio-injection': 'enabled' }));
    cluster.webhookConfigurations = [injectorWebhookConfiguration()];
    cluster.failures.set('listConfigMaps', [new ClusterError('forbidden', 'You may not list configmaps in istio-system.', { status: 403 })]);
    const warnings: string[] = [];
    const ctx = await injectionContext(cluster, 'shop', { trace() {}, info() {}, warn: (m) => warnings.push(m), error() {} });
    assert.deepEqual(ctx.mesh.unlistedInjector, { unreadable: 'you may not list ConfigMaps in istio-system' });
    assert.match(warnings.join('\n'), /may not list ConfigMaps in istio-system in context "fake-context": the sidecar injector's policy and selectors are unknown/);
  });
});
