import assert from 'node:assert/strict';
import { type InjectionContext, describeReason, expectSidecarForPod, explainPod } from '../../../src/injection/explain';
import { injectionOffer, injectorWebhooks } from '../../../src/injection/injectors';
import { namespaceInjection } from '../../../src/injection/labels';
import { injectorWebhookConfiguration, pod } from '../../builders/injection';

const webhooks = injectorWebhooks([injectorWebhookConfiguration('default'), injectorWebhookConfiguration('canary')]);
const ctx = (namespaceLabels: Record<string, string>, namespace = 'shop', hooks = webhooks): InjectionContext =>
  ({ namespace, namespaceLabels, webhooks: hooks });

describe('namespace injection mode', () => {
  it('reads labels as the injector webhooks do', () => {
    assert.deepEqual(namespaceInjection({ 'istio-injection': 'enabled' }), { mode: 'sidecar', revision: undefined, conflict: false });
    assert.deepEqual(namespaceInjection({ 'istio-injection': 'enabled', 'istio.io/rev': 'x' }), { mode: 'sidecar', revision: undefined, conflict: true });
    assert.deepEqual(namespaceInjection({ 'istio-injection': 'true' }), { mode: 'disabled' });
    assert.deepEqual(namespaceInjection({ 'istio-injection': 'disabled', 'istio.io/rev': 'x' }), { mode: 'disabled' });
    assert.deepEqual(namespaceInjection({ 'istio.io/rev': 'canary' }), { mode: 'sidecar', revision: 'canary', conflict: false });
    assert.deepEqual(namespaceInjection({ 'istio.io/dataplane-mode': 'ambient' }), { mode: 'ambient' });
    assert.deepEqual(namespaceInjection({}), { mode: 'none' });
  });
});

describe('injection offer', () => {
  it('offers default and the revisions the webhooks serve', () => {
    assert.deepEqual(injectionOffer(webhooks), { defaultInjector: true, revisions: ['canary', 'default'] });
  });

  it('offers no default injector when only a revision is installed', () => {
    assert.deepEqual(injectionOffer(injectorWebhooks([injectorWebhookConfiguration('1-24')])), { defaultInjector: false, revisions: ['1-24'] });
  });

  it('ignores webhooks that are not Istio injectors', () => {
    const other = { metadata: { name: 'cert-manager' }, webhooks: [{ name: 'webhook.cert-manager.io', admissionReviewVersions: ['v1'], sideEffects: 'None', clientConfig: {} }] };
    assert.deepEqual(injectorWebhooks([other]), []);
  });
});

describe('sidecar expectation', () => {
  it('expects a sidecar in an enabled namespace, or a revision namespace served by a webhook', () => {
    assert.equal(expectSidecarForPod(pod('a', 'a'), ctx({ 'istio-injection': 'enabled' })).expected, true);
    assert.equal(expectSidecarForPod(pod('a', 'a'), ctx({ 'istio.io/rev': 'canary' })).expected, true);
  });

  it('names the reason a pod gets none', () => {
    const enabled = ctx({ 'istio-injection': 'enabled' });
    const reason = (p: ReturnType<typeof pod>, c = enabled) => {
      const e = expectSidecarForPod(p, c);
      return e.expected ? 'expected' : e.reason;
    };
    assert.deepEqual(reason(pod('a', 'a', { labels: { 'sidecar.istio.io/inject': 'false' } })), { code: 'optOutLabel' });
    assert.deepEqual(reason(pod('a', 'a', { annotations: { 'sidecar.istio.io/inject': 'false' } })), { code: 'optOutAnnotation' });
    // The label wins over the deprecated annotation.
    assert.equal(reason(pod('a', 'a', { labels: { 'sidecar.istio.io/inject': 'true' }, annotations: { 'sidecar.istio.io/inject': 'false' } })), 'expected');
    assert.deepEqual(reason(pod('a', 'a', { hostNetwork: true })), { code: 'hostNetwork' });
    assert.deepEqual(reason(pod('a', 'a'), ctx({ 'istio-injection': 'enabled' }, 'kube-system')), { code: 'systemNamespace' });
    assert.deepEqual(reason(pod('a', 'a'), ctx({ 'istio.io/rev': 'gone' })), { code: 'noWebhook', revision: 'gone' });
    assert.deepEqual(reason(pod('a', 'a'), ctx({ 'istio-injection': 'enabled' }, 'shop', injectorWebhooks([injectorWebhookConfiguration('1-24')]))), { code: 'noWebhook', revision: undefined });
    assert.deepEqual(reason(pod('a', 'a'), ctx({ 'istio.io/dataplane-mode': 'ambient' })), { code: 'ambient' });
    assert.deepEqual(reason(pod('a', 'a'), ctx({ 'istio-injection': 'disabled' })), { code: 'namespaceDisabled' });
    assert.deepEqual(reason(pod('a', 'a'), ctx({})), { code: 'namespaceNotInjected' });
  });

  it('honours per-pod opt-in where the namespace has no label', () => {
    assert.equal(expectSidecarForPod(pod('a', 'a', { labels: { 'sidecar.istio.io/inject': 'true' } }), ctx({})).expected, true);
  });
});

describe('explainPod', () => {
  const enabled = ctx({ 'istio-injection': 'enabled' });

  it('says nothing about a pod that is as the namespace asks', () => {
    assert.equal(explainPod(pod('a', 'a', { sidecar: true }), enabled, { code: 'restarted' }), undefined);
    assert.equal(explainPod(pod('a', 'a', { sidecar: 'native' }), enabled, { code: 'restarted' }), undefined);
    assert.equal(explainPod(pod('a', 'a'), ctx({ 'istio-injection': 'disabled' }), { code: 'restarted' }), undefined);
  });

  it('explains a missing sidecar by the pod first, then by what happened to its workload', () => {
    assert.deepEqual(explainPod(pod('a', 'a', { hostNetwork: true }), enabled, { code: 'restarted' })?.reason, { code: 'hostNetwork' });
    assert.deepEqual(explainPod(pod('a', 'a'), enabled, { code: 'paused' })?.reason, { code: 'paused' });
    assert.deepEqual(explainPod(pod('a', 'a'), enabled, { code: 'notRestarted' })?.reason, { code: 'notRestarted' });
    assert.deepEqual(explainPod(pod('a', 'a'), enabled, { code: 'restarted' })?.reason, { code: 'unknown' });
  });

  it('names a sidecar left behind after injection was turned off', () => {
    const finding = explainPod(pod('a', 'a', { sidecar: true }), ctx({ 'istio-injection': 'disabled' }), { code: 'notRestarted' });
    assert.deepEqual(finding, { pod: 'a', hasSidecar: true, reason: { code: 'notRestarted' } });
    assert.match(describeReason(finding!.reason, true), /before injection was turned off/);
  });

  it('describes every reason in words a user can act on', () => {
    assert.equal(describeReason({ code: 'paused' }), "its deployment is paused: can't restart paused deployment (run rollout resume first)");
    assert.equal(describeReason({ code: 'noWebhook', revision: 'canary' }), 'no injector webhook serves revision "canary" (see istioctl tag list)');
    assert.equal(describeReason({ code: 'optOutLabel' }), 'its pod label sidecar.istio.io/inject="false" opts it out');
  });
});
