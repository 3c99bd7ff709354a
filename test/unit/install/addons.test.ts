import assert from 'node:assert/strict';
import { load } from 'js-yaml';
import type { UnstructuredObject } from '../../../src/cluster/types';
import { ADDON_IMAGES, ADDONS_FOLLOW_ISTIO, addonObjects } from '../../../src/install/addons';
import { ADDONS } from '../../../src/install/options';
import { PINNED_RELEASE } from '../../../src/install/releases';

/** The value at a dotted path (`spec.ports.0.port`) of a plain object, for assertions. */
function at(value: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((v, key) => (v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined), value);
}
const list = (value: unknown, path: string): unknown[] => {
  const found = at(value, path);
  assert.ok(Array.isArray(found), `${path} is a list`);
  return found;
};

const ns = 'istio-system';
const objects = addonObjects([...ADDONS], ns);
const ofKind = (kind: string) => objects.filter((o) => o.kind === kind);
const find = (kind: string, name: string): UnstructuredObject => {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  assert.ok(found, `${kind} ${name} is applied`);
  return found;
};
const container = (name: string) => at(find('Deployment', name), 'spec.template.spec.containers.0');
const servicePorts = (name: string) => list(find('Service', name), 'spec.ports').map((p) => [at(p, 'port'), at(p, 'targetPort')]);
const configOf = (name: string, file: string): unknown => load(String((at(find('ConfigMap', name), 'data') as Record<string, string>)[file]));
const minor = (version: string) => version.split('.').slice(0, 2).join('.');

describe('addons follow Istio\'s samples/addons of the pinned release', () => {
  it('pins the images Istio 1.29.0 ships (a bump of either side shows here)', () => {
    assert.equal(ADDONS_FOLLOW_ISTIO, '1.29.0');
    assert.equal(minor(PINNED_RELEASE.version), minor(ADDONS_FOLLOW_ISTIO), 'the addons follow the istioctl release the extension downloads');
    assert.deepEqual(ADDON_IMAGES, {
      prometheus: 'docker.io/prom/prometheus:v3.8.1',
      grafana: 'docker.io/grafana/grafana:12.0.1',
      tracing: 'docker.io/jaegertracing/jaeger:2.14.0',
      kiali: 'quay.io/kiali/kiali:v2.21',
    });
  });

  it('runs exactly those images', () => {
    const images = Object.fromEntries(ofKind('Deployment').map((d) => [d.metadata.name, list(d, 'spec.template.spec.containers').map((c) => at(c, 'image'))]));
    assert.deepEqual(images, {
      prometheus: ['docker.io/prom/prometheus:v3.8.1'],
      grafana: ['docker.io/grafana/grafana:12.0.1'],
      jaeger: ['docker.io/jaegertracing/jaeger:2.14.0'],
      kiali: ['quay.io/kiali/kiali:v2.21'],
    });
  });

  it('keeps every addon out of the mesh with the label, not the deprecated annotation', () => {
    for (const d of ofKind('Deployment')) {
      const template = at(d, 'spec.template.metadata') as { labels?: Record<string, string>; annotations?: Record<string, string> };
      assert.equal(template.labels?.['sidecar.istio.io/inject'], 'false', d.metadata.name);
      assert.equal(template.annotations?.['sidecar.istio.io/inject'], undefined, d.metadata.name);
    }
  });

  it('selects a Deployment\'s pods with every Service', () => {
    const podLabels = ofKind('Deployment').map((d) => at(d, 'spec.template.metadata.labels') as Record<string, string>);
    for (const s of ofKind('Service')) {
      const selector = Object.entries(at(s, 'spec.selector') as Record<string, string>);
      assert.ok(selector.length > 0 && podLabels.some((labels) => selector.every(([k, v]) => labels[k] === v)), `Service ${s.metadata.name} selects pods`);
    }
  });

  it('serves Jaeger v2 as the sample does: Zipkin on 9411, UI and gRPC query under /jaeger, health on 13133', () => {
    assert.deepEqual(servicePorts('tracing'), [[80, 16686], [16685, 16685]]);
    assert.deepEqual(servicePorts('zipkin'), [[9411, 9411]]);
    assert.deepEqual(servicePorts('jaeger-collector').map(([port]) => port), [14268, 14250, 9411, 4317, 4318]);
    const jaeger = container('jaeger');
    assert.deepEqual(at(jaeger, 'args'), ['--config', '/jaeger-configuration/config.yaml']);
    assert.deepEqual(at(jaeger, 'readinessProbe.httpGet'), { path: '/status', port: 13133 });
    const config = configOf('jaeger', 'config.yaml');
    assert.equal(at(config, 'receivers.zipkin.endpoint'), '0.0.0.0:9411');
    assert.equal(at(config, 'receivers.otlp.protocols.grpc.endpoint'), '0.0.0.0:4317');
    assert.equal(at(config, 'extensions.healthcheckv2.http.endpoint'), '0.0.0.0:13133');
    assert.equal(at(config, 'extensions.jaeger_query.base_path'), '/jaeger');
    const storage = String(at(config, 'extensions.jaeger_query.storage.traces'));
    assert.ok(at(config, `extensions.jaeger_storage.backends.${storage}`), 'the query reads a declared backend');
    assert.equal(at(config, 'exporters.jaeger_storage_exporter.trace_storage'), storage, 'the exporter writes where the query reads');
    assert.deepEqual(at(config, 'service.pipelines.traces.receivers'), ['otlp', 'jaeger', 'zipkin']);
  });

  it('points Kiali at the other addons where they listen', () => {
    const kiali = container('kiali');
    assert.deepEqual(at(kiali, 'command'), ['/opt/kiali/kiali', '-config', '/kiali-configuration/config.yaml']);
    assert.deepEqual(at(kiali, 'env'), [{ name: 'ACTIVE_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } }]);
    assert.deepEqual(at(kiali, 'readinessProbe.httpGet'), { path: '/kiali/healthz', port: 20001 });
    const config = configOf('kiali', 'config.yaml');
    assert.equal(at(config, 'auth.strategy'), 'anonymous');
    assert.equal(at(config, 'deployment.view_only_mode'), true, 'its role is read-only');
    assert.equal(at(config, 'external_services.prometheus.url'), `http://prometheus.${ns}:9090`);
    assert.equal(at(config, 'external_services.grafana.internal_url'), `http://grafana.${ns}:3000`);
    assert.equal(at(config, 'external_services.tracing.internal_url'), `http://tracing.${ns}:16685/jaeger`);
    assert.equal(at(config, 'external_services.tracing.use_grpc'), true);
    const verbs = new Set(list(find('ClusterRole', 'kiali'), 'rules').flatMap((r) => list(r, 'verbs')));
    assert.deepEqual([...verbs].sort(), ['get', 'list', 'watch']);
  });

  it('wires Grafana to Prometheus and Prometheus to annotated pods', () => {
    assert.equal(at(configOf('grafana', 'datasources.yaml'), 'datasources.0.url'), `http://prometheus.${ns}:9090`);
    assert.deepEqual(at(container('grafana'), 'readinessProbe.httpGet'), { path: '/api/health', port: 3000 });
    assert.deepEqual(at(container('prometheus'), 'readinessProbe.httpGet'), { path: '/-/ready', port: 9090 });
    const prometheus = configOf('prometheus', 'prometheus.yml');
    assert.deepEqual(at(prometheus, 'scrape_configs.0.relabel_configs.0.source_labels'), ['__meta_kubernetes_pod_annotation_prometheus_io_scrape']);
  });
});
