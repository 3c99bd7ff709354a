import assert from 'node:assert/strict';
import {
  type InjectionDecision,
  type MeshFacts,
  type ReasonCode,
  decideFromManifests,
  decideInjection,
  multipleInjectionLabels,
  namespaceInjection,
} from '../../../src/istio/injection';
import { chartEntries, injectorEntries } from '../../../src/istio/webhooks';
import { istioctlInstalledWebhooks } from '../../builders/injection';

// The expected results below are not computed by the engine: `expected()` is the closed form of Istio's rules written
// out from the research notes (selector stage per the chart's webhooks, then istiod's injectRequired), for the
// layout an `istioctl install` + `istioctl install --revision canary` + `istioctl tag set prod --revision canary`
// leaves. The engine reads the webhook objects themselves.

type Value = string | undefined;
interface Row {
  readonly ns: string;
  readonly nsInjection: Value;
  readonly nsRev: Value;
  readonly nsMode?: Value;
  readonly podInject: Value;
  readonly podRev: Value;
  readonly annotation: Value;
  readonly hostNetwork: boolean;
}
interface Expected {
  readonly injected: boolean;
  readonly revision?: string;
  readonly configuration?: string;
  readonly code: ReasonCode;
}

const IGNORED = new Set(['kube-system', 'kube-public', 'kube-node-lease', 'local-path-storage']);
/** What each `istio.io/rev` value is served by: the istiod revision and the webhook configuration. */
const SERVED: Record<string, { revision: string; configuration: string }> = {
  default: { revision: 'default', configuration: 'istio-revision-tag-default' },
  canary: { revision: 'canary', configuration: 'istio-sidecar-injector-canary' },
  prod: { revision: 'canary', configuration: 'istio-revision-tag-prod' },
};

function expected(r: Row): Expected {
  let via: { code: ReasonCode; value: string };
  // Stage 1: which webhook entry the API server calls (labels only; values compared exactly).
  if (r.nsInjection !== undefined) {
    if (r.nsInjection !== 'enabled') return { injected: false, code: 'namespaceDisabled' };
    if (r.podInject === 'false') return { injected: false, code: 'optOutLabel' };
    via = { code: 'namespaceLabel', value: 'default' };
  } else if (r.nsRev !== undefined) {
    if (!SERVED[r.nsRev]) return { injected: false, code: 'namespaceRevisionUnknown' };
    if (r.podInject === 'false') return { injected: false, code: 'optOutLabel' };
    via = { code: 'namespaceRevision', value: r.nsRev };
  } else if (r.podRev !== undefined) {
    if (!SERVED[r.podRev]) return { injected: false, code: 'podRevisionUnknown' };
    if (r.podInject === 'false') return { injected: false, code: 'optOutLabel' };
    via = { code: 'podRevision', value: r.podRev };
  } else if (r.podInject === 'true') {
    via = { code: 'podOptIn', value: 'default' };
  } else {
    return { injected: false, code: r.podInject === undefined && r.annotation === 'true' ? 'annotationCannotOptIn' : 'noLabels' };
  }
  const { revision, configuration } = SERVED[via.value];
  // Stage 2: istiod's injectRequired with the chart's policy (enabled, no selectors).
  if (r.hostNetwork) return { injected: false, configuration, code: 'hostNetwork' };
  if (IGNORED.has(r.ns)) return { injected: false, configuration, code: 'ignoredNamespace' };
  const value = r.podInject !== undefined ? r.podInject : r.annotation ?? '';
  if (value === 'false') return { injected: false, configuration, code: r.podInject !== undefined ? 'optOutLabel' : 'optOutAnnotation' };
  return { injected: true, revision, configuration, code: via.code };
}

const live: MeshFacts = { entries: injectorEntries(istioctlInstalledWebhooks()), source: 'cluster' };

function labels(entries: [string, Value][]): Record<string, string> {
  return Object.fromEntries(entries.filter((e): e is [string, string] => e[1] !== undefined));
}

function decide(r: Row, mesh: MeshFacts = live): InjectionDecision {
  return decideInjection(
    { name: r.ns, labels: labels([['istio-injection', r.nsInjection], ['istio.io/rev', r.nsRev], ['istio.io/dataplane-mode', r.nsMode]]) },
    {
      labels: labels([['sidecar.istio.io/inject', r.podInject], ['istio.io/rev', r.podRev]]),
      annotations: labels([['sidecar.istio.io/inject', r.annotation]]),
      hostNetwork: r.hostNetwork,
    },
    mesh,
  );
}

function describe_(r: Row): string {
  const v = (x: Value) => (x === undefined ? '-' : JSON.stringify(x));
  return `ns ${r.ns} injection=${v(r.nsInjection)} rev=${v(r.nsRev)} mode=${v(r.nsMode)} | pod inject=${v(r.podInject)} rev=${v(r.podRev)} annotation=${v(r.annotation)} hostNetwork=${r.hostNetwork}`;
}

/** The generated table: the full product on a regular namespace, and the namespace heads on special namespaces. */
function table(): Row[] {
  const rows: Row[] = [];
  const nsInjections: Value[] = [undefined, 'enabled', 'disabled', 'yes', ''];
  const nsRevs: Value[] = [undefined, 'default', 'canary', 'prod', 'nope', ''];
  const podInjects: Value[] = [undefined, 'true', 'false', 'yes', 'False', ''];
  const podRevs: Value[] = [undefined, 'default', 'canary', 'prod', 'nope', ''];
  const annotations: Value[] = [undefined, 'true', 'false'];
  for (const nsInjection of nsInjections) {
    for (const nsRev of nsRevs) {
      for (const podInject of podInjects) {
        for (const podRev of podRevs) {
          for (const annotation of annotations) {
            for (const hostNetwork of [false, true]) rows.push({ ns: 'shop', nsInjection, nsRev, podInject, podRev, annotation, hostNetwork });
          }
        }
      }
    }
  }
  for (const ns of ['istio-system', 'kube-system', 'kube-node-lease', 'local-path-storage']) {
    for (const [nsInjection, nsRev] of [[undefined, undefined], ['enabled', undefined], [undefined, 'canary'], [undefined, 'prod']] as [Value, Value][]) {
      for (const [podInject, podRev] of [[undefined, undefined], ['true', undefined], [undefined, 'canary'], ['false', undefined]] as [Value, Value][]) {
        rows.push({ ns, nsInjection, nsRev, podInject, podRev, annotation: undefined, hostNetwork: false });
      }
    }
  }
  // dataplane-mode never changes injection (no selector and no istiod check reads it).
  for (const nsMode of ['ambient', 'none']) {
    for (const [nsInjection, nsRev] of [[undefined, undefined], ['enabled', undefined], [undefined, 'canary'], ['disabled', undefined]] as [Value, Value][]) {
      for (const [podInject, podRev] of [[undefined, undefined], ['true', undefined], [undefined, 'canary']] as [Value, Value][]) {
        rows.push({ ns: 'shop', nsInjection, nsRev, nsMode, podInject, podRev, annotation: undefined, hostNetwork: false });
      }
    }
  }
  return rows;
}

describe('decideInjection against Istio\'s rules (generated table, live istioctl webhooks)', () => {
  const rows = table();

  it(`agrees on every combination (${rows.length} rows)`, () => {
    assert.ok(rows.length >= 200);
    const wrong: string[] = [];
    for (const r of rows) {
      const want = expected(r);
      const got = decide(r);
      const same = got.injected === want.injected && got.reason.code === want.code && got.revision === want.revision
        && got.webhook?.configuration === want.configuration && got.confidence === 'exact';
      if (!same) wrong.push(`${describe_(r)}: want ${JSON.stringify(want)}, got ${JSON.stringify({ injected: got.injected, revision: got.revision, configuration: got.webhook?.configuration, code: got.reason.code })}`);
    }
    assert.deepEqual(wrong.slice(0, 10), [], `${wrong.length} of ${rows.length} rows disagree`);
  });

  it('has as many injected rows per revision as the closed form says', () => {
    const count = (f: (e: Expected) => boolean) => rows.filter((r) => f(expected(r))).length;
    assert.equal(rows.filter((r) => decide(r).revision === 'canary').length, count((e) => e.revision === 'canary'));
    assert.equal(rows.filter((r) => decide(r).revision === 'default').length, count((e) => e.revision === 'default'));
    assert.ok(count((e) => e.injected) > 0 && count((e) => !e.injected) > 0);
  });

  it('flags invalid values, shadowed pod revisions and ambient conflicts', () => {
    const base: Row = { ns: 'shop', nsInjection: 'enabled', nsRev: undefined, podInject: 'False', podRev: 'canary', annotation: undefined, hostNetwork: false };
    assert.deepEqual([...decide(base).warnings].sort(), ['invalidInjectValue', 'podRevisionShadowed']);
    assert.deepEqual([...decide({ ...base, podInject: undefined, podRev: undefined, nsMode: 'ambient' }).warnings].sort(), ['ambientConflict', 'multipleInjectionLabels']);
    assert.equal(decide({ ...base, nsInjection: undefined, nsMode: 'ambient', podInject: undefined, podRev: undefined }).dataplane, 'ambient');
  });
});

// Scenarios whose facts differ from the live layout: each row gives its expected result outright.
interface Scenario {
  readonly name: string;
  readonly mesh: MeshFacts;
  readonly ns?: Record<string, string>;
  readonly nsName?: string;
  readonly pod?: { labels?: Record<string, string>; annotations?: Record<string, string>; hostNetwork?: boolean };
  readonly want: { injected: boolean; code: ReasonCode; revision?: string };
}

const canaryOnly: MeshFacts = { entries: injectorEntries(istioctlInstalledWebhooks({ prodTag: false })).filter((e) => e.configuration !== 'istio-revision-tag-default'), source: 'cluster' };
const withPolicy = (policy: string, extra: object = {}): MeshFacts => ({ ...live, injectors: { canary: { policy, ...extra } } });

const scenarios: Scenario[] = [
  { name: 'nothing installed', mesh: { entries: [], source: 'cluster' }, ns: { 'istio-injection': 'enabled' }, want: { injected: false, code: 'noInjector' } },
  { name: 'only a revision: istio-injection=enabled has no injector', mesh: { entries: chartEntries(['canary']), source: 'cluster' }, ns: { 'istio-injection': 'enabled' }, want: { injected: false, code: 'noDefaultInjector' } },
  { name: 'only a revision: pod opt-in has no injector', mesh: { entries: chartEntries(['canary']), source: 'cluster' }, pod: { labels: { 'sidecar.istio.io/inject': 'true' } }, want: { injected: false, code: 'noDefaultInjector' } },
  { name: 'default tag removed: the deactivated default injector is all there is', mesh: canaryOnly, ns: { 'istio-injection': 'enabled' }, want: { injected: false, code: 'webhookDeactivated' } },
  { name: 'enableNamespacesByDefault injects an unlabelled namespace', mesh: { entries: chartEntries(['default'], [], { enableNamespacesByDefault: true }), source: 'cluster' }, want: { injected: true, code: 'allNamespaces', revision: 'default' } },
  { name: '... but not an ignored one (the auto entry excludes it)', mesh: { entries: chartEntries(['default'], [], { enableNamespacesByDefault: true }), source: 'cluster' }, nsName: 'kube-public', want: { injected: false, code: 'noLabels' } },
  {
    name: 'a custom webhook that selects by another label',
    mesh: { entries: [{ configuration: 'custom', name: 'x.sidecar-injector.istio.io', namespaceSelector: { matchLabels: { team: 'a' } }, revision: 'default', deactivated: false }], source: 'cluster' },
    ns: { team: 'a' }, want: { injected: true, code: 'otherWebhook', revision: 'default' },
  },
  { name: 'policy disabled: a plain pod is not injected', mesh: withPolicy('disabled'), ns: { 'istio.io/rev': 'canary' }, want: { injected: false, code: 'policyDisabled' } },
  { name: 'policy disabled: an explicit true is', mesh: withPolicy('disabled'), ns: { 'istio.io/rev': 'canary' }, pod: { labels: { 'sidecar.istio.io/inject': 'true' } }, want: { injected: true, code: 'namespaceRevision', revision: 'canary' } },
  { name: 'policy disabled: the always selector injects', mesh: withPolicy('disabled', { alwaysInjectSelector: [{ matchLabels: { team: 'x' } }] }), ns: { 'istio.io/rev': 'canary' }, pod: { labels: { team: 'x' } }, want: { injected: true, code: 'alwaysSelector', revision: 'canary' } },
  { name: 'policy invalid injects nothing', mesh: withPolicy('Enabled'), ns: { 'istio.io/rev': 'canary' }, pod: { labels: { 'sidecar.istio.io/inject': 'true' } }, want: { injected: false, code: 'policyInvalid' } },
  { name: 'never selector, without an explicit value', mesh: withPolicy('enabled', { neverInjectSelector: [{ matchLabels: { team: 'x' } }] }), ns: { 'istio.io/rev': 'canary' }, pod: { labels: { team: 'x' } }, want: { injected: false, code: 'neverSelector' } },
  { name: 'never selector loses to an explicit true', mesh: withPolicy('enabled', { neverInjectSelector: [{ matchLabels: { team: 'x' } }] }), ns: { 'istio.io/rev': 'canary' }, pod: { labels: { team: 'x', 'sidecar.istio.io/inject': 'true' } }, want: { injected: true, code: 'namespaceRevision', revision: 'canary' } },
  { name: 'an empty never selector matches nothing', mesh: withPolicy('enabled', { neverInjectSelector: [{}] }), ns: { 'istio.io/rev': 'canary' }, want: { injected: true, code: 'namespaceRevision', revision: 'canary' } },
  { name: 'ns rev default is the default tag\'s', mesh: live, ns: { 'istio.io/rev': 'default' }, want: { injected: true, code: 'namespaceRevision', revision: 'default' } },
];

describe('decideInjection in other meshes', () => {
  for (const s of scenarios) {
    it(s.name, () => {
      const got = decideInjection({ name: s.nsName ?? 'shop', labels: s.ns }, s.pod ?? {}, s.mesh);
      assert.deepEqual({ injected: got.injected, code: got.reason.code, ...(got.revision ? { revision: got.revision } : {}) }, s.want);
      assert.ok(got.reason.sentence.length > 10);
    });
  }

  it('covers every reason code across the table and the scenarios', () => {
    const codes = new Set<ReasonCode>([...table().map((r) => expected(r).code), ...scenarios.map((s) => s.want.code)]);
    const all: ReasonCode[] = [
      'namespaceLabel', 'namespaceRevision', 'podRevision', 'podOptIn', 'allNamespaces', 'otherWebhook', 'alwaysSelector',
      'noInjector', 'noLabels', 'namespaceDisabled', 'namespaceRevisionUnknown', 'podRevisionUnknown', 'noDefaultInjector', 'webhookDeactivated',
      'optOutLabel', 'annotationCannotOptIn', 'hostNetwork', 'ignoredNamespace', 'optOutAnnotation', 'neverSelector', 'policyDisabled', 'policyInvalid',
    ];
    assert.deepEqual(all.filter((c) => !codes.has(c)), []);
  });

  it('reports two webhooks matching, and the last to inject leaves its revision', () => {
    const entries = [...chartEntries(['default']), ...chartEntries(['default']).map((e) => ({ ...e, configuration: 'zz-copy', revision: 'other' }))];
    const got = decideInjection({ name: 'shop', labels: { 'istio-injection': 'enabled' } }, {}, { entries, source: 'cluster' });
    assert.equal(got.injected, true);
    assert.equal(got.revision, 'other');
    assert.ok(got.warnings.includes('multipleWebhooks'));
  });

  it('says native when the pod or istiod asks for it', () => {
    const ns = { name: 'shop', labels: { 'istio.io/rev': 'canary' } };
    assert.equal(decideInjection(ns, {}, live).native, 'unknown');
    assert.equal(decideInjection(ns, {}, { ...live, injectors: { canary: { nativeSidecars: 'false' } } }).native, false);
    assert.equal(decideInjection(ns, { annotations: { 'sidecar.istio.io/nativeSidecar': 'true' } }, { ...live, injectors: { canary: { nativeSidecars: 'false' } } }).native, true);
    assert.equal(decideInjection(ns, { annotations: { 'sidecar.istio.io/nativeSidecar': 'false' } }, { ...live, injectors: { canary: { nativeSidecars: 'true' } } }).native, false);
  });
});

describe('chartEntries', () => {
  it('renders the same selectors as the live webhooks istioctl leaves (deactivated injector aside)', () => {
    const rendered = chartEntries(['default', 'canary'], [{ name: 'default', revision: 'default' }, { name: 'prod', revision: 'canary' }]);
    const liveActive = live.entries.filter((e) => !e.deactivated);
    assert.deepEqual(rendered, liveActive);
  });
});

describe('namespaceInjection', () => {
  const state = (name: string, l: Record<string, string>, mesh = live) => namespaceInjection({ name, labels: l }, mesh).state;

  it('reads the states the tree shows', () => {
    assert.equal(state('shop', { 'istio-injection': 'enabled' }), 'on');
    assert.equal(state('shop', { 'istio.io/rev': 'prod' }), 'on');
    assert.equal(state('shop', { 'istio-injection': 'disabled' }), 'off');
    assert.equal(state('shop', { 'istio-injection': 'true' }), 'off');
    assert.equal(state('shop', {}), 'none');
    assert.equal(state('shop', { 'istio.io/rev': 'nope' }), 'unserved');
    assert.equal(state('shop', { 'istio-injection': 'enabled' }, canaryOnly), 'unserved');
    assert.equal(state('shop', { 'istio-injection': 'enabled', 'istio.io/rev': 'canary' }), 'conflict');
    assert.equal(state('shop', { 'istio.io/dataplane-mode': 'ambient' }), 'ambient');
    assert.equal(state('kube-system', { 'istio-injection': 'enabled' }), 'system');
    // istio-system is not special to the injector: labelled, it injects its pods without an opt-out.
    assert.equal(state('istio-system', { 'istio-injection': 'enabled' }), 'on');
    assert.equal(state('istio-system', {}), 'none');
  });

  it('says what opts in where the namespace does not inject', () => {
    const n = namespaceInjection({ name: 'shop', labels: {} }, live);
    assert.equal(n.plain.injected, false);
    assert.equal(n.optIn.injected, true);
    assert.match(n.reason, /Pods with sidecar.istio.io\/inject="true" get one/);
  });
});

describe('multipleInjectionLabels (IST0123)', () => {
  const set = (l: Record<string, string>, name = 'ns') => multipleInjectionLabels({ name, labels: l });

  it('collects the labels exactly as Istio\'s analyzer does', () => {
    assert.deepEqual(set({ 'istio-injection': 'enabled', 'istio.io/rev': 'canary' }), ['istio-injection=enabled', 'istio.io/rev=canary']);
    assert.deepEqual(set({ 'istio-injection': 'enabled', 'istio.io/dataplane-mode': 'ambient' }), ['istio-injection=enabled', 'istio.io/dataplane-mode=ambient']);
    assert.deepEqual(set({ 'istio.io/rev': 'test', 'istio.io/dataplane-mode': 'ambient' }), ['istio.io/rev=test', 'istio.io/dataplane-mode=ambient']);
    assert.deepEqual(set({ 'istio-injection': 'enabled', 'istio.io/dataplane-mode': 'none' }), ['istio-injection=enabled', 'istio.io/dataplane-mode=none']);
    assert.deepEqual(set({ 'istio-injection': 'disabled', 'istio.io/rev': 'test' }), ['istio-injection=disabled']);
    assert.deepEqual(set({ 'istio-injection': 'disabled', 'istio.io/dataplane-mode': 'ambient' }), ['istio-injection=disabled']);
    assert.deepEqual(set({ 'istio-injection': 'enabled', 'istio.io/rev': 'canary' }, 'istio-system'), []);
  });
});

describe('decideFromManifests (for the YAML rules)', () => {
  it('assumes the named revisions without a cluster, and uses the known ones with one', () => {
    assert.equal(decideFromManifests({ name: 'shop', labels: { 'istio.io/rev': 'canary' } }, {}).injected, true);
    assert.equal(decideFromManifests({ name: 'shop', labels: { 'istio.io/rev': 'canary' } }, {}, { revisions: ['default'] }).reason.code, 'namespaceRevisionUnknown');
    assert.equal(decideFromManifests({ name: 'shop', labels: { 'istio.io/rev': 'prod' } }, {}, { revisions: ['canary'], tags: [{ name: 'prod', revision: 'canary' }] }).revision, 'canary');
    assert.equal(decideFromManifests({ name: 'shop' }, { labels: { 'sidecar.istio.io/inject': 'true' }, hostNetwork: true }).reason.code, 'hostNetwork');
    assert.equal(decideFromManifests({ name: 'shop' }, {}).confidence, 'assumed');
  });
});
