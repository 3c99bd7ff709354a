import assert from 'node:assert/strict';
import { findings, findingsOf, fixed, where, yaml } from './helpers';

const ns = (...labels: string[]) =>
  yaml('apiVersion: v1', 'kind: Namespace', 'metadata:', '  name: shop  # storefront', ...(labels.length ? ['  labels:', ...labels.map((l) => `    ${l}`)] : []));

describe('injection-label-value', () => {
  it('flags "true", which does nothing, as an error on the value', () => {
    const [f] = findingsOf(ns('istio-injection: "true"'), 'injection-label-value');
    assert.equal(f.severity, 'error');
    assert.deepEqual(where(f), [5, 21, 5, 27]);
    assert.match(f.message, /only "enabled" turns sidecar injection on/);
  });
  it('accepts enabled and disabled', () => {
    assert.deepEqual(findings(ns('istio-injection: enabled')), []);
    assert.deepEqual(findings(ns('istio-injection: disabled')), []);
  });
  it('sets enabled, keeping quoting elsewhere and comments', () => {
    assert.equal(fixed(ns('istio-injection: "true" # on please'), 'injection-label-value'), ns('istio-injection: enabled # on please'));
  });
  it('prefers disabled for an off word, and offers both', () => {
    assert.equal(fixed(ns('istio-injection: "off"'), 'injection-label-value'), ns('istio-injection: disabled'));
    assert.equal(fixed(ns('istio-injection: "off"'), 'injection-label-value', 'Set istio-injection: enabled'), ns('istio-injection: enabled'));
  });
  it('fills an empty value', () => {
    assert.equal(fixed(ns('istio-injection:'), 'injection-label-value'), ns('istio-injection: enabled'));
  });
});

describe('injection-labels-conflict', () => {
  const both = ns('istio-injection: enabled', 'istio.io/rev: canary', 'app: shop');
  it('warns on istio.io/rev when both labels are set, naming IST0123 and what happens', () => {
    const [f] = findingsOf(both, 'injection-labels-conflict');
    assert.equal(f.severity, 'warning');
    assert.equal(f.istio, 'IST0123');
    assert.deepEqual(where(f), [6, 4, 6, 24]);
    assert.match(f.message, /labels \(istio-injection, istio\.io\/rev\)/);
    assert.match(f.message, /istio-injection=enabled wins and istio\.io\/rev is ignored\. Keep one\. \(IST0123\)$/);
  });
  it("reports IST0123's set: enabled or istio.io/rev beside dataplane-mode, and not disabled beside istio.io/rev", () => {
    const [ambient] = findingsOf(ns('istio-injection: enabled', 'istio.io/dataplane-mode: ambient'), 'injection-labels-conflict');
    assert.deepEqual(where(ambient), [6, 4, 6, 36]);
    assert.match(ambient.message, /not captured by ztunnel/);
    assert.equal(findingsOf(ns('istio.io/rev: test', 'istio.io/dataplane-mode: ambient'), 'injection-labels-conflict').length, 1);
    assert.deepEqual(findingsOf(ns('istio-injection: disabled', 'istio.io/rev: test'), 'injection-labels-conflict'), []);
    assert.deepEqual(findingsOf(ns('istio-injection: disabled', 'istio.io/dataplane-mode: ambient'), 'injection-labels-conflict'), []);
  });
  it('offers to remove each label involved', () => {
    const three = ns('istio-injection: enabled', 'istio.io/rev: canary', 'istio.io/dataplane-mode: ambient');
    assert.deepEqual(findingsOf(three, 'injection-labels-conflict')[0].fixes?.map((f) => f.title), [
      'Remove istio-injection (keep istio.io/rev and istio.io/dataplane-mode)',
      'Remove istio.io/rev (keep istio-injection and istio.io/dataplane-mode)',
      'Remove istio.io/dataplane-mode (keep istio-injection and istio.io/rev)',
      'Suppress IST0123 for this resource',
    ]);
  });
  it('removes either label, one line each', () => {
    assert.equal(fixed(both, 'injection-labels-conflict', 'Remove istio.io/rev (keep istio-injection)'), ns('istio-injection: enabled', 'app: shop'));
    assert.equal(fixed(both, 'injection-labels-conflict', 'Remove istio-injection (keep istio.io/rev)'), ns('istio.io/rev: canary', 'app: shop'));
  });
  it('removes labels: itself when the last label goes', () => {
    const text = yaml('apiVersion: v1', 'kind: Namespace', 'metadata:', '  labels:', '    istio.io/rev: canary', '    istio-injection: enabled', '  name: shop');
    // Removing one of two keeps the map; the result has no dangling `labels:`.
    assert.equal(
      fixed(text, 'injection-labels-conflict', 'Remove istio-injection (keep istio.io/rev)'),
      yaml('apiVersion: v1', 'kind: Namespace', 'metadata:', '  labels:', '    istio.io/rev: canary', '  name: shop'),
    );
  });
  it('works in flow mappings, removing only the entry and one comma', () => {
    const text = yaml('apiVersion: v1', 'kind: Namespace', 'metadata: {name: shop, labels: {istio-injection: enabled, istio.io/rev: canary}}');
    assert.equal(fixed(text, 'injection-labels-conflict', 'Remove istio.io/rev (keep istio-injection)'), yaml('apiVersion: v1', 'kind: Namespace', 'metadata: {name: shop, labels: {istio-injection: enabled}}'));
    assert.equal(fixed(text, 'injection-labels-conflict', 'Remove istio-injection (keep istio.io/rev)'), yaml('apiVersion: v1', 'kind: Namespace', 'metadata: {name: shop, labels: {istio.io/rev: canary}}'));
  });
});

describe('dataplane-mode-value', () => {
  it('flags a value other than ambient/none on a namespace and sets ambient', () => {
    const text = ns('istio.io/dataplane-mode: Ambient');
    const [f] = findingsOf(text, 'dataplane-mode-value');
    assert.equal(f.severity, 'error');
    assert.equal(fixed(text, 'dataplane-mode-value'), ns('istio.io/dataplane-mode: ambient'));
    assert.equal(fixed(text, 'dataplane-mode-value', 'Set istio.io/dataplane-mode: none'), ns('istio.io/dataplane-mode: none'));
  });
  it('accepts ambient and none', () => {
    assert.deepEqual(findings(ns('istio.io/dataplane-mode: ambient')), []);
    assert.deepEqual(findings(ns('istio.io/dataplane-mode: none')), []);
  });
});

describe('system-namespace-injection', () => {
  const system = (name: string, label: string) => yaml('apiVersion: v1', 'kind: Namespace', 'metadata:', `  name: ${name}`, '  labels:', '    team: platform', `    ${label}`);
  it("warns on istiod's ignored namespaces, and removes the label", () => {
    for (const name of ['kube-system', 'kube-public', 'kube-node-lease', 'local-path-storage']) {
      const [f] = findingsOf(system(name, 'istio-injection: enabled'), 'system-namespace-injection');
      assert.equal(f?.severity, 'warning', name);
    }
    assert.equal(fixed(system('kube-system', 'istio.io/rev: default'), 'system-namespace-injection'), yaml('apiVersion: v1', 'kind: Namespace', 'metadata:', '  name: kube-system', '  labels:', '    team: platform'));
  });
  it('is silent on the control-plane namespace, whose pods without opt-out Istio does inject', () => {
    assert.deepEqual(findingsOf(system('istio-system', 'istio-injection: enabled'), 'system-namespace-injection'), []);
    assert.deepEqual(findingsOf(system('mesh-cp', 'istio-injection: enabled'), 'system-namespace-injection', { cluster: { controlPlaneNamespace: 'mesh-cp' } }), []);
  });
  it('is silent for disabled, and for a revision no webhook serves (revision-unknown says so)', () => {
    assert.deepEqual(findings(system('kube-system', 'istio-injection: disabled')), []);
    assert.deepEqual(findingsOf(system('kube-system', 'istio.io/rev: nope'), 'system-namespace-injection', { cluster: { revisions: ['default'] } }), []);
  });
});

describe('revision-unknown', () => {
  const text = ns('istio.io/rev: canary');
  it('is silent when not connected', () => {
    assert.deepEqual(findings(text), []);
  });
  it('flags a revision the cluster does not have and offers the known ones', () => {
    const cluster = { revisions: ['default', '1-29-0', 'stable'] };
    const [f] = findingsOf(text, 'revision-unknown', { cluster });
    assert.equal(f.severity, 'error');
    assert.deepEqual(f.fixes?.map((x) => x.title), ['Use revision default', 'Use revision 1-29-0', 'Use revision stable']);
    assert.equal(fixed(text, 'revision-unknown', 'Use revision stable', { cluster }), ns('istio.io/rev: stable'));
    assert.deepEqual(findings(ns('istio.io/rev: stable'), { cluster }), []);
  });
  it('resolves tags given apart from revisions', () => {
    const cluster = { revisions: ['1-29-0'], tags: [{ name: 'stable', revision: '1-29-0' }] };
    assert.deepEqual(findings(ns('istio.io/rev: stable'), { cluster }), []);
    assert.deepEqual(findingsOf(text, 'revision-unknown', { cluster })[0].fixes?.map((x) => x.title), ['Use revision 1-29-0', 'Use revision stable']);
  });
  it("flags a pod's revision only where it chooses the injector (its namespace has no injection label)", () => {
    const cluster = { revisions: ['default'] };
    const pod = yaml('apiVersion: v1', 'kind: Pod', 'metadata:', '  name: p', '  namespace: shop', '  labels: {istio.io/rev: canary}', 'spec:', '  containers: []');
    assert.equal(findingsOf(pod, 'revision-unknown', { cluster }).length, 1);
    const enabled = yaml('apiVersion: v1', 'kind: Namespace', 'metadata:', '  name: shop', '  labels: {istio-injection: enabled}', '---');
    assert.deepEqual(findingsOf(enabled + pod, 'revision-unknown', { cluster }), []);
  });
});
