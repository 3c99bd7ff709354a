// Builders for Kubernetes objects as the API server sends them (JSON). Each takes a name and options and
// fills in the rest with what a healthy cluster would show, so a test states only what it is about.
import type {
  Container, DaemonSet, Deployment, MutatingWebhookConfiguration, Namespace, Pod, Service, StatefulSet, Workload,
} from '../../src/cluster/types';

let uidCounter = 0;
const uid = () => `uid-${++uidCounter}`;

export function namespace(name: string, labels: Record<string, string> = {}, o: { terminating?: boolean } = {}): Namespace {
  return {
    apiVersion: 'v1', kind: 'Namespace',
    metadata: { name, uid: uid(), labels: { 'kubernetes.io/metadata.name': name, ...labels }, resourceVersion: '1', ...(o.terminating ? { deletionTimestamp: '2025-01-01T00:00:00Z' } : {}) },
    status: { phase: o.terminating ? 'Terminating' : 'Active' },
  };
}

export interface WorkloadOptions {
  namespace?: string;
  replicas?: number;
  /** Ready replicas; defaults to all. */
  ready?: number;
  labels?: Record<string, string>;
  templateLabels?: Record<string, string>;
  templateAnnotations?: Record<string, string>;
  image?: string;
  containers?: Container[];
  initContainers?: Container[];
  hostNetwork?: boolean;
  paused?: boolean;
  generation?: number;
}

function workload(apiKind: 'Deployment' | 'StatefulSet' | 'DaemonSet' | 'ReplicaSet', name: string, o: WorkloadOptions): Workload {
  const replicas = o.replicas ?? 1;
  const ready = o.ready ?? replicas;
  const generation = o.generation ?? 1;
  const status = apiKind === 'DaemonSet'
    ? { desiredNumberScheduled: replicas, numberReady: ready, updatedNumberScheduled: replicas, numberAvailable: ready, observedGeneration: generation }
    : { replicas, readyReplicas: ready, availableReplicas: ready, updatedReplicas: replicas, observedGeneration: generation };
  return {
    apiVersion: 'apps/v1', kind: apiKind,
    metadata: { name, namespace: o.namespace ?? 'default', uid: uid(), generation, resourceVersion: '1', labels: { app: name, ...o.labels } },
    spec: {
      ...(apiKind === 'DaemonSet' ? {} : { replicas }),
      paused: o.paused,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name, ...o.templateLabels }, annotations: o.templateAnnotations },
        spec: { containers: o.containers ?? [{ name: 'app', image: o.image ?? `registry.example/${name}:1.0` }], initContainers: o.initContainers, hostNetwork: o.hostNetwork },
      },
    },
    status,
  };
}

export const deployment = (name: string, o: WorkloadOptions = {}): Deployment => workload('Deployment', name, o);
export const statefulSet = (name: string, o: WorkloadOptions = {}): StatefulSet => workload('StatefulSet', name, o);
export const daemonSet = (name: string, o: WorkloadOptions = {}): DaemonSet => workload('DaemonSet', name, o);

export interface PodOptions {
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  /** The controlling owner; for a Deployment give `{ kind: 'Deployment', name }` and a ReplicaSet owner is made. */
  owner?: { kind: 'Deployment' | 'ReplicaSet' | 'StatefulSet' | 'DaemonSet' | 'Job'; name: string };
  /** Adds an istio-proxy container (`'native'`: as an init container with restartPolicy Always). */
  sidecar?: boolean | 'native';
  /** The revision the sidecar's status annotation names (default `default`). */
  injectedBy?: string;
  proxyImage?: string;
  image?: string;
  hostNetwork?: boolean;
  phase?: 'Pending' | 'Running' | 'Succeeded' | 'Failed';
  /** Whether all containers are ready (default true when Running). */
  ready?: boolean;
  terminating?: boolean;
}

/** A pod as its controller would create it, with container statuses matching its containers. */
export function pod(name: string, o: PodOptions = {}): Pod {
  const phase = o.phase ?? 'Running';
  const ready = o.ready ?? phase === 'Running';
  const proxy: Container = { name: 'istio-proxy', image: o.proxyImage ?? 'docker.io/istio/proxyv2:1.22.3' };
  const containers: Container[] = [{ name: 'app', image: o.image ?? 'registry.example/app:1.0' }];
  const initContainers: Container[] = [];
  if (o.sidecar === 'native') initContainers.push({ ...proxy, restartPolicy: 'Always' });
  else if (o.sidecar) containers.push(proxy);
  const labels: Record<string, string> = { ...o.labels };
  let ownerReferences: Pod['metadata']['ownerReferences'];
  if (o.owner) {
    let kind: string = o.owner.kind;
    let ownerName = o.owner.name;
    if (kind === 'Deployment') {
      labels['pod-template-hash'] = '5d4f8b7c9';
      kind = 'ReplicaSet';
      ownerName = `${o.owner.name}-5d4f8b7c9`;
    }
    ownerReferences = [{ apiVersion: kind === 'Job' ? 'batch/v1' : 'apps/v1', kind, name: ownerName, uid: uid(), controller: true }];
  }
  // As the kubelet reports them: running (and, for init containers, started), ready when the pod is.
  const status = (c: Container) => ({ name: c.name, ready, started: phase === 'Running', ...(phase === 'Running' ? { state: { running: {} } } : {}), image: c.image, restartCount: 0 });
  const injected: Record<string, string> = o.sidecar ? { 'sidecar.istio.io/status': JSON.stringify({ containers: ['istio-proxy'], revision: o.injectedBy ?? 'default' }) } : {};
  const annotations = { ...injected, ...o.annotations };
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: {
      name, namespace: o.namespace ?? 'default', uid: uid(), resourceVersion: '1', labels, annotations: Object.keys(annotations).length ? annotations : undefined, ownerReferences,
      ...(o.terminating ? { deletionTimestamp: '2025-01-01T00:00:00Z' } : {}),
    },
    spec: { containers, initContainers: initContainers.length ? initContainers : undefined, hostNetwork: o.hostNetwork, nodeName: 'node-1' },
    status: {
      phase, conditions: [{ type: 'Initialized', status: phase === 'Pending' ? 'False' : 'True' }],
      containerStatuses: containers.map(status), initContainerStatuses: initContainers.length ? initContainers.map(status) : undefined,
    },
  };
}

export interface ServiceOptions {
  namespace?: string;
  type?: 'ClusterIP' | 'NodePort' | 'LoadBalancer';
  ports?: { name?: string; port: number; nodePort?: number; protocol?: string }[];
  labels?: Record<string, string>;
  selector?: Record<string, string>;
  loadBalancerIP?: string;
}

export function service(name: string, o: ServiceOptions = {}): Service {
  return {
    apiVersion: 'v1', kind: 'Service',
    metadata: { name, namespace: o.namespace ?? 'default', uid: uid(), resourceVersion: '1', labels: o.labels },
    spec: { type: o.type ?? 'ClusterIP', ports: o.ports ?? [{ name: 'http', port: 80 }], selector: o.selector ?? { app: name } },
    status: o.loadBalancerIP ? { loadBalancer: { ingress: [{ ip: o.loadBalancerIP }] } } : {},
  };
}

export interface WebhookOptions {
  revision?: string;
  tag?: string;
  /** The webhook entries' names; Istio's injector uses `*.sidecar-injector.istio.io`. */
  webhookNames?: string[];
  namespace?: string;
}

/** An Istio injector MutatingWebhookConfiguration (or a tag's, when `tag` is given). */
export function mutatingWebhook(name: string, o: WebhookOptions = {}): MutatingWebhookConfiguration {
  const labels: Record<string, string> = { app: 'sidecar-injector' };
  if (o.revision) labels['istio.io/rev'] = o.revision;
  if (o.tag) labels['istio.io/tag'] = o.tag;
  return {
    apiVersion: 'admissionregistration.k8s.io/v1', kind: 'MutatingWebhookConfiguration',
    metadata: { name, uid: uid(), resourceVersion: '1', labels },
    webhooks: (o.webhookNames ?? ['rev.namespace.sidecar-injector.istio.io', 'rev.object.sidecar-injector.istio.io']).map((n) => ({
      name: n, clientConfig: { service: { name: o.revision && o.revision !== 'default' ? `istiod-${o.revision}` : 'istiod', namespace: o.namespace ?? 'istio-system', path: '/inject' } },
    })),
  };
}

/** istiod of a revision, as `istioctl install [--revision]` creates it. */
export function istiod(o: { revision?: string; version?: string; namespace?: string; ready?: number; replicas?: number } = {}): Deployment {
  const rev = o.revision && o.revision !== 'default' ? o.revision : undefined;
  return deployment(rev ? `istiod-${rev}` : 'istiod', {
    namespace: o.namespace ?? 'istio-system', replicas: o.replicas, ready: o.ready,
    labels: { app: 'istiod', istio: 'pilot', 'istio.io/rev': o.revision ?? 'default' },
    containers: [{ name: 'discovery', image: `docker.io/istio/pilot:${o.version ?? '1.22.3'}` }],
  });
}

/** The metadata-only form of a CRD, as the store watches them. */
export function crd(name: string) {
  return { apiVersion: 'meta.k8s.io/v1', kind: 'PartialObjectMetadata', metadata: { name, uid: uid(), resourceVersion: '1' } };
}
