import type { ConfigMap, DaemonSet, Deployment, KubeObject, MutatingWebhookConfiguration, Namespace, Pod, Service, Workload } from '../cluster/types';
import { type InjectorConfigMap, injectorConfigMaps } from '../istio/injectorConfig';
import { MeshConfigMap } from '../istio/meshConfig';
import { RootCertConfigMap } from '../istio/names';
import { buildControlPlane } from './controlPlane';
import { Emitter } from '../util/events';
import type { ControlPlane, NamespaceModel } from './model';
import { NamespaceMemo, buildNamespace, injectionOf } from './namespaces';

/** The collections the store holds, one per watch. `configmaps`: those of the control-plane namespaces only. */
export type Collection = 'namespaces' | 'pods' | 'deployments' | 'statefulsets' | 'daemonsets' | 'services' | 'webhooks' | 'crds' | 'configmaps';

const workloadKinds: Partial<Record<Collection, string>> = { deployments: 'Deployment', statefulsets: 'StatefulSet', daemonsets: 'DaemonSet' };
/** Collections the control plane is built from. */
export const controlPlaneCollections: readonly Collection[] = ['deployments', 'daemonsets', 'services', 'webhooks', 'crds', 'configmaps'];

export interface MeshChange {
  /** Namespaces whose model changed; `all` after a control-plane change that moves injection, or a full list. */
  namespaces: ReadonlySet<string> | 'all';
  /** The control plane as the view shows it changed (its own objects, not an application's Deployment). */
  controlPlane: boolean;
  /**
   * Set when a ConfigMap the mesh checks read changed (see `MESH_FACTS_CONFIGMAPS`): the mesh config with its mesh ID,
   * the published root certificate. The view shows neither, so only the checks across clusters read them again.
   */
  meshFacts?: true;
}

/** The control plane's ConfigMaps the mesh checks across clusters read (src/mesh/clusterFactsReader.ts). */
const MESH_FACTS_CONFIGMAPS: ReadonlySet<string> = new Set([MeshConfigMap, RootCertConfigMap]);

/** One change for two: what the view must redraw after both. */
export function mergeChanges(a: MeshChange | undefined, b: MeshChange): MeshChange {
  if (!a) return b;
  const namespaces = a.namespaces === 'all' || b.namespaces === 'all' ? 'all' : new Set([...a.namespaces, ...b.namespaces]);
  return { namespaces, controlPlane: a.controlPlane || b.controlPlane, ...(a.meshFacts || b.meshFacts ? { meshFacts: true } : {}) };
}

export interface MeshStoreOptions {
  /**
   * Quiet time before a change is announced; bursts of events become one change. A frame by default: the last change
   * of a rollout is on its way to the view that much after it happened (the view spaces its own redraws).
   */
  debounceMs?: number;
  /** Longest a change waits under a steady stream of events. */
  maxWaitMs?: number;
}

/**
 * The live mesh: cluster objects applied incrementally from watches, and the model built from them on
 * demand, cached per namespace so a label change rebuilds one namespace, not 200. Changes are announced
 * batched (debounced with a maximum wait) so a rollout of many pods refreshes the view a few times, not
 * thousands.
 */
export class MeshStore {
  private readonly objects = new Map<Collection, Map<string, Map<string, KubeObject>>>();
  private readonly synced = new Set<Collection>();
  /** Collections (`webhooks`) or collections of one namespace (`configmaps/istio-system`) RBAC keeps from us: listed as empty, but unknown rather than absent. */
  private readonly hidden = new Set<string>();
  /** Each ConfigMap read once: a watch event replaces the object, and with it this entry. */
  private readonly parsedInjectors = new WeakMap<KubeObject, readonly InjectorConfigMap[]>();
  private controlPlaneCache: ControlPlane | undefined;
  /** A control-plane collection changed since the control plane was last built. */
  private controlPlaneDirty = true;
  /** What of the control plane the namespace models depend on, and all of it as the view shows it. */
  private controlPlaneKey = '';
  private controlPlaneShown = '';
  private readonly namespaceCache = new Map<string, NamespaceModel>();
  /** Per namespace, what its last build made from which objects (see `NamespaceMemo`). */
  private readonly memos = new Map<string, NamespaceMemo>();
  private namespaceListCache: NamespaceModel[] | undefined;
  private pendingNamespaces = new Set<string>();
  private pendingAll = false;
  private pendingControlPlane = false;
  private pendingMeshFacts = false;
  private debounceTimer: NodeJS.Timeout | undefined;
  private maxWaitTimer: NodeJS.Timeout | undefined;
  private readonly changeEmitter = new Emitter<MeshChange>();
  readonly onDidChange = this.changeEmitter.event;

  constructor(private readonly options: MeshStoreOptions = {}) {}

  /** Replaces a collection after a list (of one namespace when `namespace` is given). */
  replace(collection: Collection, items: KubeObject[], namespace?: string): void {
    this.load(collection, items, namespace, false);
  }

  /**
   * RBAC forbids listing a collection (of one namespace when given): it is empty, and the model knows it is unknown
   * (webhooks: assumed; the ConfigMaps of a control-plane namespace: its injectors' policies unknown).
   */
  hide(collection: Collection, namespace?: string): void {
    this.load(collection, [], namespace, true);
  }

  private load(collection: Collection, items: KubeObject[], namespace: string | undefined, hidden: boolean): void {
    const byNs = this.collection(collection);
    if (namespace === undefined) byNs.clear();
    else byNs.delete(namespace);
    for (const item of items) this.put(collection, byNs, item);
    this.synced.add(collection);
    const key = namespace === undefined ? collection : `${collection}/${namespace}`;
    if (hidden) this.hidden.add(key);
    else this.hidden.delete(key);
    this.invalidate(collection, undefined);
  }

  /** Applies one watch event. */
  apply(collection: Collection, type: 'ADDED' | 'MODIFIED' | 'DELETED', object: KubeObject): void {
    const byNs = this.collection(collection);
    const ns = object.metadata.namespace ?? '';
    if (type === 'DELETED') {
      byNs.get(ns)?.delete(object.metadata.name);
    } else {
      this.put(collection, byNs, object);
    }
    if (collection === 'configmaps' && MESH_FACTS_CONFIGMAPS.has(object.metadata.name)) this.pendingMeshFacts = true;
    this.invalidate(collection, collection === 'namespaces' ? object.metadata.name : ns);
  }

  /** Whether every given collection has been listed at least once. */
  isSynced(...collections: Collection[]): boolean {
    return collections.every((c) => this.synced.has(c));
  }

  /** Forgets everything (context switch). */
  clear(): void {
    this.objects.clear();
    this.memos.clear();
    this.synced.clear();
    this.hidden.clear();
    this.invalidate(undefined, undefined);
  }

  get controlPlane(): ControlPlane {
    if (this.controlPlaneDirty || !this.controlPlaneCache) this.rebuildControlPlane();
    return this.controlPlaneCache!;
  }

  /** All namespaces, sorted by name. */
  get namespaces(): readonly NamespaceModel[] {
    if (!this.namespaceListCache) {
      const names = [...(this.objects.get('namespaces')?.get('')?.keys() ?? [])].sort();
      this.namespaceListCache = names.map((n) => this.namespace(n)).filter((n): n is NamespaceModel => n !== undefined);
    }
    return this.namespaceListCache;
  }

  /**
   * Whether some namespace puts its pods in the mesh (a sidecar or ambient), told from the namespaces' labels and the
   * control plane: no namespace model is built. Asked on every flush; while the pods are being listed, building every
   * model (with its pods) each time kept the extension host busy while VS Code drew the view's first rows.
   */
  someNamespaceInMesh(): boolean {
    const cp = this.controlPlane;
    for (const ns of this.objects.get('namespaces')?.get('')?.values() ?? []) if (injectionOf(ns as Namespace, cp).plain.dataplane !== 'none') return true;
    return false;
  }

  /**
   * The namespaces holding a workload or a pod, sorted, told from the raw objects: no namespace model is built (the
   * YAML checks ask on every change, and building every model with its pods at the first sync stalled the host).
   */
  namespacesWithWorkloads(): string[] {
    const names = new Set<string>();
    for (const c of ['pods', 'deployments', 'statefulsets', 'daemonsets'] as const) {
      for (const [ns, objects] of this.objects.get(c) ?? []) if (objects.size > 0) names.add(ns);
    }
    return [...(this.objects.get('namespaces')?.get('')?.keys() ?? [])].filter((n) => names.has(n)).sort();
  }

  namespace(name: string): NamespaceModel | undefined {
    // A stale control plane may move every namespace's state: settle it before trusting the cache.
    if (this.controlPlaneDirty) this.rebuildControlPlane();
    const cached = this.namespaceCache.get(name);
    if (cached) return cached;
    const ns = this.objects.get('namespaces')?.get('')?.get(name) as Namespace | undefined;
    if (!ns) {
      this.memos.delete(name);
      return undefined;
    }
    let memo = this.memos.get(name);
    if (!memo) this.memos.set(name, (memo = new NamespaceMemo()));
    const workloads: Workload[] = [];
    for (const c of ['deployments', 'statefulsets', 'daemonsets'] as const) {
      for (const w of this.objects.get(c)?.get(name)?.values() ?? []) workloads.push(w as Workload);
    }
    const model = buildNamespace({ namespace: ns, pods: (this.objects.get('pods')?.get(name)?.values() ?? []) as Iterable<Pod>, workloads }, this.controlPlane, memo);
    this.namespaceCache.set(name, model);
    return model;
  }

  /** Raw objects of a collection (optionally of one namespace), e.g. for the injection commands. */
  *values<T extends KubeObject = KubeObject>(collection: Collection, namespace?: string): Iterable<T> {
    const byNs = this.objects.get(collection);
    if (!byNs) return;
    if (namespace !== undefined) {
      yield* (byNs.get(namespace)?.values() ?? []) as Iterable<T>;
      return;
    }
    for (const m of byNs.values()) yield* m.values() as Iterable<T>;
  }

  private *injectorConfigs(): Iterable<InjectorConfigMap> {
    for (const c of this.values<ConfigMap>('configmaps')) {
      let parsed = this.parsedInjectors.get(c);
      if (!parsed) this.parsedInjectors.set(c, (parsed = injectorConfigMaps([c])));
      yield* parsed;
    }
  }

  /** Announces pending changes now (tests, and before measuring). */
  flush(): void {
    clearTimeout(this.debounceTimer);
    clearTimeout(this.maxWaitTimer);
    this.debounceTimer = this.maxWaitTimer = undefined;
    if (this.controlPlaneDirty) this.rebuildControlPlane();
    if (!this.pendingAll && this.pendingNamespaces.size === 0 && !this.pendingControlPlane && !this.pendingMeshFacts) return;
    const change: MeshChange = { namespaces: this.pendingAll ? 'all' : this.pendingNamespaces, controlPlane: this.pendingControlPlane, ...(this.pendingMeshFacts ? { meshFacts: true as const } : {}) };
    this.pendingAll = this.pendingControlPlane = this.pendingMeshFacts = false;
    this.pendingNamespaces = new Set();
    this.changeEmitter.fire(change);
  }

  dispose(): void {
    clearTimeout(this.debounceTimer);
    clearTimeout(this.maxWaitTimer);
    this.changeEmitter.dispose();
  }

  private collection(c: Collection): Map<string, Map<string, KubeObject>> {
    let byNs = this.objects.get(c);
    if (!byNs) this.objects.set(c, (byNs = new Map()));
    return byNs;
  }

  private put(collection: Collection, byNs: Map<string, Map<string, KubeObject>>, item: KubeObject): void {
    const ns = item.metadata.namespace ?? '';
    let byName = byNs.get(ns);
    if (!byName) byNs.set(ns, (byName = new Map()));
    const kind = workloadKinds[collection];
    byName.set(item.metadata.name, kind && !item.kind ? { ...item, kind } : item);
  }

  /** Drops cached models the change affects; `namespace` undefined means everything of the collection. */
  private invalidate(collection: Collection | undefined, namespace: string | undefined): void {
    const all = collection === undefined || namespace === undefined;
    // Built again once per announced change, not per event: an application's Deployment rolling out
    // leaves the control plane as it was, and then neither it nor every namespace is redrawn.
    if (collection === undefined || controlPlaneCollections.includes(collection)) this.controlPlaneDirty = true;
    if (collection === 'namespaces') this.namespaceListCache = undefined;
    if (all) {
      this.namespaceCache.clear();
      this.namespaceListCache = undefined;
      this.pendingAll = true;
    } else if (namespace !== undefined && collection !== 'webhooks' && collection !== 'crds' && collection !== 'configmaps') {
      this.namespaceCache.delete(namespace);
      this.namespaceListCache = undefined;
      this.pendingNamespaces.add(namespace);
    }
    this.schedule();
  }

  private rebuildControlPlane(): void {
    const cp = buildControlPlane({
      deployments: this.values<Deployment>('deployments'),
      daemonSets: this.values<DaemonSet>('daemonsets'),
      services: this.values<Service>('services'),
      webhooks: this.values<MutatingWebhookConfiguration>('webhooks'),
      webhooksHidden: this.hidden.has('webhooks'),
      injectorConfigs: this.injectorConfigs(),
      injectorConfigsHidden: [...this.hidden].filter((k) => k.startsWith('configmaps/')).map((k) => k.slice('configmaps/'.length)).sort(),
      crdNames: [...this.values('crds')].map((c) => c.metadata.name),
    });
    this.controlPlaneDirty = false;
    const shown = JSON.stringify(cp);
    // The same control plane keeps its object: an application's Deployment rolling out rebuilds it, and what was
    // built against it (the namespaces' memos, the YAML hovers' facts) stays valid.
    if (shown === this.controlPlaneShown && this.controlPlaneCache) return;
    this.controlPlaneCache = cp;
    const key = controlPlaneKey(cp);
    if (key !== this.controlPlaneKey) {
      // Revisions, versions or control-plane namespaces moved: every namespace's state may change.
      this.controlPlaneKey = key;
      this.namespaceCache.clear();
      this.namespaceListCache = undefined;
      this.pendingAll = true;
    }
    this.controlPlaneShown = shown;
    this.pendingControlPlane = true;
  }

  private schedule(): void {
    const debounce = this.options.debounceMs ?? 16;
    clearTimeout(this.debounceTimer);
    this.debounceTimer = setTimeout(() => this.flush(), debounce);
    this.maxWaitTimer ??= setTimeout(() => this.flush(), this.options.maxWaitMs ?? 250);
  }
}

/** What of the control plane changes namespace models: namespaces, revisions with versions, tags, injector webhooks. */
function controlPlaneKey(cp: ControlPlane): string {
  return JSON.stringify([cp.namespaces, cp.revisions.map((r) => [r.revision, r.version]), cp.tags, cp.injection]);
}
