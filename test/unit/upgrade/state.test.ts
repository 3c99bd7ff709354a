import assert from 'node:assert/strict';
import { precheckArgs } from '../../../src/install/args';
import { revisionNameFor } from '../../../src/upgrade/revisionName';
import { newUpgrade, restoreUpgrade } from '../../../src/upgrade/state';
import { injectionFromLabels } from '../../../src/upgrade/opsAdapter';
import { podRevisionsOf, verifyPods } from '../../../src/upgrade/verify';
import { pod } from '../../builders/kube';

describe('canary upgrade pieces', () => {
  it('derives the revision name from the version, unique against revisions and tags', () => {
    assert.equal(revisionNameFor('1.31.0', ['default']), '1-31');
    assert.equal(revisionNameFor('1.31.2', ['default', '1-31']), '1-31-2');
    assert.equal(revisionNameFor('1.31.2', ['1-31', '1-31-2']), '1-31-3');
    assert.equal(revisionNameFor('1.32.0-alpha.1', []), '1-32');
    assert.equal(revisionNameFor('', []), 'canary');
  });

  it('passes --from-version as <major>.<minor>, which is all istioctl parses', () => {
    const target = { kubeconfig: '', context: 'kind-test' };
    assert.deepEqual(precheckArgs('', target, '1.30.1'), ['x', 'precheck', '--output', 'json', '--from-version', '1.30', '--context', 'kind-test']);
    assert.deepEqual(precheckArgs('', target), ['x', 'precheck', '--output', 'json', '--context', 'kind-test']);
  });

  it('reads the revision from the injected pod, not from its namespace; terminating pods are gone', () => {
    const pods = podRevisionsOf([
      pod('b', { namespace: 'shop', sidecar: true, injectedBy: '1-31' }),
      pod('a', { namespace: 'shop', sidecar: true, injectedBy: 'default' }),
      pod('c', { namespace: 'shop' }),
      pod('d', { namespace: 'shop', labels: { 'sidecar.istio.io/inject': 'false' } }),
      pod('old', { namespace: 'shop', sidecar: true, injectedBy: 'default', terminating: true }),
    ]);
    assert.deepEqual(pods, [
      { namespace: 'shop', name: 'a', revision: 'default', optedOut: false },
      { namespace: 'shop', name: 'b', revision: '1-31', optedOut: false },
      { namespace: 'shop', name: 'c', optedOut: false },
      { namespace: 'shop', name: 'd', optedOut: true },
    ]);
    assert.deepEqual(verifyPods(pods, '1-31'), { total: 3, onRevision: 1, stragglers: ['shop/a (revision default)', 'shop/c (no proxy)'] });
  });

  it('restores a saved state, with an interrupted step pending again, and rejects what is not one', () => {
    const state = newUpgrade({ context: 'c', from: { revision: 'default', version: '1.30.0' }, to: { revision: '1-31', version: '1.31.0' }, move: { kind: 'tag', tag: 'prod', namespaces: [] } });
    const running = { ...state, steps: { ...state.steps, install: { status: 'running' } }, rollback: { status: 'running' } };
    const restored = restoreUpgrade(JSON.parse(JSON.stringify(running)))!;
    assert.equal(restored.steps.install.status, 'pending');
    assert.equal(restored.rollback?.status, 'failed');
    assert.deepEqual(restoreUpgrade(JSON.parse(JSON.stringify(state))), state);
    assert.equal(restoreUpgrade({ schema: 2 }), undefined);
    assert.equal(restoreUpgrade('x'), undefined);
    assert.equal(restoreUpgrade({ ...state, steps: { precheck: { status: 'done' } } }), undefined);
  });

  it('reads back the injection a namespace had, for the rollback', () => {
    assert.deepEqual(injectionFromLabels({ 'istio-injection': 'enabled', 'istio.io/rev': 'x' }), { mode: 'default' });
    assert.deepEqual(injectionFromLabels({ 'istio.io/rev': 'prod' }), { mode: 'revision', revision: 'prod' });
    assert.deepEqual(injectionFromLabels({}), { mode: 'disabled' });
  });
});
