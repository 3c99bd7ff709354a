import assert from 'node:assert/strict';
import { addonObjects, describeObject, strictMtlsPolicy } from '../../../src/install/addons';
import { controlPlaneRevisions, deploymentReady, namespacesUsingSelectors } from '../../../src/install/controlPlane';
import { revisionTag } from '../../../src/istio/names';
import { DEFAULT_OPTIONS, type InstallOptions } from '../../../src/install/options';
import { buildPlan, classifyAction, describeOptionChanges, installRecord, optionsFromRecord } from '../../../src/install/plan';
import { istiodDeployment } from '../../builders/install';

const target = { kubeconfig: '', context: 'testbed' };
const opts = (o: Partial<InstallOptions> = {}): InstallOptions => ({ ...DEFAULT_OPTIONS, ...o });

describe('control plane state', () => {
  it('reads revisions, versions and readiness from istiod deployments', () => {
    const revisions = controlPlaneRevisions([
      istiodDeployment({ revision: 'canary', image: 'docker.io/istio/pilot:1.29.0-distroless', ready: false }),
      istiodDeployment({ image: 'gcr.io/istio-release/pilot:1.28.2' }),
    ]);
    assert.deepEqual(revisions.map((r) => [r.revision, r.deployment, r.version, r.ready]), [
      ['canary', 'istiod-canary', '1.29.0', false],
      ['default', 'istiod', '1.28.2', true],
    ]);
  });

  it('applies the rollout rule: old generation or missing replicas is not ready', () => {
    const d = istiodDeployment({});
    assert.equal(deploymentReady(d), true);
    assert.equal(deploymentReady({ ...d, metadata: { ...d.metadata, generation: 3 } }), false);
    assert.deepEqual(['localhost:5000/istio/pilot@sha256:abc', 'pilot', 'registry.istio.io/testing/pilot:latest', 'istio/pilot:1.31-dev']
      .map((image) => controlPlaneRevisions([istiodDeployment({ image })])[0].version), ['', '', '', '1.31-dev']);
    const deleting = istiodDeployment({});
    deleting.metadata.deletionTimestamp = '2026-01-01T00:00:00Z';
    assert.deepEqual(controlPlaneRevisions([deleting]), []);
  });
});

describe('install plan', () => {
  it('classifies install, reconfigure, upgrade and canary', () => {
    const installed = controlPlaneRevisions([istiodDeployment({ image: 'istio/pilot:1.28.2' })]);
    assert.equal(classifyAction([], '', '1.29.0'), 'install');
    assert.equal(classifyAction(installed, '', '1.28.2'), 'reconfigure');
    assert.equal(classifyAction(installed, '', '1.29.0'), 'upgrade');
    assert.equal(classifyAction(installed, 'canary', '1.29.0'), 'canary');
  });

  it('plans the command line, the objects, and names what is installed', () => {
    const existing = controlPlaneRevisions([istiodDeployment({ image: 'istio/pilot:1.28.2' })]);
    const plan = buildPlan({
      target, istioctlPath: '/usr/local/bin/istioctl', istioctlVersion: '1.29.0', existing, findings: [],
      options: opts({ profile: 'demo', strictMtls: true, addons: ['kiali', 'prometheus'], gatewayServiceType: 'NodePort' }),
      lastApplied: opts({ profile: 'default' }),
    });
    assert.equal(plan.action, 'upgrade');
    assert.equal(plan.commandLine,
      '/usr/local/bin/istioctl install -y --set profile=demo --set values.gateways.istio-ingressgateway.type=NodePort --readiness-timeout 300s --context testbed');
    assert.deepEqual(plan.installArgs, ['install', '-y', '--set', 'profile=demo', '--set', 'values.gateways.istio-ingressgateway.type=NodePort', '--readiness-timeout', '300s', '--context', 'testbed']);
    assert.match(plan.summary[0], /Upgrades revision default in place: 1\.28\.2 .* → 1\.29\.0/);
    assert.match(plan.summary[1], /profile default → demo.*strict mTLS off → on.*addons added: kiali, prometheus/);
    assert.ok(plan.summary.some((l) => l.startsWith('Command: /usr/local/bin/istioctl install -y')));
    const names = plan.objects.map(describeObject);
    assert.ok(names.includes('PeerAuthentication istio-system/default'));
    assert.ok(names.includes('Deployment istio-system/kiali') && names.includes('Deployment istio-system/prometheus'));
    assert.equal(names.at(-1), 'ConfigMap istio-system/istio-mesh-install');
    assert.ok(names.indexOf('Deployment istio-system/prometheus') < names.indexOf('Deployment istio-system/kiali'));
  });

  it('says when nothing changed since the last install', () => {
    const existing = controlPlaneRevisions([istiodDeployment({ image: 'istio/pilot:1.29.0' })]);
    const plan = buildPlan({ target, istioctlPath: 'istioctl', istioctlVersion: '1.29.0', existing, findings: [], options: opts(), lastApplied: opts() });
    assert.equal(plan.action, 'reconfigure');
    assert.match(plan.summary[0], /already installed: 1\.29\.0 \(revision default, 1\/1 ready\)/);
    assert.equal(plan.summary[1], 'Same options as the last install.');
  });

  it('plans a canary beside the installed revision', () => {
    const existing = controlPlaneRevisions([istiodDeployment({ image: 'istio/pilot:1.28.2' })]);
    const plan = buildPlan({ target, istioctlPath: 'istioctl', istioctlVersion: '1.29.0', existing, findings: [{ level: 'warning', source: 'versions', message: 'careful' }], options: opts({ revision: 'canary' }) });
    assert.equal(plan.action, 'canary');
    assert.match(plan.summary[0], /Adds revision canary .* beside 1\.28\.2.*istio\.io\/rev=canary/);
    assert.ok(plan.summary.includes('⚠ careful'));
    assert.equal(plan.objects.at(-1)!.metadata.name, 'istio-mesh-install-canary');
  });

  it('records the options on the cluster and reads them back', () => {
    const o = opts({ profile: 'minimal', addons: ['grafana'], setValues: ['a=b'] });
    assert.deepEqual(optionsFromRecord(installRecord(o, '1.29.0')), o);
    assert.equal(optionsFromRecord(undefined), undefined);
    assert.equal(optionsFromRecord({ metadata: { name: 'x' }, data: { 'options.json': '{broken' } }), undefined);
  });

  it('describes option changes including removed addons and values', () => {
    assert.deepEqual(describeOptionChanges(opts({ addons: ['kiali'], setValues: ['a=1'] }), opts({ setValues: ['a=2'] })), [
      'addons no longer chosen (left installed): kiali', '--set added: a=2', '--set removed: a=1',
    ]);
  });
});

describe('addon and mTLS objects', () => {
  it('builds labelled Deployments and Services for each addon, out of the mesh', () => {
    const objects = addonObjects(['kiali', 'grafana', 'prometheus', 'tracing'], 'istio-system');
    const byKind = (k: string) => objects.filter((o) => o.kind === k).map((o) => o.metadata.name).sort();
    assert.deepEqual(byKind('Deployment'), ['grafana', 'jaeger', 'kiali', 'prometheus']);
    assert.deepEqual(byKind('Service'), ['grafana', 'jaeger-collector', 'kiali', 'prometheus', 'tracing', 'zipkin']);
    for (const o of objects) {
      assert.ok(o.metadata.labels?.['istio-mesh.io/addon'], describeObject(o));
      if (o.kind === 'Deployment') {
        const template = (o.spec as { template: { metadata: { labels: Record<string, string> } } }).template;
        assert.equal(template.metadata.labels['sidecar.istio.io/inject'], 'false');
      }
    }
    const zipkin = objects.find((o) => o.metadata.name === 'zipkin')!;
    assert.deepEqual((zipkin.spec as { ports: { port: number }[] }).ports.map((p) => p.port), [9411]);
    assert.deepEqual(addonObjects([], 'istio-system'), []);
  });

  it('turns on strict mTLS with the PeerAuthentication named default in the root namespace', () => {
    assert.deepEqual(strictMtlsPolicy('istio-system'), {
      apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication',
      metadata: { name: 'default', namespace: 'istio-system', labels: { 'app.kubernetes.io/managed-by': 'istio-mesh' } },
      spec: { mtls: { mode: 'STRICT' } },
    });
  });

  it('finds the namespaces an uninstall strands, through the revision, its tags and the default injector', () => {
    const tags = [
      revisionTag({ 'istio.io/tag': 'prod', 'istio.io/rev': '1-29' })!,
      revisionTag({ 'istio.io/tag': 'default', 'istio.io/rev': '1-29' })!,
      { name: 'canary', revision: '1-30' },
    ];
    assert.equal(revisionTag({ 'istio.io/rev': 'default' }), undefined);
    assert.deepEqual(namespacesUsingSelectors({ kind: 'revision', revision: '1-29' }, tags), ['istio.io/rev in (1-29,prod,default)', 'istio-injection=enabled']);
    assert.deepEqual(namespacesUsingSelectors({ kind: 'revision', revision: '1-30' }, tags), ['istio.io/rev in (1-30,canary)']);
    assert.deepEqual(namespacesUsingSelectors({ kind: 'revision', revision: 'default' }, []), ['istio.io/rev in (default)', 'istio-injection=enabled']);
    assert.deepEqual(namespacesUsingSelectors({ kind: 'purge' }, tags), ['istio.io/rev', 'istio-injection=enabled']);
  });
});
