import type { ConfigMap, KindedWorkload, MutatingWebhookConfiguration, Namespace, Pod, WatchEventType, WorkloadKind } from '../cluster/types';
import type { NamespaceLabelPatch, RestartPatch } from './patches';
import type { WorkloadRef } from './workloads';

/** The watch events that carry a workload (the adapter drops bookmarks and turns errors into `onEnd`). */
export type WorkloadEventType = Exclude<WatchEventType, 'BOOKMARK' | 'ERROR'>;

export interface WatchHandle {
  stop(): void;
}

/**
 * The injection feature's port: the cluster calls injection and restarts need. `rolloutClusterFrom`
 * (rolloutClusterAdapter.ts) implements it over the cluster wrapper (`src/cluster`); unit tests use an
 * in-memory fake. Failures are the wrapper's `ClusterError`s (errors.ts words them).
 */
export interface RolloutCluster {
  /** The kubeconfig context every call goes to: named in every prompt and message. */
  readonly context: string;
  listNamespaces(): Promise<Namespace[]>;
  getNamespace(name: string): Promise<Namespace>;
  /** A JSON merge patch (application/merge-patch+json). */
  patchNamespace(name: string, patch: NamespaceLabelPatch): Promise<Namespace>;
  listWorkloads(namespace: string): Promise<KindedWorkload[]>;
  getWorkload(ref: WorkloadRef): Promise<KindedWorkload>;
  /** A strategic merge patch, as `kubectl rollout restart` sends. */
  patchWorkload(ref: WorkloadRef, patch: RestartPatch): Promise<KindedWorkload>;
  /**
   * Watches one kind in a namespace; resolves once the watch is established, so nothing after that is
   * missed. `onEnd` is called once when the watch stops by itself (server timeout, network error).
   */
  watchWorkloads(
    kind: WorkloadKind,
    namespace: string,
    onEvent: (type: WorkloadEventType, workload: KindedWorkload) => void,
    onEnd: (error?: unknown) => void,
  ): Promise<WatchHandle>;
  listPods(namespace: string, labelSelector?: string): Promise<Pod[]>;
  listMutatingWebhookConfigurations(): Promise<MutatingWebhookConfiguration[]>;
  /** The ConfigMaps of one (control-plane) namespace: istiod's injector config is among them. */
  listConfigMaps(namespace: string): Promise<ConfigMap[]>;
  /** Whether ambient mode is installed (a ztunnel DaemonSet exists). */
  ambientInstalled(): Promise<boolean>;
}
