/**
 * The object shapes the extension reads, as the API server sends them (JSON: timestamps are strings).
 * Only the fields we use are typed; objects keep every other field the server sent.
 */
export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: { apiVersion: string; kind: string; name: string; uid: string; controller?: boolean }[];
  [field: string]: unknown;
}

export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
}

/** An object of any kind with every field the server sent: manifests, and objects read by kind name (the install flow). */
export interface UnstructuredObject extends KubeObject {
  [field: string]: unknown;
}

export interface KubeList<T> {
  items: T[];
  resourceVersion: string;
}

export interface Container {
  name: string;
  image?: string;
  /** `Always` on an init container makes it a native sidecar (Kubernetes 1.28+). */
  restartPolicy?: string;
  ports?: { name?: string; containerPort: number; protocol?: string }[];
  [field: string]: unknown;
}

export interface PodTemplate {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: PodSpec;
}

export interface PodSpec {
  containers: Container[];
  initContainers?: Container[];
  hostNetwork?: boolean;
  nodeName?: string;
  [field: string]: unknown;
}

export interface ContainerStatus {
  name: string;
  ready: boolean;
  restartCount?: number;
  image?: string;
  started?: boolean;
  state?: { waiting?: { reason?: string }; running?: unknown; terminated?: { reason?: string; exitCode?: number } };
}

export interface Pod extends KubeObject {
  spec: PodSpec;
  status?: {
    phase?: string;
    podIP?: string;
    conditions?: { type: string; status: string }[];
    containerStatuses?: ContainerStatus[];
    initContainerStatuses?: ContainerStatus[];
  };
}

export interface WorkloadStatus {
  replicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  updatedReplicas?: number;
  observedGeneration?: number;
  /** DaemonSet counters. */
  desiredNumberScheduled?: number;
  numberReady?: number;
  updatedNumberScheduled?: number;
  numberAvailable?: number;
  conditions?: { type: string; status: string; reason?: string; message?: string }[];
  /** StatefulSet revisions and counters (kubectl rollout status compares them). */
  currentReplicas?: number;
  currentRevision?: string;
  updateRevision?: string;
}

export interface Workload extends KubeObject {
  spec: {
    replicas?: number;
    paused?: boolean;
    selector?: LabelSelector;
    template: PodTemplate;
    /** StatefulSet/DaemonSet update strategy; Deployments have `strategy`. */
    updateStrategy?: { type?: string; rollingUpdate?: { partition?: number; [field: string]: unknown } };
    [field: string]: unknown;
  };
  status?: WorkloadStatus;
}

/** The kinds `kubectl rollout restart` can restart, and the tree shows. */
export type WorkloadKind = 'Deployment' | 'StatefulSet' | 'DaemonSet';
export const WORKLOAD_KINDS: readonly WorkloadKind[] = ['Deployment', 'StatefulSet', 'DaemonSet'];

/** A workload whose kind is known: list items come without `kind`, so whoever lists them sets it. */
export type KindedWorkload = Workload & { readonly kind: WorkloadKind };

export type Deployment = Workload;
export type StatefulSet = Workload;
export type DaemonSet = Workload;

export interface ServicePort {
  name?: string;
  port: number;
  targetPort?: number | string;
  nodePort?: number;
  protocol?: string;
}

export interface Service extends KubeObject {
  spec: {
    type?: string;
    clusterIP?: string;
    ports?: ServicePort[];
    selector?: Record<string, string>;
    [field: string]: unknown;
  };
  status?: { loadBalancer?: { ingress?: { ip?: string; hostname?: string }[] } };
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

export interface MutatingWebhook {
  name: string;
  namespaceSelector?: LabelSelector;
  objectSelector?: LabelSelector;
  clientConfig?: { service?: { name: string; namespace: string; path?: string; port?: number }; url?: string };
  [field: string]: unknown;
}

export interface MutatingWebhookConfiguration extends KubeObject {
  webhooks?: MutatingWebhook[];
}

export interface ConfigMap extends KubeObject {
  data?: Record<string, string>;
}

export interface Namespace extends KubeObject {
  status?: { phase?: string };
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

export interface WatchEvent<T = KubeObject> {
  type: WatchEventType;
  object: T;
}
