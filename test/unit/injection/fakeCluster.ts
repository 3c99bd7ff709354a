// An in-memory RolloutCluster: namespaces with resourceVersions (409 on stale merge patches), workloads
// whose generation moves on each restart patch, watchers that receive every change, and a pretend
// controller the test drives (or lets run) to move rollouts along.
import { ClusterError, type ClusterErrorKind } from '../../../src/cluster/errors';
import type { ConfigMap, KindedWorkload, MutatingWebhookConfiguration, Namespace, Pod, WorkloadKind } from '../../../src/cluster/types';
import type { NamespaceLabelPatch, RestartPatch } from '../../../src/injection/patches';
import type { RolloutCluster, WorkloadEventType, WatchHandle } from '../../../src/injection/rolloutCluster';
import { type WorkloadRef, refOf, workloadKey } from '../../../src/injection/workloads';

/** What the cluster wrapper throws, so the feature's error handling sees the real thing. */
export class StatusError extends ClusterError {
  constructor(kind: ClusterErrorKind, message: string = kind) {
    super(kind, message);
  }
}

interface Watcher {
  kind: WorkloadKind;
  namespace: string;
  onEvent: (type: WorkloadEventType, w: KindedWorkload) => void;
  onEnd: (error?: unknown) => void;
}

export class FakeCluster implements RolloutCluster {
  readonly context = 'fake-context';
  readonly namespaces = new Map<string, Namespace>();
  readonly workloads = new Map<string, KindedWorkload>();
  pods: Pod[] = [];
  webhookConfigurations: MutatingWebhookConfiguration[] = [];
  configMaps: ConfigMap[] = [];
  /** When set, every restart rolls out right after the patch, as a healthy controller would. */
  autoRollout = true;
  /** The controller finishes the rollout, and the watch says so, before the patch's answer arrives. */
  rolloutBeforeAnswer = false;
  /** Errors the next calls of a method throw, in order. */
  readonly failures = new Map<string, unknown[]>();
  /** Called before a namespace patch is applied: lets a test change the namespace "meanwhile". */
  beforeNamespacePatch?: () => void;
  readonly calls: string[] = [];
  patchesInFlight = 0;
  maxPatchesInFlight = 0;
  private readonly watchers = new Set<Watcher>();

  addNamespace(ns: Namespace): void {
    this.namespaces.set(ns.metadata!.name!, structuredClone(ns));
  }

  addWorkload(w: KindedWorkload): void {
    this.workloads.set(workloadKey(refOf(w)), structuredClone(w));
  }

  workload(ref: WorkloadRef): KindedWorkload {
    return this.workloads.get(workloadKey(ref))!;
  }

  get watcherCount(): number {
    return this.watchers.size;
  }

  private fail(method: string): void {
    const queue = this.failures.get(method);
    const error = queue?.shift();
    if (error) throw error;
  }

  async listNamespaces(): Promise<Namespace[]> {
    return [...this.namespaces.values()].map((ns) => structuredClone(ns));
  }

  async getNamespace(name: string): Promise<Namespace> {
    this.calls.push(`get namespace ${name}`);
    this.fail('getNamespace');
    const ns = this.namespaces.get(name);
    if (!ns) throw new StatusError('notFound');
    return structuredClone(ns);
  }

  async patchNamespace(name: string, patch: NamespaceLabelPatch): Promise<Namespace> {
    this.calls.push(`patch namespace ${name} ${JSON.stringify(patch)}`);
    this.beforeNamespacePatch?.();
    this.fail('patchNamespace');
    const ns = this.namespaces.get(name);
    if (!ns) throw new StatusError('notFound');
    if (patch.metadata.resourceVersion && patch.metadata.resourceVersion !== ns.metadata!.resourceVersion) throw new StatusError('conflict');
    const labels = { ...ns.metadata!.labels };
    for (const [k, v] of Object.entries(patch.metadata.labels)) {
      if (v === null) delete labels[k];
      else labels[k] = v;
    }
    ns.metadata!.labels = labels;
    ns.metadata!.resourceVersion = String(Number(ns.metadata!.resourceVersion ?? '0') + 1);
    return structuredClone(ns);
  }

  /** Someone else edits the namespace: a new resourceVersion. */
  touchNamespace(name: string, labels: Record<string, string>): void {
    const ns = this.namespaces.get(name)!;
    ns.metadata!.labels = { ...ns.metadata!.labels, ...labels };
    ns.metadata!.resourceVersion = String(Number(ns.metadata!.resourceVersion ?? '0') + 1);
  }

  async listWorkloads(namespace: string): Promise<KindedWorkload[]> {
    return [...this.workloads.values()].filter((w) => w.metadata?.namespace === namespace).map((w) => structuredClone(w));
  }

  async getWorkload(ref: WorkloadRef): Promise<KindedWorkload> {
    this.calls.push(`get ${workloadKey(ref)}`);
    this.fail('getWorkload');
    const w = this.workloads.get(workloadKey(ref));
    if (!w) throw new StatusError('notFound');
    return structuredClone(w);
  }

  async patchWorkload(ref: WorkloadRef, patch: RestartPatch): Promise<KindedWorkload> {
    this.calls.push(`patch ${workloadKey(ref)} ${JSON.stringify(patch)}`);
    this.patchesInFlight++;
    this.maxPatchesInFlight = Math.max(this.maxPatchesInFlight, this.patchesInFlight);
    try {
      await new Promise((resolve) => setImmediate(resolve));
      this.fail('patchWorkload');
      const w = this.workloads.get(workloadKey(ref));
      if (!w) throw new StatusError('notFound');
      const meta = w.metadata!;
      const template = w.spec!.template!;
      template.metadata = { ...template.metadata, annotations: { ...template.metadata?.annotations, ...patch.spec.template.metadata.annotations } };
      meta.generation = (meta.generation ?? 0) + 1;
      this.emit('MODIFIED', w);
      const answer = structuredClone(w);
      if (this.rolloutBeforeAnswer) this.completeRollout(ref);
      else if (this.autoRollout) setImmediate(() => this.completeRollout(ref));
      return answer;
    } finally {
      this.patchesInFlight--;
    }
  }

  /** The controller observes the new generation and finishes the rollout. */
  completeRollout(ref: WorkloadRef): void {
    const w = this.workloads.get(workloadKey(ref));
    if (!w) return;
    const generation = w.metadata!.generation!;
    if (w.kind === 'Deployment') {
      const replicas = w.spec?.replicas ?? 1;
      w.status = { observedGeneration: generation, replicas, updatedReplicas: replicas, readyReplicas: replicas, availableReplicas: replicas };
    } else if (w.kind === 'StatefulSet') {
      const replicas = w.spec?.replicas ?? 1;
      w.status = { ...w.status, observedGeneration: generation, replicas, readyReplicas: replicas, updatedReplicas: replicas };
    } else {
      w.status = { ...w.status!, observedGeneration: generation, updatedNumberScheduled: w.status!.desiredNumberScheduled, numberAvailable: w.status!.desiredNumberScheduled };
    }
    this.emit('MODIFIED', w);
  }

  /** The controller observes the new generation but makes no progress, and the deadline passes. */
  exceedDeadline(ref: WorkloadRef): void {
    const w = this.workloads.get(workloadKey(ref))!;
    if (w.kind !== 'Deployment') throw new Error('only deployments have a progress deadline');
    w.status = {
      ...w.status,
      observedGeneration: w.metadata!.generation,
      updatedReplicas: 0,
      conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }],
    };
    this.emit('MODIFIED', w);
  }

  deleteWorkload(ref: WorkloadRef): void {
    const w = this.workloads.get(workloadKey(ref))!;
    this.workloads.delete(workloadKey(ref));
    this.emit('DELETED', w);
  }

  /** The server closes every watch, as it does after its timeout. */
  endWatches(): void {
    for (const w of [...this.watchers]) {
      this.watchers.delete(w);
      w.onEnd();
    }
  }

  private emit(type: WorkloadEventType, w: KindedWorkload): void {
    for (const watcher of this.watchers) {
      if (watcher.kind === w.kind && watcher.namespace === w.metadata?.namespace) watcher.onEvent(type, structuredClone(w));
    }
  }

  async watchWorkloads(
    kind: WorkloadKind,
    namespace: string,
    onEvent: (type: WorkloadEventType, w: KindedWorkload) => void,
    onEnd: (error?: unknown) => void,
  ): Promise<WatchHandle> {
    this.calls.push(`watch ${kind} ${namespace}`);
    this.fail('watchWorkloads');
    const watcher = { kind, namespace, onEvent, onEnd };
    this.watchers.add(watcher);
    return { stop: () => this.watchers.delete(watcher) };
  }

  async listPods(namespace: string, labelSelector?: string): Promise<Pod[]> {
    const wanted = Object.fromEntries((labelSelector ?? '').split(',').filter(Boolean).map((kv) => kv.split('=')));
    return this.pods.filter((p) => p.metadata?.namespace === namespace
      && Object.entries(wanted).every(([k, v]) => p.metadata?.labels?.[k] === v));
  }

  async listMutatingWebhookConfigurations(): Promise<MutatingWebhookConfiguration[]> {
    this.fail('listMutatingWebhookConfigurations');
    return this.webhookConfigurations;
  }

  async listConfigMaps(namespace: string): Promise<ConfigMap[]> {
    this.fail('listConfigMaps');
    return this.configMaps.filter((c) => c.metadata.namespace === namespace);
  }

  async ambientInstalled(): Promise<boolean> {
    return false;
  }
}
