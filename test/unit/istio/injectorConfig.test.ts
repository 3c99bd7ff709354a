import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadAll } from 'js-yaml';
import type { ConfigMap } from '../../../src/cluster/types';
import { type MeshFacts, decideInjection } from '../../../src/istio/injection';
import { injectorConfigMapRevision, injectorConfigMaps, injectorFacts } from '../../../src/istio/injectorConfig';
import { restartNeed } from '../../../src/istio/pods';
import { verdictEvidence, verdictLine } from '../../../src/istio/verdict';
import { chartEntries } from '../../../src/istio/webhooks';
import { injectorConfigMap } from '../../builders/injection';
import { istioModuleDir } from '../../oracles/istioSource';

const only = (cm: ConfigMap) => {
  const read = injectorConfigMaps([cm]);
  assert.equal(read.length, 1);
  return read[0]!.parsed;
};
const configOf = (config: object | string) => only(injectorConfigMap('default', { config })).config;

/** Istio's own rendered ConfigMaps (chart goldens, analyzer testdata), read from the module cache. */
function istioConfigMap(path: string): ConfigMap {
  const docs = loadAll(readFileSync(join(istioModuleDir(), path), 'utf8')) as ConfigMap[];
  const found = docs.find((d) => d?.kind === 'ConfigMap' && d.metadata.name === 'istio-sidecar-injector');
  assert.ok(found, `${path} has an istio-sidecar-injector ConfigMap`);
  return found;
}

const facts = (cms: ConfigMap[], hidden: string[] = []): MeshFacts =>
  ({ entries: chartEntries(['default']), source: 'cluster', ...injectorFacts(injectorConfigMaps(cms), hidden, () => 'istio-system') });
const enabledNs = { name: 'shop', labels: { 'istio-injection': 'enabled' } };

describe("istiod's injector ConfigMap", () => {
  it("reads the ConfigMap Istio's chart renders (operator golden pilot_default)", () => {
    const cm = istioConfigMap('operator/cmd/mesh/testdata/manifest-generate/output/pilot_default.golden.yaml');
    const [read] = injectorConfigMaps([cm]);
    assert.deepEqual(read, { namespace: 'istio-system', revision: 'default', parsed: { config: { policy: 'enabled' }, enableNamespacesByDefault: false } });
  });

  it('reads enableNamespacesByDefault from the values (analyzer testdata sidecar-injector-enabled-nsbydefault)', () => {
    const cm = istioConfigMap('pkg/config/analysis/analyzers/testdata/common/sidecar-injector-enabled-nsbydefault.yaml');
    assert.equal(only({ ...cm, metadata: { ...cm.metadata, namespace: 'istio-system' } }).enableNamespacesByDefault, true);
  });

  it('maps a ConfigMap to the revision whose istiod reads it by name, whatever its label says; skips the others', () => {
    assert.equal(injectorConfigMapRevision('istio-sidecar-injector'), 'default');
    assert.equal(injectorConfigMapRevision('istio-sidecar-injector-1-31'), '1-31');
    assert.equal(injectorConfigMapRevision('istio-sidecar-injector-'), undefined);
    assert.equal(injectorConfigMapRevision('istio'), undefined);
    const mislabelled = injectorConfigMap('canary');
    mislabelled.metadata.labels = { 'istio.io/rev': 'stable' };
    const other: ConfigMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'istio', namespace: 'istio-system' }, data: { mesh: '{}' } };
    assert.deepEqual(injectorConfigMaps([mislabelled, other]).map((c) => c.revision), ['canary']);
  });

  it('reads every key shape of `config` as sigs.k8s.io/yaml fills the Config struct', () => {
    const expr = (key: string, operator: string, values: string[] = []) => ({ key, operator, values });
    const cases: [string, object | string, object][] = [
      ['policy disabled', { policy: 'disabled' }, { policy: 'disabled' }],
      ['policy missing: the Go zero value ""', { neverInjectSelector: [] }, { policy: '' }],
      ['policy null', { policy: null }, { policy: '' }],
      ['policy of another word, kept for the engine to call invalid', { policy: 'sometimes' }, { policy: 'sometimes' }],
      ['an empty config', '', { policy: '' }],
      ['unknown keys ignored', { policy: 'enabled', templates: { sidecar: '{{ x }}' }, injectedAnnotations: { a: 'b' }, aliases: { s: ['sidecar'] } }, { policy: 'enabled' }],
      ['selectors null', { policy: 'enabled', neverInjectSelector: null, alwaysInjectSelector: null }, { policy: 'enabled' }],
      ['matchLabels and matchExpressions', {
        policy: 'enabled',
        neverInjectSelector: [{ matchLabels: { app: 'db' } }, { matchExpressions: [expr('tier', 'In', ['batch']), expr('legacy', 'Exists')] }],
        alwaysInjectSelector: [{ matchExpressions: [expr('team', 'NotIn', ['ops'])] }],
      }, {
        policy: 'enabled',
        neverInjectSelector: [{ matchLabels: { app: 'db' } }, { matchExpressions: [expr('tier', 'In', ['batch']), expr('legacy', 'Exists')] }],
        alwaysInjectSelector: [{ matchExpressions: [expr('team', 'NotIn', ['ops'])] }],
      }],
      ['a null selector: empty, which never matches in injectRequired', { policy: 'enabled', neverInjectSelector: [null] }, { policy: 'enabled', neverInjectSelector: [{}] }],
      ['selectors LabelSelectorAsSelector rejects are skipped, as istiod skips them', {
        policy: 'enabled',
        neverInjectSelector: [{ matchExpressions: [expr('a', 'In')] }, { matchExpressions: [expr('b', 'Exists', ['x'])] }, { matchExpressions: [expr('c', 'Matches', ['x'])] }, { matchLabels: { keep: 'me' } }],
      }, { policy: 'enabled', neverInjectSelector: [{ matchLabels: { keep: 'me' } }] }],
    ];
    for (const [what, config, expected] of cases) assert.deepEqual(configOf(config), expected, what);
  });

  it('gives a clear reason for every malformed ConfigMap, naming it', () => {
    const data = (d: Record<string, string>) => only(injectorConfigMap('canary', { data: d })).config;
    const cases: [string, object, RegExp][] = [
      ['no config key', data({ values: '{}' }), /has no "config" key/],
      ['no values key', data({ config: 'policy: enabled' }), /has no "values" key/],
      ['neither', data({}), /has no "config" and no "values" key/],
      ['config not YAML', data({ config: 'policy: [enabled', values: '{}' }), /"config" is not valid YAML/],
      ['values not YAML', data({ config: 'policy: enabled', values: '{"a": ' }), /"values" is not valid YAML/],
      ['config a list', data({ config: '- policy: enabled', values: '{}' }), /"config" is not a map/],
      ['policy a number', data({ config: 'policy: 1', values: '{}' }), /policy is not a string/],
      ['selectors a map', data({ config: 'neverInjectSelector: {app: db}', values: '{}' }), /neverInjectSelector is not a list/],
      ['matchLabels of numbers', data({ config: 'alwaysInjectSelector: [{matchLabels: {port: 80}}]', values: '{}' }), /alwaysInjectSelector\[0\]\.matchLabels is not a map of strings/],
      ['an expression without a key', data({ config: 'neverInjectSelector: [{matchExpressions: [{operator: Exists}]}]', values: '{}' }), /matchExpressions\[0\] has no key and operator/],
    ];
    for (const [what, config, reason] of cases) {
      assert.deepEqual(Object.keys(config), ['unreadable'], what);
      assert.match((config as { unreadable: string }).unreadable, /^ConfigMap istio-sidecar-injector-canary cannot be read as istiod reads it: /, what);
      assert.match((config as { unreadable: string }).unreadable, reason, what);
    }
  });

  it("feeds the engine: the policy and the selectors decide as istiod's injectRequired does", () => {
    const disabled = facts([injectorConfigMap('default', { config: { policy: 'disabled', alwaysInjectSelector: [{ matchLabels: { app: 'web' } }] } })]);
    assert.equal(decideInjection(enabledNs, { labels: { app: 'api' } }, disabled).reason.code, 'policyDisabled');
    assert.equal(decideInjection(enabledNs, { labels: { app: 'web' } }, disabled).reason.code, 'alwaysSelector');
    assert.equal(decideInjection(enabledNs, { labels: { app: 'api', 'sidecar.istio.io/inject': 'true' } }, disabled).injected, true);
    const never = facts([injectorConfigMap('default', { config: { policy: 'enabled', neverInjectSelector: [{ matchLabels: { app: 'db' } }] } })]);
    assert.equal(decideInjection(enabledNs, { labels: { app: 'db' } }, never).reason.code, 'neverSelector');
    assert.equal(decideInjection(enabledNs, { labels: { app: 'web' } }, never).injected, true);
    const noPolicy = facts([injectorConfigMap('default', { config: { neverInjectSelector: [] } })]);
    assert.equal(decideInjection(enabledNs, { labels: { 'sidecar.istio.io/inject': 'true' } }, noPolicy).reason.code, 'policyInvalid');
  });

  it('falls back to "policy unknown" for a malformed ConfigMap: assumed enabled, and every view says so', () => {
    const mesh = facts([injectorConfigMap('default', { data: { config: 'policy: [', values: '{}' } })]);
    const d = decideInjection(enabledNs, { labels: { app: 'web' } }, mesh);
    assert.equal(d.injected, true);
    assert.match(d.policyUnknown ?? '', /ConfigMap istio-sidecar-injector cannot be read as istiod reads it: its "config" is not valid YAML/);
    assert.match(verdictLine(d), /^will get a sidecar from istiod `default` \(namespace label istio-injection=enabled; the injector's policy is unknown, assumed enabled\)$/);
    assert.ok(verdictEvidence(d).some((l) => l.startsWith('⚠ Injector policy unknown, assumed enabled without selectors: ConfigMap istio-sidecar-injector')));
    // A pod injected by another revision would need a restart with a known policy; with an unknown one, no claim.
    const sidecar = { present: true, native: false, injected: true, injectedRevision: 'old' };
    assert.equal(restartNeed(d, sidecar), undefined);
    assert.equal(restartNeed(decideInjection(enabledNs, { labels: { app: 'web' } }, facts([injectorConfigMap()])), sidecar), 'revisionChanged');
    // A pod's own opt-out decides before the policy: nothing is unknown about it.
    assert.equal(decideInjection(enabledNs, { labels: { 'sidecar.istio.io/inject': 'false' } }, mesh).policyUnknown, undefined);
  });

  it('leaves the policy unknown, with the reason, where RBAC keeps the ConfigMaps from us', () => {
    const d = decideInjection(enabledNs, {}, facts([], ['istio-system']));
    assert.equal(d.policyUnknown, 'you may not list ConfigMaps in istio-system');
    assert.equal(d.injected, true);
  });

  it("takes a revision's ConfigMap from its istiod's namespace when two namespaces hold one", () => {
    const elsewhere = injectorConfigMap('default', { namespace: 'a-copy', config: { policy: 'disabled' } });
    const own = injectorConfigMap('default', { namespace: 'istio-system', config: { policy: 'enabled' } });
    for (const order of [[elsewhere, own], [own, elsewhere]]) {
      assert.deepEqual(injectorFacts(injectorConfigMaps(order), [], () => 'istio-system').injectors, { default: { policy: 'enabled' } });
    }
  });
});
