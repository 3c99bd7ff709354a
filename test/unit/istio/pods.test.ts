import assert from 'node:assert/strict';
import type { Pod } from '../../../src/cluster/types';
import { decideInjection } from '../../../src/istio/injection';
import { podReadiness, podSidecar, proxyState, restartNeed } from '../../../src/istio/pods';
import { istioImageVersion } from '../../../src/istio/version';
import { chartEntries } from '../../../src/istio/webhooks';
import { pod } from '../../builders/kube';

const running = { running: {} };

describe('podReadiness (kubectl READY)', () => {
  const withStatus = (p: Pod, status: Pod['status']): Pod => ({ ...p, status });

  it('counts regular containers that are ready and running', () => {
    assert.deepEqual(podReadiness(pod('a', { sidecar: true })), { ready: 2, total: 2 });
    const p = pod('a', { sidecar: true });
    assert.deepEqual(podReadiness(withStatus(p, { ...p.status, containerStatuses: p.status!.containerStatuses!.map((s) => ({ ...s, state: { waiting: { reason: 'ContainerCreating' } } })) })), { ready: 0, total: 2 });
  });

  it('counts every native sidecar, ready only once started', () => {
    const p = pod('a', { sidecar: 'native' });
    p.spec.initContainers!.push({ name: 'log-shipper', image: 'x', restartPolicy: 'Always' });
    p.status!.initContainerStatuses!.push({ name: 'log-shipper', ready: true, started: true, state: running });
    assert.deepEqual(podReadiness(p), { ready: 3, total: 3 });
    p.status!.initContainerStatuses![1] = { name: 'log-shipper', ready: true, started: false, state: running };
    // Not started: the pod is still initializing and the Initialized condition is not yet true.
    p.status!.conditions = [{ type: 'Initialized', status: 'False' }];
    assert.deepEqual(podReadiness(p), { ready: 1, total: 3 });
  });

  it('skips finished init containers and stops at one still running', () => {
    const p = pod('a', { phase: 'Pending' });
    p.spec.initContainers = [{ name: 'istio-init', image: 'x' }, { name: 'migrate', image: 'y' }];
    p.status = {
      phase: 'Pending', conditions: [{ type: 'Initialized', status: 'False' }],
      initContainerStatuses: [{ name: 'istio-init', ready: false, state: { terminated: { exitCode: 0 } } }, { name: 'migrate', ready: false, state: running }],
      containerStatuses: [{ name: 'app', ready: false, state: { waiting: { reason: 'PodInitializing' } } }],
    };
    assert.deepEqual(podReadiness(p), { ready: 0, total: 1 });
  });
});

describe('podSidecar', () => {
  it('reads the injected revision from the status annotation, else the istio.io/rev annotation', () => {
    assert.deepEqual(podSidecar(pod('a', { sidecar: true, injectedBy: 'canary' })), {
      present: true, native: false, injected: true, injectedRevision: 'canary', image: 'docker.io/istio/proxyv2:1.22.3',
    });
    const annotated = pod('a', { annotations: { 'istio.io/rev': 'blue' } });
    annotated.spec.containers.push({ name: 'istio-proxy', image: 'proxyv2:1.22.3' });
    assert.equal(podSidecar(annotated).injectedRevision, 'blue');
    assert.equal(podSidecar(annotated).injected, false);
    assert.equal(podSidecar(pod('a', { annotations: { 'sidecar.istio.io/status': '{not json' } })).injectedRevision, undefined);
  });

  it('takes a native sidecar for one, not an istio-proxy init container that runs to completion', () => {
    assert.equal(podSidecar(pod('a', { sidecar: 'native' })).native, true);
    const init = pod('a');
    init.spec.initContainers = [{ name: 'istio-proxy', image: 'x' }];
    assert.equal(podSidecar(init).present, false);
  });
});

describe('restartNeed and proxyState', () => {
  const entries = chartEntries(['default', 'canary']);
  const decide = (labels: Record<string, string>, source: 'cluster' | 'chart' = 'cluster') => decideInjection({ name: 'shop', labels }, {}, { entries, source });
  const installed = { resolve: (n: string) => ({ default: { revision: 'default', version: '1.22.3' }, canary: { revision: 'canary', version: '1.23.0' } } as Record<string, { revision: string; version: string }>)[n], any: true };

  it('names the three reasons a restart changes a pod', () => {
    assert.equal(restartNeed(decide({ 'istio-injection': 'enabled' }), podSidecar(pod('a'))), 'missing');
    assert.equal(restartNeed(decide({ 'istio-injection': 'disabled' }), podSidecar(pod('a', { sidecar: true }))), 'unwanted');
    assert.equal(restartNeed(decide({ 'istio.io/rev': 'canary' }), podSidecar(pod('a', { sidecar: true, injectedBy: 'default' }))), 'revisionChanged');
    assert.equal(restartNeed(decide({ 'istio.io/rev': 'canary' }), podSidecar(pod('a', { sidecar: true, injectedBy: 'canary' }))), undefined);
  });

  it('leaves gateways (istio-proxy in their own spec, no status annotation) alone', () => {
    const gateway = pod('gw', { labels: { 'sidecar.istio.io/inject': 'false' } });
    gateway.spec.containers = [{ name: 'istio-proxy', image: 'proxyv2:1.22.3' }];
    assert.equal(restartNeed(decide({}), podSidecar(gateway)), undefined);
  });

  it('only says "missing" when the webhooks are assumed', () => {
    assert.equal(restartNeed(decide({ 'istio-injection': 'disabled' }, 'chart'), podSidecar(pod('a', { sidecar: true }))), undefined);
    assert.equal(restartNeed(decide({ 'istio-injection': 'enabled' }, 'chart'), podSidecar(pod('a'))), 'missing');
  });

  it('compares a proxy with the revision that injected it, tags resolved', () => {
    const state = (p: Pod) => proxyState(p, podSidecar(p), decide({ 'istio.io/rev': 'canary' }), installed);
    assert.deepEqual(state(pod('a', { sidecar: true, injectedBy: 'canary', proxyImage: 'proxyv2:1.23.0-distroless' })), { state: 'current', version: '1.23.0' });
    assert.deepEqual(state(pod('a', { sidecar: true, injectedBy: 'default', proxyImage: 'proxyv2:1.22.3' })), { state: 'current', version: '1.22.3' });
    assert.deepEqual(state(pod('a', { sidecar: true, injectedBy: 'canary', proxyImage: 'proxyv2:1.22.3' })), { state: 'outdated', version: '1.22.3', expected: '1.23.0', revision: 'canary' });
    assert.deepEqual(state(pod('a', { sidecar: true, injectedBy: 'gone', proxyImage: 'proxyv2:1.21.0' })), { state: 'orphaned', version: '1.21.0', revision: 'gone' });
    assert.equal(state(pod('a', { sidecar: true, injectedBy: 'canary', proxyImage: 'proxyv2:1.22.3', annotations: { 'sidecar.istio.io/proxyImage': 'my/proxy:1' } }))?.state, 'unknown');
    assert.equal(state(pod('a')), undefined);
  });
});

describe('istioImageVersion', () => {
  const table: [string | undefined, string | undefined][] = [
    ['docker.io/istio/pilot:1.22.3', '1.22.3'],
    ['gcr.io/istio-release/pilot:1.23.0-distroless', '1.23.0'],
    ['docker.io/istio/proxyv2:1.29.0-debug', '1.29.0'],
    ['localhost:5000/istio/pilot:1.24.0-beta.1', '1.24.0-beta.1'],
    ['localhost:5000/istio/pilot:1.24.0-rc.0-distroless', '1.24.0-rc.0'],
    ['istio/pilot:1.31-dev', '1.31-dev'],
    ['istio/pilot:v1.29.0', '1.29.0'],
    ['istio/pilot:1.29.0@sha256:abc', '1.29.0'],
    ['istio/pilot@sha256:abc', undefined],
    ['localhost:5000/pilot', undefined],
    ['istio/pilot:latest', undefined],
    ['istio/pilot:custom', undefined],
    [undefined, undefined],
  ];
  for (const [image, version] of table) it(`${image} → ${version}`, () => assert.equal(istioImageVersion(image), version));
});
