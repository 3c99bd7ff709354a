// Builders for the objects injection and rollout logic reads: workloads with a given rollout status,
// pods with or without istio-proxy, namespaces with labels, and Istio's injector webhook configurations.
import { dump } from 'js-yaml';
import type {
  ConfigMap,
  MutatingWebhookConfiguration,
  Namespace,
  Pod,
  KindedWorkload,
  Workload,
  WorkloadStatus,
} from '../../src/cluster/types';
import { chartEntries } from '../../src/istio/webhooks';
import type { RolloutPhase, WorkloadRollout } from '../../src/injection/rollout';

export function namespace(name: string, labels: Record<string, string> = {}, resourceVersion = '1'): Namespace {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels, resourceVersion, annotations: { owner: 'team-a' } }, status: { phase: 'Active' } };
}

export interface DeploymentOptions {
  namespace?: string;
  replicas?: number;
  generation?: number;
  paused?: boolean;
  templateLabels?: Record<string, string>;
  templateAnnotations?: Record<string, string>;
  hostNetwork?: boolean;
  status?: WorkloadStatus;
}

/** A Deployment whose status says its current generation is fully rolled out, unless `status` says otherwise. */
export function deployment(name: string, o: DeploymentOptions = {}): KindedWorkload {
  const replicas = o.replicas ?? 1;
  const generation = o.generation ?? 1;
  const object: Workload = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: o.namespace ?? 'shop', generation, resourceVersion: '10' },
    spec: {
      replicas,
      paused: o.paused,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name, ...o.templateLabels }, annotations: o.templateAnnotations },
        spec: { hostNetwork: o.hostNetwork, containers: [{ name: 'app', image: 'nginx' }] },
      },
    },
    status: o.status ?? {
      observedGeneration: generation,
      replicas,
      updatedReplicas: replicas,
      readyReplicas: replicas,
      availableReplicas: replicas,
      conditions: [{ type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable' }],
    },
  };
  return { ...object, kind: 'Deployment' };
}

export interface StatefulSetOptions {
  namespace?: string;
  replicas?: number;
  generation?: number;
  updateStrategy?: Workload['spec']['updateStrategy'];
  status?: WorkloadStatus;
}

export function statefulSet(name: string, o: StatefulSetOptions = {}): KindedWorkload {
  const replicas = o.replicas ?? 1;
  const generation = o.generation ?? 1;
  const object: Workload = {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name, namespace: o.namespace ?? 'shop', generation },
    spec: {
      replicas,
      serviceName: name,
      selector: { matchLabels: { app: name } },
      updateStrategy: o.updateStrategy ?? { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image: 'nginx' }] } },
    },
    status: o.status ?? {
      observedGeneration: generation,
      replicas,
      readyReplicas: replicas,
      updatedReplicas: replicas,
      currentReplicas: replicas,
      currentRevision: `${name}-1`,
      updateRevision: `${name}-1`,
    },
  };
  return { ...object, kind: 'StatefulSet' };
}

export interface DaemonSetOptions {
  namespace?: string;
  generation?: number;
  updateStrategy?: Workload['spec']['updateStrategy'];
  status?: WorkloadStatus;
}

export function daemonSet(name: string, o: DaemonSetOptions = {}): KindedWorkload {
  const generation = o.generation ?? 1;
  const object: Workload = {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name, namespace: o.namespace ?? 'shop', generation },
    spec: {
      selector: { matchLabels: { app: name } },
      updateStrategy: o.updateStrategy ?? { type: 'RollingUpdate' },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image: 'nginx' }] } },
    },
    status: o.status ?? {
      observedGeneration: generation,
      desiredNumberScheduled: 2,
      numberReady: 2,
      updatedNumberScheduled: 2,
      numberAvailable: 2,
    },
  };
  return { ...object, kind: 'DaemonSet' };
}

export interface PodOptions {
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  sidecar?: boolean | 'native';
  /** The revision the sidecar's status annotation names. */
  injectedBy?: string;
  ready?: boolean;
  hostNetwork?: boolean;
  deleting?: boolean;
}

/**
 * A running pod of `app`, with an `istio-proxy` container when `sidecar` (an init container when 'native') and then
 * the status annotation the injector writes (`injectedBy`: its revision, default `default`).
 */
export function pod(name: string, app: string, o: PodOptions = {}): Pod {
  const ready = o.ready ?? true;
  const proxy = { name: 'istio-proxy', image: 'istio/proxyv2' };
  const status = (container: string) => ({ name: container, ready, started: true, state: { running: {} }, image: container === 'app' ? 'nginx' : 'istio/proxyv2', restartCount: 0 });
  const injected: Record<string, string> = o.sidecar ? { 'sidecar.istio.io/status': JSON.stringify({ initContainers: [], containers: ['istio-proxy'], volumes: [], imagePullSecrets: [], revision: o.injectedBy ?? 'default' }) } : {};
  const annotations = { ...injected, ...o.annotations };
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: o.namespace ?? 'shop',
      labels: { app, ...o.labels },
      annotations: Object.keys(annotations).length ? annotations : undefined,
      deletionTimestamp: o.deleting ? '2025-01-01T00:00:00Z' : undefined,
    },
    spec: {
      hostNetwork: o.hostNetwork,
      containers: [{ name: 'app', image: 'nginx' }, ...(o.sidecar === true ? [proxy] : [])],
      initContainers: o.sidecar === 'native' ? [{ ...proxy, restartPolicy: 'Always' }] : undefined,
    },
    status: {
      phase: 'Running',
      conditions: [{ type: 'Initialized', status: 'True' }, { type: 'Ready', status: ready ? 'True' : 'False' }],
      containerStatuses: [status('app'), ...(o.sidecar === true ? [status('istio-proxy')] : [])],
      initContainerStatuses: o.sidecar === 'native' ? [status('istio-proxy')] : undefined,
    },
  };
}

/**
 * An injector MutatingWebhookConfiguration shaped like the ones istiod's chart renders: for the default
 * revision it also serves `istio-injection=enabled` and per-pod opt-in; other revisions serve only
 * `istio.io/rev=<name>`.
 */
export function injectorWebhookConfiguration(revision = 'default'): MutatingWebhookConfiguration {
  const hooks = chartEntries([revision]);
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'MutatingWebhookConfiguration',
    metadata: { name: hooks[0]!.configuration, labels: { 'istio.io/rev': revision } },
    webhooks: hooks.map(({ name, namespaceSelector, objectSelector }) => ({
      name, namespaceSelector, objectSelector, clientConfig: { service: { name: revision === 'default' ? 'istiod' : `istiod-${revision}`, namespace: 'istio-system', path: '/inject' } },
    })),
  };
}

/**
 * istiod's injector ConfigMap of a revision as the chart renders it (`istiod-injector-configmap.yaml`): `config` is the
 * YAML of `config` (a string is used as is), `values` the JSON of `values`; `data` replaces both when given.
 */
export function injectorConfigMap(revision = 'default', o: { config?: object | string; values?: object; namespace?: string; data?: Record<string, string> } = {}): ConfigMap {
  const config = o.config ?? { policy: 'enabled', alwaysInjectSelector: [], neverInjectSelector: [] };
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: revision === 'default' ? 'istio-sidecar-injector' : `istio-sidecar-injector-${revision}`, namespace: o.namespace ?? 'istio-system', labels: { 'istio.io/rev': revision }, resourceVersion: '1' },
    data: o.data ?? {
      config: typeof config === 'string' ? config : dump(config),
      values: JSON.stringify(o.values ?? { sidecarInjectorWebhook: { enableNamespacesByDefault: false } }, null, 2),
    },
  };
}

/**
 * A workload's rollout state as `restartWorkloads` reports it; `pods` gives the pods it ended with as
 * `name: ready/total` plus whether each runs istio-proxy.
 */
export function rolloutState(
  ref: { kind?: 'Deployment' | 'StatefulSet' | 'DaemonSet'; namespace: string; name: string },
  phase: RolloutPhase,
  o: { message?: string; pods?: { name: string; ready?: number; total?: number; sidecar?: boolean }[] } = {},
): WorkloadRollout {
  return {
    ref: { kind: ref.kind ?? 'Deployment', namespace: ref.namespace, name: ref.name },
    phase,
    message: o.message ?? (phase === 'restarting' ? 'Waiting for deployment "web" rollout to finish: 1 old replicas are pending termination...' : phase),
    restarted: phase !== 'queued',
    paused: false,
    podStates: o.pods?.map((p) => ({ name: p.name, ready: p.ready ?? 2, total: p.total ?? 2, sidecar: p.sidecar ?? true })),
  };
}

type Expr = { key: string; operator: string; values?: string[] };
const notFalse: Expr = { key: 'sidecar.istio.io/inject', operator: 'NotIn', values: ['false'] };
const noRev: Expr = { key: 'istio.io/rev', operator: 'DoesNotExist' };
const noInjection: Expr = { key: 'istio-injection', operator: 'DoesNotExist' };
const never = { matchLabels: { 'istio.io/deactivated': 'never-match' } };

function mwc(name: string, labels: Record<string, string>, url: string, hooks: { name: string; ns: Expr[] | typeof never; obj: Expr[] | typeof never }[]): MutatingWebhookConfiguration {
  const selector = (s: Expr[] | typeof never) => (Array.isArray(s) ? { matchExpressions: s } : s);
  return {
    apiVersion: 'admissionregistration.k8s.io/v1', kind: 'MutatingWebhookConfiguration',
    metadata: { name, labels: { app: 'sidecar-injector', ...labels } },
    webhooks: hooks.map((h) => ({ name: h.name, clientConfig: { url }, namespaceSelector: selector(h.ns), objectSelector: selector(h.obj), failurePolicy: 'Fail', sideEffects: 'None' })),
  };
}

/** `rev.namespace` + `rev.object` entries serving `value` (a revision or a tag), as written out in the chart. */
function revisionHooks(value: string) {
  return [
    { name: 'rev.namespace.sidecar-injector.istio.io', ns: [{ key: 'istio.io/rev', operator: 'In', values: [value] }, noInjection], obj: [notFalse] },
    { name: 'rev.object.sidecar-injector.istio.io', ns: [noRev, noInjection], obj: [notFalse, { key: 'istio.io/rev', operator: 'In', values: [value] }] },
  ];
}

const defaultOnlyHooks = [
  { name: 'namespace.sidecar-injector.istio.io', ns: [{ key: 'istio-injection', operator: 'In', values: ['enabled'] }], obj: [notFalse] },
  { name: 'object.sidecar-injector.istio.io', ns: [noInjection, noRev], obj: [{ key: 'sidecar.istio.io/inject', operator: 'In', values: ['true'] }, noRev] },
];

/**
 * The MutatingWebhookConfigurations of a cluster after `istioctl install` (the chart's `istio-sidecar-injector`,
 * deactivated by the `default` tag istioctl creates), `istioctl install --revision canary` and
 * `istioctl tag set prod --revision canary`: written out from the chart templates, not rendered by the code under test.
 */
export function istioctlInstalledWebhooks(o: { canary?: boolean; prodTag?: boolean; defaultTag?: boolean; defaultTagRevision?: string } = {}): MutatingWebhookConfiguration[] {
  const { canary = true, prodTag = true, defaultTag = true, defaultTagRevision = 'default' } = o;
  const defaultHooks = [...revisionHooks('default'), ...defaultOnlyHooks];
  const out = [
    mwc('istio-sidecar-injector', { 'istio.io/rev': 'default' }, 'https://localhost:15017/inject',
      defaultHooks.map((h) => (defaultTag ? { ...h, ns: never, obj: never } : h))),
  ];
  if (defaultTag) out.push(mwc('istio-revision-tag-default', { 'istio.io/rev': defaultTagRevision, 'istio.io/tag': 'default' }, 'https://localhost:15017/inject', defaultHooks));
  if (canary) out.push(mwc('istio-sidecar-injector-canary', { 'istio.io/rev': 'canary' }, 'https://localhost:15018/inject', revisionHooks('canary')));
  if (canary && prodTag) out.push(mwc('istio-revision-tag-prod', { 'istio.io/rev': 'canary', 'istio.io/tag': 'prod' }, 'https://localhost:15018/inject', revisionHooks('prod')));
  return out.reverse(); // any order: the API server sorts them by name
}
