import assert from 'node:assert/strict';
import { applyLabelChanges, injectionLabelChanges, namespaceLabelPatch, restartPatch, rfc3339 } from '../../../src/injection/patches';

describe('injection label patches', () => {
  const unrelated = { team: 'payments', 'kubernetes.io/metadata.name': 'shop' };

  it('default injection sets istio-injection=enabled and removes istio.io/rev, nothing else', () => {
    const changes = injectionLabelChanges({ ...unrelated, 'istio.io/rev': 'canary' }, { mode: 'default' });
    assert.deepEqual(changes, { 'istio-injection': 'enabled', 'istio.io/rev': null });
    assert.deepEqual(namespaceLabelPatch(changes, '42'), {
      metadata: { resourceVersion: '42', labels: { 'istio-injection': 'enabled', 'istio.io/rev': null } },
    });
  });

  it('does not send removals of labels that are absent', () => {
    assert.deepEqual(injectionLabelChanges(unrelated, { mode: 'default' }), { 'istio-injection': 'enabled' });
  });

  it('a revision sets istio.io/rev and removes istio-injection (which would otherwise win)', () => {
    assert.deepEqual(injectionLabelChanges({ ...unrelated, 'istio-injection': 'enabled' }, { mode: 'revision', revision: '1-24' }), {
      'istio.io/rev': '1-24',
      'istio-injection': null,
    });
  });

  it('sidecar modes drop ambient mode; ambient drops both sidecar labels', () => {
    assert.deepEqual(injectionLabelChanges({ 'istio.io/dataplane-mode': 'ambient' }, { mode: 'default' }), {
      'istio-injection': 'enabled',
      'istio.io/dataplane-mode': null,
    });
    assert.deepEqual(injectionLabelChanges({ 'istio-injection': 'enabled', 'istio.io/rev': 'x' }, { mode: 'ambient' }), {
      'istio.io/dataplane-mode': 'ambient',
      'istio-injection': null,
      'istio.io/rev': null,
    });
  });

  it('disable sets istio-injection=disabled and removes istio.io/rev', () => {
    assert.deepEqual(injectionLabelChanges({ 'istio.io/rev': 'canary' }, { mode: 'disabled' }), {
      'istio-injection': 'disabled',
      'istio.io/rev': null,
    });
  });

  it('yields no changes when the namespace already is as asked', () => {
    assert.deepEqual(injectionLabelChanges({ 'istio-injection': 'enabled' }, { mode: 'default' }), {});
    assert.deepEqual(injectionLabelChanges({ 'istio.io/rev': 'canary' }, { mode: 'revision', revision: 'canary' }), {});
  });

  it('keeps every unrelated label when applied', () => {
    const after = applyLabelChanges({ ...unrelated, 'istio.io/rev': 'canary' }, { 'istio-injection': 'enabled', 'istio.io/rev': null });
    assert.deepEqual(after, { ...unrelated, 'istio-injection': 'enabled' });
  });

  it('omits resourceVersion when none is given', () => {
    assert.deepEqual(namespaceLabelPatch({ a: 'b' }), { metadata: { labels: { a: 'b' } } });
  });
});

describe('restart patch', () => {
  it('formats time as Go RFC 3339 with second precision', () => {
    assert.equal(rfc3339(new Date('2025-03-04T05:06:07.891Z')), '2025-03-04T05:06:07Z');
  });

  it('annotates the pod template exactly as kubectl rollout restart does', () => {
    assert.deepEqual(restartPatch(new Date('2025-03-04T05:06:07.891Z')), {
      spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': '2025-03-04T05:06:07Z' } } } },
    });
  });
});
