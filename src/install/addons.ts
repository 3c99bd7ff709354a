/**
 * The observability addons as Kubernetes objects, applied with server-side apply. Minimal single-replica
 * Deployments and Services in the shape of Istio's sample addons (same names and ports, so Kiali,
 * Grafana and Istio's default tracing address `zipkin.istio-system:9411` find each other), written here
 * so the extension needs no download. For trying Istio out, not for production monitoring.
 */
import type { KubeObjectLike } from './cluster';
import type { Addon } from './options';

/** Images in one place, so an update is one line each. */
export const ADDON_IMAGES: Readonly<Record<Addon, string>> = {
  prometheus: 'prom/prometheus:v3.5.0',
  grafana: 'grafana/grafana:12.1.0',
  tracing: 'jaegertracing/all-in-one:1.71.0',
  kiali: 'quay.io/kiali/kiali:v2.14.0',
};

/** Marks every addon object, so uninstall finds them without guessing by name. */
export const ADDON_LABEL = 'istio-mesh.io/addon';

interface PortSpec {
  readonly name: string;
  readonly port: number;
  readonly targetPort?: number;
}

function meta(name: string, namespace: string | undefined, addon: Addon, app: string): KubeObjectLike['metadata'] {
  return {
    name,
    ...(namespace ? { namespace } : {}),
    labels: { app, [ADDON_LABEL]: addon, 'app.kubernetes.io/managed-by': 'istio-mesh' },
  };
}

function service(name: string, namespace: string, addon: Addon, app: string, ports: readonly PortSpec[]): KubeObjectLike {
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
  readonly args?: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  readonly serviceAccount?: string;
  readonly configMap?: { readonly name: string; readonly mountPath: string };
  readonly readinessPath?: string;
  readonly readinessPort?: number;
}

function deployment(namespace: string, addon: Addon, d: DeploymentSpec): KubeObjectLike {
  const volumes = d.configMap ? [{ name: 'config', configMap: { name: d.configMap.name } }] : [];
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: meta(d.app, namespace, addon, d.app),
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: d.app } },
      template: {
        metadata: {
          labels: { app: d.app, [ADDON_LABEL]: addon },
          // Addons stay out of the mesh, as in Istio's samples.
          annotations: { 'sidecar.istio.io/inject': 'false' },
        },
        spec: {
          ...(d.serviceAccount ? { serviceAccountName: d.serviceAccount } : {}),
          containers: [
            {
              name: d.app,
              image: d.image,
              ...(d.args ? { args: [...d.args] } : {}),
              ...(d.env ? { env: Object.entries(d.env).map(([name, value]) => ({ name, value })) } : {}),
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

function serviceAccount(name: string, namespace: string, addon: Addon): KubeObjectLike {
  return { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta(name, namespace, addon, name) };
}

function clusterReader(name: string, namespace: string, addon: Addon, rules: readonly object[]): KubeObjectLike[] {
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

function configMap(name: string, namespace: string, addon: Addon, data: Record<string, string>): KubeObjectLike {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta(name, namespace, addon, name), data };
}

/** Prometheus scraping pods that carry the usual `prometheus.io/*` annotations (Istio's sidecars and istiod do). */
function prometheus(ns: string): KubeObjectLike[] {
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

function grafana(ns: string): KubeObjectLike[] {
  const datasources = [
    'apiVersion: 1',
    'datasources:',
    '  - name: Prometheus',
    '    type: prometheus',
    `    url: http://prometheus.${ns}:9090`,
    '    access: proxy',
    '    isDefault: true',
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

/** Jaeger all-in-one; `zipkin` on 9411 is where Istio's default tracer sends spans, `tracing` serves the UI. */
function tracing(ns: string): KubeObjectLike[] {
  return [
    service('tracing', ns, 'tracing', 'jaeger', [{ name: 'http-query', port: 80, targetPort: 16686 }]),
    service('zipkin', ns, 'tracing', 'jaeger', [{ name: 'http-zipkin', port: 9411 }]),
    service('jaeger-collector', ns, 'tracing', 'jaeger', [
      { name: 'http-collector', port: 14268 },
      { name: 'grpc-otel', port: 4317 },
      { name: 'http-otel', port: 4318 },
    ]),
    deployment(ns, 'tracing', {
      app: 'jaeger',
      image: ADDON_IMAGES.tracing,
      ports: [16686, 9411, 14268, 4317, 4318],
      env: { COLLECTOR_ZIPKIN_HOST_PORT: ':9411', MEMORY_MAX_TRACES: '50000' },
      readinessPath: '/',
      readinessPort: 14269,
    }),
  ];
}

function kiali(ns: string): KubeObjectLike[] {
  const config = [
    `istio_namespace: ${ns}`,
    'auth:',
    '  strategy: anonymous',
    'deployment:',
    '  accessible_namespaces: ["**"]',
    'external_services:',
    '  prometheus:',
    `    url: http://prometheus.${ns}:9090`,
    '  grafana:',
    '    enabled: true',
    `    internal_url: http://grafana.${ns}:3000`,
    '  tracing:',
    '    enabled: true',
    `    internal_url: http://tracing.${ns}:80`,
    'server:',
    '  port: 20001',
    '  web_root: /kiali',
    '',
  ].join('\n');
  return [
    serviceAccount('kiali', ns, 'kiali'),
    ...clusterReader('kiali', ns, 'kiali', [
      {
        apiGroups: ['', 'apps', 'batch', 'networking.k8s.io', 'gateway.networking.k8s.io', 'networking.istio.io', 'security.istio.io', 'telemetry.istio.io', 'extensions.istio.io'],
        resources: ['*'],
        verbs: ['get', 'list', 'watch'],
      },
      { apiGroups: ['authorization.k8s.io'], resources: ['selfsubjectaccessreviews'], verbs: ['create'] },
    ]),
    configMap('kiali', ns, 'kiali', { 'config.yaml': config }),
    service('kiali', ns, 'kiali', 'kiali', [{ name: 'http', port: 20001 }, { name: 'http-metrics', port: 9090 }]),
    deployment(ns, 'kiali', {
      app: 'kiali',
      image: ADDON_IMAGES.kiali,
      ports: [20001, 9090],
      serviceAccount: 'kiali',
      args: ['-config', '/kiali-configuration/config.yaml'],
      configMap: { name: 'kiali', mountPath: '/kiali-configuration' },
      readinessPath: '/kiali/healthz',
    }),
  ];
}

const BUILDERS: Readonly<Record<Addon, (namespace: string) => KubeObjectLike[]>> = { prometheus, grafana, tracing, kiali };

/** The objects of the chosen addons, Prometheus first (the others read from it). */
export function addonObjects(addons: readonly Addon[], namespace: string): KubeObjectLike[] {
  const order: Addon[] = ['prometheus', 'grafana', 'tracing', 'kiali'];
  return order.filter((a) => addons.includes(a)).flatMap((a) => BUILDERS[a](namespace));
}

/** Mesh-wide strict mTLS: the `PeerAuthentication` named `default` in the root namespace. */
export function strictMtlsPolicy(rootNamespace: string): KubeObjectLike {
  return {
    apiVersion: 'security.istio.io/v1',
    kind: 'PeerAuthentication',
    metadata: { name: 'default', namespace: rootNamespace, labels: { 'app.kubernetes.io/managed-by': 'istio-mesh' } },
    spec: { mtls: { mode: 'STRICT' } },
  };
}

/** `Deployment istio-system/kiali`, for plans and logs. */
export function describeObject(o: KubeObjectLike): string {
  const ns = o.metadata.namespace ? `${o.metadata.namespace}/` : '';
  return `${o.kind} ${ns}${o.metadata.name}`;
}
