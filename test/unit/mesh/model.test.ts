import * as assert from 'node:assert/strict';
import { buildControlPlane } from '../../../src/mesh/controlPlane';
import { buildNamespace } from '../../../src/mesh/namespaces';
import { injectorWebhookConfiguration, istioctlInstalledWebhooks } from '../../builders/injection';
import { crd, daemonSet, deployment, istiod, mutatingWebhook, namespace, pod, service } from '../../builders/kube';

const empty = { deployments: [], daemonSets: [], services: [], webhooks: [], crdNames: [] };

describe('control plane model', () => {
  it('is not installed without istiod or Pilot', () => {
    const cp = buildControlPlane({ ...empty, deployments: [deployment('web')] });
    assert.equal(cp.installed, false);
    assert.equal(cp.version, undefined);
  });

  it('finds istiod per revision with version, readiness and tags', () => {
    const cp = buildControlPlane({
      ...empty,
      deployments: [istiod({ version: '1.22.3' }), istiod({ revision: '1-23-0', version: '1.23.0-distroless', replicas: 2, ready: 1 })],
      webhooks: [
        mutatingWebhook('istio-sidecar-injector', { revision: 'default' }),
        mutatingWebhook('istio-revision-tag-prod', { revision: '1-23-0', tag: 'prod' }),
        mutatingWebhook('unrelated', { webhookNames: ['x.example.com'] }),
      ],
    });
    assert.equal(cp.installed, true);
    assert.deepEqual(cp.namespaces, ['istio-system']);
    assert.deepEqual(cp.revisions.map((r) => [r.revision, r.version, `${r.ready}/${r.desired}`, r.tags]), [
      ['default', '1.22.3', '1/1', []], ['1-23-0', '1.23.0', '1/2', ['prod']],
    ]);
    assert.deepEqual(cp.tags, [{ name: 'prod', revision: '1-23-0' }]);
    assert.equal(cp.version, '1.22.3');
    assert.deepEqual(cp.webhooks.map((w) => w.name), ['istio-revision-tag-prod', 'istio-sidecar-injector']);
  });

  it('describes gateways with their service type and ports', () => {
    const cp = buildControlPlane({
      ...empty,
      deployments: [
        istiod(),
        deployment('istio-ingressgateway', { namespace: 'istio-system', labels: { istio: 'ingressgateway' }, containers: [{ name: 'istio-proxy', image: 'docker.io/istio/proxyv2:1.22.3' }] }),
        deployment('istio-egressgateway', { namespace: 'istio-system', labels: { istio: 'egressgateway' } }),
      ],
      services: [service('istio-ingressgateway', { namespace: 'istio-system', type: 'NodePort', ports: [{ name: 'http2', port: 80, nodePort: 31380 }] })],
    });
    assert.deepEqual(cp.gateways.map((g) => [g.name, g.direction, g.serviceType, g.ports.map((p) => p.nodePort ?? p.port), g.version]), [
      ['istio-egressgateway', 'egress', undefined, [], '1.0'],
      ['istio-ingressgateway', 'ingress', 'NodePort', [31380], '1.22.3'],
    ]);
  });

  it('finds CNI, ztunnel, addons in the control-plane namespace, legacy components and Istio CRDs', () => {
    const cp = buildControlPlane({
      deployments: [
        istiod(), deployment('kiali', { namespace: 'istio-system' }), deployment('grafana', { namespace: 'istio-system' }),
        deployment('prometheus', { namespace: 'istio-system' }), deployment('jaeger', { namespace: 'istio-system' }),
        deployment('grafana', { namespace: 'monitoring' }),
      ],
      daemonSets: [daemonSet('istio-cni-node', { namespace: 'kube-system', replicas: 3, ready: 2 }), daemonSet('ztunnel', { namespace: 'istio-system' })],
      services: [], webhooks: [],
      crdNames: [crd('virtualservices.networking.istio.io'), crd('gateways.gateway.networking.k8s.io'), crd('peerauthentications.security.istio.io')].map((c) => c.metadata.name),
    });
    assert.deepEqual(cp.addons.map((a) => a.title), ['Grafana', 'Jaeger', 'Kiali', 'Prometheus']);
    assert.equal(`${cp.cni?.ready}/${cp.cni?.desired}`, '2/3');
    assert.equal(cp.ztunnel?.namespace, 'istio-system');
    assert.deepEqual(cp.crds, ['peerauthentications.security.istio.io', 'virtualservices.networking.istio.io']);
  });

  it('recognises a pre-1.5 install by its legacy components', () => {
    const legacy = ['istio-pilot', 'istio-policy', 'istio-telemetry', 'istio-citadel', 'istio-galley', 'istio-sidecar-injector']
      .map((n) => deployment(n, { namespace: 'istio-system', image: `docker.io/istio/${n.slice(6)}:1.4.6` }));
    const cp = buildControlPlane({ ...empty, deployments: legacy });
    assert.equal(cp.installed, true);
    assert.equal(cp.version, '1.4.6');
    assert.deepEqual(cp.legacy.map((c) => c.name), ['istio-citadel', 'istio-galley', 'istio-pilot', 'istio-policy', 'istio-sidecar-injector', 'istio-telemetry']);
    assert.deepEqual(cp.revisions, []);
  });

  it('reads the injector webhooks, deactivated ones included, and assumes the chart\'s when RBAC hides them', () => {
    const cp = buildControlPlane({ ...empty, deployments: [istiod(), istiod({ revision: 'canary' })], webhooks: istioctlInstalledWebhooks() });
    assert.deepEqual(cp.webhooks.map((w) => [w.name, w.revision, w.tag, w.deactivated]), [
      ['istio-revision-tag-default', 'default', 'default', false], ['istio-revision-tag-prod', 'canary', 'prod', false],
      ['istio-sidecar-injector', 'default', undefined, true], ['istio-sidecar-injector-canary', 'canary', undefined, false],
    ]);
    assert.equal(cp.injection.source, 'cluster');
    const hidden = buildControlPlane({ ...empty, deployments: [istiod(), istiod({ revision: 'canary' })], webhooksHidden: true });
    assert.equal(hidden.injection.source, 'chart');
    assert.deepEqual([...new Set(hidden.injection.entries.map((e) => e.configuration))], ['istio-sidecar-injector', 'istio-sidecar-injector-canary']);
  });
});

describe('namespace model', () => {
  const cp = buildControlPlane({
    ...empty,
    deployments: [istiod({ version: '1.22.3' }), istiod({ revision: 'canary', version: '1.23.0' })],
    webhooks: [injectorWebhookConfiguration('default'), injectorWebhookConfiguration('canary')],
  });

  it('groups pods under their workloads and counts sidecars', () => {
    const model = buildNamespace({
      namespace: namespace('shop', { 'istio-injection': 'enabled' }),
      workloads: [deployment('web', { namespace: 'shop', replicas: 2 }), deployment('db', { namespace: 'shop' })],
      pods: [
        pod('web-1', { namespace: 'shop', owner: { kind: 'Deployment', name: 'web' }, sidecar: true }),
        pod('web-2', { namespace: 'shop', owner: { kind: 'Deployment', name: 'web' }, sidecar: true }),
        pod('db-1', { namespace: 'shop', owner: { kind: 'Deployment', name: 'db' } }),
        pod('job-1', { namespace: 'shop', owner: { kind: 'Job', name: 'migrate' }, phase: 'Succeeded' }),
      ],
    }, cp);
    assert.equal(model.injection.state, 'on');
    assert.deepEqual(model.workloads.map((w) => [w.name, w.pods.length, w.withSidecar, w.needsRestart]), [['db', 1, 0, true], ['web', 2, 2, false]]);
    assert.deepEqual(model.otherPods.map((p) => [p.name, p.needsRestart]), [['job-1', false]]);
    assert.equal(model.podCount, 4);
    assert.equal(model.sidecarPods, 2);
    assert.equal(model.restartNeeded, 1);
    const web1 = model.workloads[1]!.pods[0]!;
    assert.equal(`${web1.ready}/${web1.total}`, '2/2');
  });

  it('counts a native sidecar (init container, restartPolicy Always) as a sidecar and a container', () => {
    const model = buildNamespace({ namespace: namespace('shop', { 'istio-injection': 'enabled' }), workloads: [], pods: [pod('p', { namespace: 'shop', sidecar: 'native' })] }, cp);
    const p = model.otherPods[0]!;
    assert.equal(p.hasSidecar, true);
    assert.equal(p.nativeSidecar, true);
    assert.equal(`${p.ready}/${p.total}`, '2/2');
    assert.equal(p.needsRestart, false);
  });

  it('does not ask to restart opted-out, hostNetwork, terminating pods or pods of non-injected namespaces', () => {
    const injected = namespace('shop', { 'istio-injection': 'enabled' });
    const pods = [
      pod('opt-out', { namespace: 'shop', labels: { 'sidecar.istio.io/inject': 'false' } }),
      pod('host', { namespace: 'shop', hostNetwork: true }),
      pod('leaving', { namespace: 'shop', terminating: true }),
    ];
    assert.equal(buildNamespace({ namespace: injected, workloads: [], pods }, cp).restartNeeded, 0);
    const plain = buildNamespace({ namespace: namespace('plain'), workloads: [], pods: [pod('a', { namespace: 'plain' })] }, cp);
    assert.equal(plain.restartNeeded, 0);
    assert.equal(plain.injection.state, 'none');
  });

  it('flags a proxy older than its revision after an upgrade', () => {
    const model = buildNamespace({
      namespace: namespace('shop', { 'istio.io/rev': 'canary' }),
      workloads: [deployment('web', { namespace: 'shop' })],
      pods: [
        pod('old', { namespace: 'shop', owner: { kind: 'Deployment', name: 'web' }, sidecar: true, injectedBy: 'canary', proxyImage: 'docker.io/istio/proxyv2:1.22.3' }),
        pod('new', { namespace: 'shop', owner: { kind: 'Deployment', name: 'web' }, sidecar: true, injectedBy: 'canary', proxyImage: 'docker.io/istio/proxyv2:1.23.0-debug' }),
      ],
    }, cp);
    // A -debug proxy of the same version is current: one version parser for istiod and proxies.
    assert.deepEqual(model.workloads[0]!.pods.map((p) => [p.name, p.proxyVersion, p.expectedProxyVersion, p.needsRestart]), [['new', '1.23.0', undefined, false], ['old', '1.22.3', '1.23.0', false]]);
    assert.equal(model.workloads[0]!.proxyVersionMismatch, true);
    assert.equal(model.versionMismatches, 1);
  });

  it('marks a terminating namespace', () => {
    assert.equal(buildNamespace({ namespace: namespace('gone', {}, { terminating: true }), workloads: [], pods: [] }, cp).terminating, true);
  });
});
