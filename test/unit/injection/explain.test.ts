import assert from 'node:assert/strict';
import { type InjectionContext, decideForPod, describeReason, explainPod } from '../../../src/injection/explain';
import type { MeshFacts } from '../../../src/istio/injection';
import { injectionOffer, injectorEntries } from '../../../src/istio/webhooks';
import { injectorWebhookConfiguration, istioctlInstalledWebhooks, pod } from '../../builders/injection';

const mesh = { entries: injectorEntries([injectorWebhookConfiguration('default'), injectorWebhookConfiguration('canary')]), source: 'cluster' as const };
const ctx = (namespaceLabels: Record<string, string>, namespace = 'shop', m: MeshFacts = mesh): InjectionContext => ({ namespace, namespaceLabels, mesh: m });

describe('injection offer', () => {
  it('offers default and the revisions the webhooks serve', () => {
    assert.deepEqual(injectionOffer(mesh.entries), { defaultInjector: true, revisions: ['canary', 'default'] });
  });

  it('offers the tags, and not the deactivated injector, after istioctl install', () => {
    assert.deepEqual(injectionOffer(injectorEntries(istioctlInstalledWebhooks())), { defaultInjector: true, revisions: ['canary', 'default', 'prod'] });
    const withoutDefaultTag = injectorEntries(istioctlInstalledWebhooks()).filter((e) => e.configuration !== 'istio-revision-tag-default');
    assert.deepEqual(injectionOffer(withoutDefaultTag), { defaultInjector: false, revisions: ['canary', 'prod'] });
  });

  it('offers no default injector when only a revision is installed', () => {
    assert.deepEqual(injectionOffer(injectorEntries([injectorWebhookConfiguration('1-24')])), { defaultInjector: false, revisions: ['1-24'] });
  });

  it('ignores webhooks that are not Istio injectors', () => {
    const other = { metadata: { name: 'cert-manager' }, webhooks: [{ name: 'webhook.cert-manager.io', admissionReviewVersions: ['v1'], sideEffects: 'None', clientConfig: {} }] };
    assert.deepEqual(injectorEntries([other]), []);
  });
});

describe('decision for a pod in a namespace', () => {
  it('assumes the revision a label names when the webhooks are the chart\'s (RBAC)', () => {
    const assumed = ctx({ 'istio.io/rev': 'canary' }, 'shop', { entries: [], source: 'chart' });
    const d = decideForPod(pod('a', 'a'), assumed);
    assert.equal(d.injected, true);
    assert.equal(d.revision, 'canary');
    assert.equal(d.confidence, 'assumed');
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
    assert.deepEqual(explainPod(pod('a', 'a', { hostNetwork: true }), enabled, { code: 'restarted' })?.reason, {
      code: 'decision', reason: 'hostNetwork', sentence: 'The pod uses hostNetwork, which istiod never injects.',
    });
    assert.deepEqual(explainPod(pod('a', 'a'), enabled, { code: 'paused' })?.reason, { code: 'paused' });
    assert.deepEqual(explainPod(pod('a', 'a'), enabled, { code: 'notRestarted' })?.reason, { code: 'notRestarted' });
    assert.deepEqual(explainPod(pod('a', 'a'), enabled, { code: 'restarted' })?.reason, { code: 'unknown' });
  });

  it('names a namespace revision no webhook serves', () => {
    const finding = explainPod(pod('a', 'a'), ctx({ 'istio.io/rev': 'gone' }), { code: 'restarted' });
    assert.equal(finding?.reason.code === 'decision' && finding.reason.reason, 'namespaceRevisionUnknown');
  });

  it('names a sidecar left behind after injection was turned off', () => {
    const finding = explainPod(pod('a', 'a', { sidecar: true }), ctx({ 'istio-injection': 'disabled' }), { code: 'notRestarted' });
    assert.deepEqual(finding, { pod: 'a', hasSidecar: true, reason: { code: 'notRestarted' } });
    assert.match(describeReason(finding!.reason, true), /before injection was turned off/);
  });

  it('treats sidecar.istio.io/inject="False" as the injector does: not an opt-out', () => {
    assert.equal(explainPod(pod('a', 'a', { labels: { 'sidecar.istio.io/inject': 'False' } }), enabled, { code: 'notRestarted' })?.reason.code, 'notRestarted');
  });

  it('describes every reason in words a user can act on', () => {
    assert.equal(describeReason({ code: 'paused' }), "its deployment is paused: can't restart paused deployment (run rollout resume first)");
    assert.equal(describeReason({ code: 'decision', reason: 'optOutLabel', sentence: 'The pod has the label sidecar.istio.io/inject="false".' }), 'the pod has the label sidecar.istio.io/inject="false"');
  });
});
