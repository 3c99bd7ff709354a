/**
 * The observability addons as Kubernetes objects, applied with server-side apply, so the extension
 * needs no download. These are hand-written approximations of Istio's own sample addons
 * (`samples/addons/{prometheus,grafana,jaeger,kiali}.yaml` of istio/istio 1.29.0, the release line
 * pinned in releases.ts): the same images, object names, ports, probes and wiring (Kiali, Grafana
 * and Istio's default tracing address `zipkin.istio-system:9411` find each other), but trimmed to
 * one container each. Left out on purpose: Prometheus's config-reloader sidecar and its
 * non-pod scrape jobs, Grafana's Istio dashboards, Loki, and Kiali's write permissions (it runs
 * view-only here). For trying Istio out, not for production monitoring.
 */
import type { UnstructuredObject } from '../cluster/types';
import { describeRef } from './removal';
import type { Addon } from './options';

/** The Istio release whose sample addons these objects follow; bump it together with the images. */
export const ADDONS_FOLLOW_ISTIO = '1.29.0';

/** The images Istio 1.29.0's samples/addons ship, in one place, so an update is one line each. */
export const ADDON_IMAGES: Readonly<Record<Addon, string>> = {
  prometheus: 'docker.io/prom/prometheus:v3.8.1',
  grafana: 'docker.io/grafana/grafana:12.0.1',
  tracing: 'docker.io/jaegertracing/jaeger:2.14.0',
  kiali: 'quay.io/kiali/kiali:v2.21',
};

/** Marks every addon object, so uninstall finds them without guessing by name. */
export const ADDON_LABEL = 'istio-mesh.io/addon';

interface PortSpec {
  readonly name: string;
  readonly port: number;
  readonly targetPort?: number;
}

function meta(name: string, namespace: string | undefined, addon: Addon, app: string): UnstructuredObject['metadata'] {
  return {
    name,
    ...(namespace ? { namespace } : {}),
    labels: { app, [ADDON_LABEL]: addon, 'app.kubernetes.io/managed-by': 'istio-mesh' },
  };
}

function service(name: string, namespace: string, addon: Addon, app: string, ports: readonly PortSpec[]): UnstructuredObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: meta(name, namespace, addon, app),
    spec: {
      selector: { app },
      ports: ports.map((p) => ({ name: p.name, port: p.port, targetPort: p.targetPort ?? p.port, protocol: 'TCP' })),
    },
  };
}

interface DeploymentSpec {
  readonly app: string;
  readonly image: string;
  readonly ports: readonly number[];
  readonly command?: readonly string[];
  readonly args?: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  /** Environment variables read from the pod's own fields (`metadata.namespace`...). */
  readonly fieldEnv?: Readonly<Record<string, string>>;
  readonly podAnnotations?: Readonly<Record<string, string>>;
  readonly serviceAccount?: string;
  readonly configMap?: { readonly name: string; readonly mountPath: string };
  readonly readinessPath?: string;
  readonly readinessPort?: number;
}

function containerEnv(d: DeploymentSpec): object[] {
  return [
    ...Object.entries(d.fieldEnv ?? {}).map(([name, fieldPath]) => ({ name, valueFrom: { fieldRef: { fieldPath } } })),
    ...Object.entries(d.env ?? {}).map(([name, value]) => ({ name, value })),
  ];
}

function deployment(namespace: string, addon: Addon, d: DeploymentSpec): UnstructuredObject {
  const volumes = d.configMap ? [{ name: 'config', configMap: { name: d.configMap.name } }] : [];
  const env = containerEnv(d);
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: meta(d.app, namespace, addon, d.app),
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: d.app } },
      template: {
        metadata: {
          // Addons stay out of the mesh, as in Istio's samples: the label (the annotation is deprecated, IST0135).
          labels: { app: d.app, [ADDON_LABEL]: addon, 'sidecar.istio.io/inject': 'false' },
          ...(d.podAnnotations ? { annotations: { ...d.podAnnotations } } : {}),
        },
        spec: {
          ...(d.serviceAccount ? { serviceAccountName: d.serviceAccount } : {}),
          containers: [
            {
              name: d.app,
              image: d.image,
              ...(d.command ? { command: [...d.command] } : {}),
              ...(d.args ? { args: [...d.args] } : {}),
              ...(env.length ? { env } : {}),
              ports: d.ports.map((containerPort) => ({ containerPort })),
              ...(d.readinessPath
                ? { readinessProbe: { httpGet: { path: d.readinessPath, port: d.readinessPort ?? d.ports[0] } } }
                : {}),
              ...(d.configMap ? { volumeMounts: [{ name: 'config', mountPath: d.configMap.mountPath }] } : {}),
            },
          ],
          volumes,
        },
      },
    },
  };
}

function serviceAccount(name: string, namespace: string, addon: Addon): UnstructuredObject {
  return { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta(name, namespace, addon, name) };
}

function clusterReader(name: string, namespace: string, addon: Addon, rules: readonly object[]): UnstructuredObject[] {
  return [
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: meta(name, undefined, addon, name), rules: [...rules] },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: meta(name, undefined, addon, name),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
      subjects: [{ kind: 'ServiceAccount', name, namespace }],
    },
  ];
}

function configMap(name: string, namespace: string, addon: Addon, data: Record<string, string>): UnstructuredObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta(name, namespace, addon, name), data };
}

/** Prometheus scraping pods that carry the usual `prometheus.io/*` annotations (Istio's sidecars and istiod do). */
function prometheus(ns: string): UnstructuredObject[] {
  const config = [
    'global:',
    '  scrape_interval: 15s',
    'scrape_configs:',
    '  - job_name: kubernetes-pods',
    '    kubernetes_sd_configs: [{ role: pod }]',
    '    relabel_configs:',
    '      - { source_labels: [__meta_kubernetes_pod_annotation_prometheus_io_scrape], action: keep, regex: "true" }',
    '      - { source_labels: [__meta_kubernetes_pod_annotation_prometheus_io_path], action: replace, target_label: __metrics_path__, regex: (.+) }',
    '      - source_labels: [__address__, __meta_kubernetes_pod_annotation_prometheus_io_port]',
    '        action: replace',
    '        regex: ([^:]+)(?::\\d+)?;(\\d+)',
    '        replacement: $1:$2',
    '        target_label: __address__',
    '      - { source_labels: [__meta_kubernetes_namespace], target_label: namespace }',
    '      - { source_labels: [__meta_kubernetes_pod_name], target_label: pod }',
    '',
  ].join('\n');
  return [
    serviceAccount('prometheus', ns, 'prometheus'),
    ...clusterReader('prometheus', ns, 'prometheus', [
      { apiGroups: [''], resources: ['nodes', 'nodes/proxy', 'nodes/metrics', 'services', 'endpoints', 'pods'], verbs: ['get', 'list', 'watch'] },
      { nonResourceURLs: ['/metrics'], verbs: ['get'] },
    ]),
    configMap('prometheus', ns, 'prometheus', { 'prometheus.yml': config }),
    service('prometheus', ns, 'prometheus', 'prometheus', [{ name: 'http', port: 9090 }]),
    deployment(ns, 'prometheus', {
      app: 'prometheus',
      image: ADDON_IMAGES.prometheus,
      ports: [9090],
      serviceAccount: 'prometheus',
      args: ['--config.file=/etc/prometheus/prometheus.yml', '--storage.tsdb.path=/prometheus', '--storage.tsdb.retention.time=6h'],
      configMap: { name: 'prometheus', mountPath: '/etc/prometheus' },
      readinessPath: '/-/ready',
    }),
  ];
}

function grafana(ns: string): UnstructuredObject[] {
  const datasources = [
    'apiVersion: 1',
    'datasources:',
    '  - name: Prometheus',
    '    type: prometheus',
    `    url: http://prometheus.${ns}:9090`,
    '    access: proxy',
    '    isDefault: true',
    '    jsonData: { timeInterval: 15s }',
    '',
  ].join('\n');
  return [
    configMap('grafana', ns, 'grafana', { 'datasources.yaml': datasources }),
    service('grafana', ns, 'grafana', 'grafana', [{ name: 'http', port: 3000 }]),
    deployment(ns, 'grafana', {
      app: 'grafana',
      image: ADDON_IMAGES.grafana,
      ports: [3000],
      env: { GF_AUTH_ANONYMOUS_ENABLED: 'true', GF_AUTH_ANONYMOUS_ORG_ROLE: 'Admin', GF_AUTH_BASIC_ENABLED: 'false' },
      configMap: { name: 'grafana', mountPath: '/etc/grafana/provisioning/datasources' },
      readinessPath: '/api/health',
    }),
  ];
}

/**
 * Jaeger v2 (an OpenTelemetry collector build) configured as Istio's sample does: OTLP, Jaeger and
 * Zipkin receivers (`zipkin` on 9411 is where Istio's default tracer sends spans), the UI and its
 * gRPC API under `/jaeger` behind the `tracing` Service, health on 13133, its own metrics on 8888.
 * Traces are kept in memory (the sample uses badger on an emptyDir: just as ephemeral).
 */
function tracing(ns: string): UnstructuredObject[] {
  const config = [
    'service:',
    '  extensions: [jaeger_storage, jaeger_query, healthcheckv2]',
    '  pipelines:',
    '    traces: { receivers: [otlp, jaeger, zipkin], processors: [batch], exporters: [jaeger_storage_exporter] }',
    '  telemetry:',
    '    resource: { service.name: jaeger }',
    '    metrics:',
    '      level: detailed',
    '      readers: [{ pull: { exporter: { prometheus: { host: 0.0.0.0, port: 8888 } } } }]',
    'extensions:',
    '  jaeger_storage:',
    '    backends: { traces_in_memory: { memory: { max_traces: 50000 } } }',
    '  jaeger_query:',
    '    base_path: /jaeger',
    '    storage: { traces: traces_in_memory }',
    '  healthcheckv2:',
    '    use_v2: true',
    '    http: { endpoint: 0.0.0.0:13133 }',
    'receivers:',
    '  otlp: { protocols: { grpc: { endpoint: 0.0.0.0:4317 }, http: { endpoint: 0.0.0.0:4318 } } }',
    '  jaeger: { protocols: { grpc: { endpoint: 0.0.0.0:14250 }, thrift_http: { endpoint: 0.0.0.0:14268 } } }',
    '  zipkin: { endpoint: 0.0.0.0:9411 }',
    'processors:',
    '  batch: {}',
    'exporters:',
    '  jaeger_storage_exporter: { trace_storage: traces_in_memory }',
    '',
  ].join('\n');
  return [
    configMap('jaeger', ns, 'tracing', { 'config.yaml': config }),
    service('tracing', ns, 'tracing', 'jaeger', [
      { name: 'http-query', port: 80, targetPort: 16686 },
      { name: 'grpc-query', port: 16685 },
    ]),
    service('zipkin', ns, 'tracing', 'jaeger', [{ name: 'http-query', port: 9411 }]),
    service('jaeger-collector', ns, 'tracing', 'jaeger', [
      { name: 'jaeger-collector-http', port: 14268 },
      { name: 'jaeger-collector-grpc', port: 14250 },
      { name: 'http-zipkin', port: 9411 },
      { name: 'grpc-otel', port: 4317 },
      { name: 'http-otel', port: 4318 },
    ]),
    deployment(ns, 'tracing', {
      app: 'jaeger',
      image: ADDON_IMAGES.tracing,
      ports: [16686, 16685, 9411, 14268, 14250, 4317, 4318, 13133, 8888],
      args: ['--config', '/jaeger-configuration/config.yaml'],
      configMap: { name: 'jaeger', mountPath: '/jaeger-configuration' },
      podAnnotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': '8888' },
      readinessPath: '/status',
      readinessPort: 13133,
    }),
  ];
}

/** Kiali, anonymous and view-only (its ClusterRole is the read part of the sample's). */
function kiali(ns: string): UnstructuredObject[] {
  const config = [
    `istio_namespace: ${ns}`,
    'auth:',
    '  strategy: anonymous',
    'deployment:',
    '  cluster_wide_access: true',
    '  view_only_mode: true',
    'external_services:',
    '  istio:',
    `    root_namespace: ${ns}`,
    '  prometheus:',
    `    url: http://prometheus.${ns}:9090`,
    '  grafana:',
    '    enabled: true',
    `    internal_url: http://grafana.${ns}:3000`,
    '  tracing:',
    '    enabled: true',
    `    internal_url: http://tracing.${ns}:16685/jaeger`,
    '    use_grpc: true',
    'server:',
    '  port: 20001',
    '  web_root: /kiali',
    '  observability: { metrics: { enabled: true, port: 9090 } }',
    '',
  ].join('\n');
  const read = ['get', 'list', 'watch'];
  return [
    serviceAccount('kiali', ns, 'kiali'),
    ...clusterReader('kiali', ns, 'kiali', [
      { apiGroups: [''], resources: ['configmaps', 'endpoints', 'pods/log', 'namespaces', 'pods', 'replicationcontrollers', 'services'], verbs: read },
      { apiGroups: ['apps'], resources: ['daemonsets', 'deployments', 'replicasets', 'statefulsets'], verbs: read },
      { apiGroups: ['batch'], resources: ['cronjobs', 'jobs'], verbs: read },
      {
        apiGroups: ['networking.istio.io', 'security.istio.io', 'extensions.istio.io', 'telemetry.istio.io', 'gateway.networking.k8s.io', 'inference.networking.k8s.io'],
        resources: ['*'],
        verbs: read,
      },
      { apiGroups: ['admissionregistration.k8s.io'], resources: ['mutatingwebhookconfigurations'], verbs: read },
    ]),
    configMap('kiali', ns, 'kiali', { 'config.yaml': config }),
    service('kiali', ns, 'kiali', 'kiali', [{ name: 'http', port: 20001 }, { name: 'http-metrics', port: 9090 }]),
    deployment(ns, 'kiali', {
      app: 'kiali',
      image: ADDON_IMAGES.kiali,
      ports: [20001, 9090],
      serviceAccount: 'kiali',
      command: ['/opt/kiali/kiali', '-config', '/kiali-configuration/config.yaml'],
      fieldEnv: { ACTIVE_NAMESPACE: 'metadata.namespace' },
      podAnnotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': '9090' },
      configMap: { name: 'kiali', mountPath: '/kiali-configuration' },
      readinessPath: '/kiali/healthz',
    }),
  ];
}

const BUILDERS: Readonly<Record<Addon, (namespace: string) => UnstructuredObject[]>> = { prometheus, grafana, tracing, kiali };

/** The objects of the chosen addons, Prometheus first (the others read from it). */
export function addonObjects(addons: readonly Addon[], namespace: string): UnstructuredObject[] {
  const order: Addon[] = ['prometheus', 'grafana', 'tracing', 'kiali'];
  return order.filter((a) => addons.includes(a)).flatMap((a) => BUILDERS[a](namespace));
}

/** Mesh-wide strict mTLS: the `PeerAuthentication` named `default` in the root namespace. */
export function strictMtlsPolicy(rootNamespace: string): UnstructuredObject {
  return {
    apiVersion: 'security.istio.io/v1',
    kind: 'PeerAuthentication',
    metadata: { name: 'default', namespace: rootNamespace, labels: { 'app.kubernetes.io/managed-by': 'istio-mesh' } },
    spec: { mtls: { mode: 'STRICT' } },
  };
}

/** `Deployment istio-system/kiali`, for plans and logs. */
export function describeObject(o: UnstructuredObject): string {
  return describeRef({ apiVersion: o.apiVersion ?? '', kind: String(o.kind), name: o.metadata.name, namespace: o.metadata.namespace });
}
