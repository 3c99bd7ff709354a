import * as assert from 'node:assert/strict';
import { namespaceInjection, podShouldHaveSidecar, type InjectionState } from '../../../src/mesh/injection';
import { pod } from '../../builders/kube';

describe('namespace injection rules', () => {
  const table: [string, string, Record<string, string>, InjectionState, boolean, string?][] = [
    ['exact enabled', 'shop', { 'istio-injection': 'enabled' }, 'on', true, 'default'],
    ['"true" does not enable', 'shop', { 'istio-injection': 'true' }, 'off', false],
    ['"Enabled" (case) does not enable', 'shop', { 'istio-injection': 'Enabled' }, 'off', false],
    ['disabled', 'shop', { 'istio-injection': 'disabled' }, 'off', false],
    ['revision label', 'shop', { 'istio.io/rev': 'canary' }, 'on', true, 'canary'],
    ['both labels, istio-injection enabled wins', 'shop', { 'istio-injection': 'enabled', 'istio.io/rev': 'canary' }, 'conflict', true, 'default'],
    ['both labels, istio-injection disabled wins', 'shop', { 'istio-injection': 'disabled', 'istio.io/rev': 'canary' }, 'conflict', false],
    ['ambient', 'shop', { 'istio.io/dataplane-mode': 'ambient' }, 'ambient', false],
    ['ambient plus sidecar injection: sidecar wins', 'shop', { 'istio.io/dataplane-mode': 'ambient', 'istio-injection': 'enabled' }, 'on', true, 'default'],
    ['dataplane-mode none', 'shop', { 'istio.io/dataplane-mode': 'none' }, 'none', false],
    ['no labels', 'shop', {}, 'none', false],
    ['kube-system even if labelled', 'kube-system', { 'istio-injection': 'enabled' }, 'system', false],
    ['kube-public', 'kube-public', {}, 'system', false],
    ['kube-node-lease', 'kube-node-lease', {}, 'system', false],
    ['local-path-storage', 'local-path-storage', {}, 'system', false],
    ['control-plane namespace', 'istio-system', {}, 'system', false],
  ];
  for (const [title, name, labels, state, injects, revision] of table) {
    it(title, () => {
      const result = namespaceInjection(name, labels, new Set(['istio-system']));
      assert.equal(result.state, state);
      assert.equal(result.injects, injects);
      assert.equal(result.revision, revision);
      assert.ok(result.reason.length > 0);
    });
  }

  it('explains the conflict with the analyzer code', () => {
    assert.match(namespaceInjection('a', { 'istio-injection': 'enabled', 'istio.io/rev': 'x' }).reason, /IST0123/);
  });
});

describe('pod injection rules', () => {
  const on = namespaceInjection('shop', { 'istio-injection': 'enabled' });
  const off = namespaceInjection('shop', { 'istio-injection': 'disabled' });
  const none = namespaceInjection('shop', {});
  const system = namespaceInjection('kube-system', {});

  const table: [string, Parameters<typeof pod>[1], typeof on, boolean][] = [
    ['injected namespace', {}, on, true],
    ['opt-out label', { labels: { 'sidecar.istio.io/inject': 'false' } }, on, false],
    ['opt-out with deprecated annotation', { annotations: { 'sidecar.istio.io/inject': 'false' } }, on, false],
    ['label wins over annotation', { labels: { 'sidecar.istio.io/inject': 'true' }, annotations: { 'sidecar.istio.io/inject': 'false' } }, on, true],
    ['any other value opts out', { labels: { 'sidecar.istio.io/inject': 'nope' } }, on, false],
    ['"YES" opts in (any case)', { labels: { 'sidecar.istio.io/inject': 'YES' } }, on, true],
    ['hostNetwork never', { hostNetwork: true }, on, false],
    ['disabled namespace ignores opt-in', { labels: { 'sidecar.istio.io/inject': 'true' } }, off, false],
    ['unlabelled namespace: opt-in label "true"', { labels: { 'sidecar.istio.io/inject': 'true' } }, none, true],
    ['unlabelled namespace: annotation alone does not opt in', { annotations: { 'sidecar.istio.io/inject': 'true' } }, none, false],
    ['unlabelled namespace: pod revision label', { labels: { 'istio.io/rev': 'canary' } }, none, true],
    ['unlabelled namespace: nothing', {}, none, false],
    ['system namespace never', { labels: { 'sidecar.istio.io/inject': 'true' } }, system, false],
  ];
  for (const [title, options, ns, expected] of table) {
    it(title, () => assert.equal(podShouldHaveSidecar(pod('p', options), ns), expected));
  }
});
