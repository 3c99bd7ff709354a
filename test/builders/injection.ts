// Builders for the objects injection and rollout logic reads: workloads with a given rollout status,
// pods with or without istio-proxy, namespaces with labels, and Istio's injector webhook configurations.
import type {
  MutatingWebhookConfiguration,
  Namespace,
  Pod,
  Workload as WorkloadObject,
  WorkloadStatus,
} from '../../src/cluster/types';
import { chartInjectorWebhooks } from '../../src/injection/injectors';
import type { RolloutPhase, WorkloadRollout } from '../../src/injection/rollout';
import type { Workload } from '../../src/injection/workloads';

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
export function deployment(name: string, o: DeploymentOptions = {}): Workload {
  const replicas = o.replicas ?? 1;
  const generation = o.generation ?? 1;
  const object: WorkloadObject = {
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
  return { kind: 'Deployment', object };
}

export interface StatefulSetOptions {
  namespace?: string;
  replicas?: number;
  generation?: number;
  updateStrategy?: WorkloadObject['spec']['updateStrategy'];
  status?: WorkloadStatus;
}

export function statefulSet(name: string, o: StatefulSetOptions = {}): Workload {
  const replicas = o.replicas ?? 1;
  const generation = o.generation ?? 1;
  const object: WorkloadObject = {
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
  return { kind: 'StatefulSet', object };
}

export interface DaemonSetOptions {
  namespace?: string;
  generation?: number;
  updateStrategy?: WorkloadObject['spec']['updateStrategy'];
  status?: WorkloadStatus;
}

export function daemonSet(name: string, o: DaemonSetOptions = {}): Workload {
  const generation = o.generation ?? 1;
  const object: WorkloadObject = {
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
  return { kind: 'DaemonSet', object };
}

export interface PodOptions {
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  sidecar?: boolean | 'native';
  ready?: boolean;
  hostNetwork?: boolean;
  deleting?: boolean;
}

/** A running pod of `app`, with an `istio-proxy` container when `sidecar` (an init container when 'native'). */
export function pod(name: string, app: string, o: PodOptions = {}): Pod {
  const ready = o.ready ?? true;
  const proxy = { name: 'istio-proxy', image: 'istio/proxyv2' };
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: o.namespace ?? 'shop',
      labels: { app, ...o.labels },
      annotations: o.annotations,
      deletionTimestamp: o.deleting ? '2025-01-01T00:00:00Z' : undefined,
    },
    spec: {
      hostNetwork: o.hostNetwork,
      containers: [{ name: 'app', image: 'nginx' }, ...(o.sidecar === true ? [proxy] : [])],
      initContainers: o.sidecar === 'native' ? [{ ...proxy, restartPolicy: 'Always' }] : undefined,
    },
    status: {
      phase: 'Running',
      containerStatuses: [
        { name: 'app', ready, image: 'nginx', restartCount: 0 },
        ...(o.sidecar === true ? [{ name: 'istio-proxy', ready, image: 'istio/proxyv2', restartCount: 0 }] : []),
      ],
      initContainerStatuses: o.sidecar === 'native' ? [{ name: 'istio-proxy', ready, image: 'istio/proxyv2', restartCount: 0 }] : undefined,
    },
  };
}

/**
 * An injector MutatingWebhookConfiguration shaped like the ones istiod's chart renders: for the default
 * revision it also serves `istio-injection=enabled` and per-pod opt-in; other revisions and tags serve
 * only `istio.io/rev=<name>`.
 */
export function injectorWebhookConfiguration(revision = 'default'): MutatingWebhookConfiguration {
  const hooks = chartInjectorWebhooks(revision).map(({ name, namespaceSelector, objectSelector }) => ({ name, namespaceSelector, objectSelector }));
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'MutatingWebhookConfiguration',
    metadata: { name: revision === 'default' ? 'istio-sidecar-injector' : `istio-sidecar-injector-${revision}`, labels: { 'istio.io/rev': revision } },
    webhooks: hooks.map((h) => ({ ...h, clientConfig: { service: { name: 'istiod', namespace: 'istio-system', path: '/inject' } } })),
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
