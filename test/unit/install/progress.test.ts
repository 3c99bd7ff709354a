import assert from 'node:assert/strict';
import { describeProgress, parseProgressLine } from '../../../src/install/progress';

describe('istioctl output parser', () => {
  it('reads component, wait and completion lines, with or without colour', () => {
    assert.deepEqual(parseProgressLine('\u001b[32m✔\u001b[0m Istio core installed ⛵️'), { kind: 'componentInstalled', component: 'Istio core' });
    assert.deepEqual(parseProgressLine('✔ Ingress gateways installed 🛬'), { kind: 'componentInstalled', component: 'Ingress gateways' });
    assert.deepEqual(parseProgressLine('\u001b[33m-\u001b[0m Processing resources for Istiod. Waiting for Deployment/istio-system/istiod'), {
      kind: 'processing', components: ['Istiod'], waitingFor: ['Deployment/istio-system/istiod'],
    });
    assert.deepEqual(parseProgressLine('- Processing resources for Egress gateways, Ingress gateways.'), {
      kind: 'processing', components: ['Egress gateways', 'Ingress gateways'], waitingFor: [],
    });
    assert.deepEqual(parseProgressLine('✔ Installation complete'), { kind: 'installComplete' });
    assert.deepEqual(parseProgressLine('✔ Uninstall complete'), { kind: 'uninstallComplete' });
    assert.deepEqual(parseProgressLine('  Removed Deployment:istio-system:istiod.'), { kind: 'removed', resource: 'Deployment:istio-system:istiod' });
  });

  it('reads failures', () => {
    const failed = parseProgressLine('✘ Istiod encountered an error: failed to wait for resource: resources not ready after 5m0s: context deadline exceeded');
    assert.deepEqual(failed, {
      kind: 'componentFailed', component: 'Istiod',
      error: 'failed to wait for resource: resources not ready after 5m0s: context deadline exceeded',
    });
    assert.deepEqual(parseProgressLine('Error: failed to install manifests: errors occurred during operation'), {
      kind: 'error', message: 'failed to install manifests: errors occurred during operation',
    });
  });

  it('keeps other lines as text and skips blanks', () => {
    assert.equal(parseProgressLine('   '), undefined);
    assert.deepEqual(parseProgressLine('        |\\'), { kind: 'text', text: '|\\' });
    assert.equal(describeProgress({ kind: 'text', text: 'x' }), undefined);
    assert.equal(describeProgress({ kind: 'processing', components: ['Istiod'], waitingFor: ['Deployment/istio-system/istiod'] }),
      'Waiting for Deployment/istio-system/istiod');
  });
});
