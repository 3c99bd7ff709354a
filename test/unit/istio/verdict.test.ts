import assert from 'node:assert/strict';
import { type ReasonCode, decideFromManifests, decideInjection } from '../../../src/istio/injection';
import { code, verdictEvidence, verdictLine } from '../../../src/istio/verdict';
import { chartEntries } from '../../../src/istio/webhooks';

describe('the injection verdict in words', () => {
  it('names the istiod that injects and the label that chose it', () => {
    const d = decideFromManifests({ name: 'shop', labels: { 'istio.io/rev': 'canary' } }, {});
    assert.equal(verdictLine(d), 'will get a sidecar from istiod `canary` (namespace label istio.io/rev=canary)');
  });

  it('names the tag when the label names one, and the revision it points at', () => {
    const d = decideFromManifests({ name: 'shop', labels: { 'istio.io/rev': 'prod' } }, {}, { revisions: ['1-31'], tags: [{ name: 'prod', revision: '1-31' }] });
    assert.equal(verdictLine(d), 'will get a sidecar from istiod `1-31` (namespace label istio.io/rev=prod, tag `prod`)');
  });

  it('says why not in a few words', () => {
    const host = decideFromManifests({ name: 'shop', labels: { 'istio-injection': 'enabled' } }, { hostNetwork: true });
    assert.equal(verdictLine(host), 'will not: hostNetwork pods are never injected');
    const optOut = decideFromManifests({ name: 'shop', labels: { 'istio-injection': 'enabled' } }, { labels: { 'sidecar.istio.io/inject': 'false' } });
    assert.equal(verdictLine(optOut), 'will not: the pod opts out (sidecar.istio.io/inject="false")');
    const ambient = decideFromManifests({ name: 'shop', labels: { 'istio.io/dataplane-mode': 'ambient' } }, {});
    assert.equal(verdictLine(ambient), 'will not: neither the namespace nor the pod asks for a sidecar (in the ambient mesh instead: ztunnel, no sidecar)');
  });

  it('has a short phrase for every reason a pod gets no sidecar', () => {
    // Each not-injected reason the engine can give, reached through its inputs; none falls back to the long sentence.
    const cases: Array<[ReasonCode, ReturnType<typeof decideInjection>]> = [
      ['noInjector', decideInjection({ name: 'a' }, {}, { entries: [], source: 'cluster' })],
      ['noLabels', decideFromManifests({ name: 'a' }, {})],
      ['namespaceDisabled', decideFromManifests({ name: 'a', labels: { 'istio-injection': 'disabled' } }, {})],
      ['namespaceRevisionUnknown', decideFromManifests({ name: 'a', labels: { 'istio.io/rev': 'x' } }, {}, { revisions: ['default'] })],
      ['podRevisionUnknown', decideFromManifests({ name: 'a' }, { labels: { 'istio.io/rev': 'x' } }, { revisions: ['default'] })],
      ['noDefaultInjector', decideFromManifests({ name: 'a', labels: { 'istio-injection': 'enabled' } }, {}, { revisions: ['canary'] })],
      ['hostNetwork', decideFromManifests({ name: 'a', labels: { 'istio-injection': 'enabled' } }, { hostNetwork: true })],
      ['ignoredNamespace', decideFromManifests({ name: 'kube-system', labels: { 'istio-injection': 'enabled' } }, {})],
      ['optOutAnnotation', decideFromManifests({ name: 'a', labels: { 'istio-injection': 'enabled' } }, { annotations: { 'sidecar.istio.io/inject': 'false' } })],
      ['annotationCannotOptIn', decideFromManifests({ name: 'a' }, { annotations: { 'sidecar.istio.io/inject': 'true' } })],
      ['policyDisabled', decideInjection({ name: 'a', labels: { 'istio-injection': 'enabled' } }, {}, { entries: chartEntries(['default']), source: 'cluster', injectors: { default: { policy: 'disabled' } } })],
      ['policyInvalid', decideInjection({ name: 'a', labels: { 'istio-injection': 'enabled' } }, {}, { entries: chartEntries(['default']), source: 'cluster', injectors: { default: { policy: 'maybe' } } })],
      ['neverSelector', decideInjection({ name: 'a', labels: { 'istio-injection': 'enabled' } }, { labels: { app: 'x' } }, { entries: chartEntries(['default']), source: 'cluster', injectors: { default: { neverInjectSelector: [{ matchLabels: { app: 'x' } }] } } })],
    ];
    for (const [reason, d] of cases) {
      assert.equal(d.reason.code, reason);
      const line = verdictLine(d);
      assert.match(line, /^will not: /, reason);
      assert.ok(!line.includes(d.reason.sentence), `${reason} has no short phrase: ${line}`);
    }
  });

  it('lists the evidence: the sentence, each webhook and istiod check, warnings, and where the facts came from', () => {
    const d = decideFromManifests({ name: 'shop', labels: { 'istio-injection': 'enabled', 'istio.io/rev': 'canary' } }, {});
    assert.deepEqual(verdictEvidence(d, { namespace: 'the Namespace document in this file' }), [
      'The namespace has istio-injection=enabled. Injected by revision "default".',
      '✓ webhook `istio-sidecar-injector/namespace.sidecar-injector.istio.io`: namespaceSelector and objectSelector match',
      '✓ istiod default (injectRequired): policy enabled, value ""',
      '⚠ The namespace has more than one injection label (IST0123).',
      'Namespace labels: the Namespace document in this file.',
      "Webhooks: assumed as Istio's chart installs them (the default revision, and any revision a label names).",
    ]);
    const live = decideInjection({ name: 'shop' }, {}, { entries: chartEntries(['default']), source: 'cluster' });
    assert.deepEqual(verdictEvidence(live).slice(1), [
      '✗ webhook `istio-sidecar-injector/rev.object.sidecar-injector.istio.io`: namespaceSelector matches, objectSelector does not',
      '✗ webhook `istio-sidecar-injector/object.sidecar-injector.istio.io`: namespaceSelector matches, objectSelector does not',
      '✗ no injector webhook selects this namespace and pod',
      "Webhooks: the cluster's own.",
    ]);
  });

  it('keeps names inside their code span', () => {
    assert.equal(code('a`b'), '`ab`');
  });
});
