import assert from 'node:assert/strict';
import { needingRestart, restartCandidates } from '../../../src/injection/planner';
import { injectorEntries } from '../../../src/istio/webhooks';
import { deployment, injectorWebhookConfiguration, pod, statefulSet } from '../../builders/injection';

const mesh = { entries: injectorEntries([injectorWebhookConfiguration('default'), injectorWebhookConfiguration('canary')]), source: 'cluster' as const };

describe('restart candidates', () => {
  const workloads = [deployment('web'), deployment('edge', { hostNetwork: true }), statefulSet('db'), deployment('api')];
  const pods = [
    pod('web-1', 'web'),
    pod('web-old', 'web', { sidecar: true, deleting: true }),
    pod('edge-1', 'edge', { hostNetwork: true }),
    pod('db-0', 'db', { sidecar: true }),
    pod('api-1', 'api', { sidecar: true }),
    pod('api-2', 'api'),
  ];

  it('after enabling, picks the workloads with pods lacking a sidecar (not those that cannot get one)', () => {
    const ctx = { namespace: 'shop', namespaceLabels: { 'istio-injection': 'enabled' }, mesh };
    const candidates = restartCandidates(workloads, pods, ctx);
    assert.deepEqual(candidates.map((c) => [c.ref.name, c.pods, c.withSidecar, c.mismatched]), [
      ['api', 2, 1, 1],
      ['web', 1, 0, 1],
      ['db', 1, 1, 0],
      ['edge', 1, 0, 0],
    ]);
    assert.deepEqual(needingRestart(candidates).map((c) => c.ref.name), ['api', 'web']);
  });

  it('after disabling, picks the workloads whose pods still have one', () => {
    const ctx = { namespace: 'shop', namespaceLabels: { 'istio-injection': 'disabled' }, mesh };
    assert.deepEqual(needingRestart(restartCandidates(workloads, pods, ctx)).map((c) => c.ref.name), ['api', 'db']);
  });

  it('after a move to another revision, picks the workloads whose pods another revision injected', () => {
    const ctx = { namespace: 'shop', namespaceLabels: { 'istio.io/rev': 'canary' }, mesh };
    const own = [pod('web-1', 'web', { sidecar: true, injectedBy: 'canary' }), pod('api-1', 'api', { sidecar: true, injectedBy: 'default' })];
    assert.deepEqual(needingRestart(restartCandidates([deployment('web'), deployment('api')], own, ctx)).map((c) => c.ref.name), ['api']);
  });

  it('marks paused deployments', () => {
    const ctx = { namespace: 'shop', namespaceLabels: {}, mesh };
    assert.equal(restartCandidates([deployment('p', { paused: true })], [], ctx)[0].paused, true);
  });
});
