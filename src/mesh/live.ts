import type { ClusterClient } from '../cluster/client';
import { ClusterError } from '../cluster/errors';
import { Kinds, type ResourceKind } from '../cluster/kinds';
import { Reflector } from '../cluster/reflector';
import type { KubeObject } from '../cluster/types';
import { IstioSystemNamespace } from '../istio/names';
import type { Logger } from '../util/log';
import { Emitter } from '../util/events';
import { slimInjectorConfigMap, slimMetadataOnly, slimNamespace, slimPod, slimService, slimWorkload } from './slim';
import { MeshStore, type Collection, type MeshStoreOptions, controlPlaneCollections } from './store';

/** Connection state of the live mesh; the view's context key `istio.cluster` takes these values. */
export type ClusterState = 'connecting' | 'ready' | 'unreachable' | 'unauthorized' | 'forbidden';

export interface LiveMeshStatus {
  state: ClusterState;
  /** The last error, for the output channel and the view's message. */
  error?: ClusterError;
  /** Set when RBAC limits what is shown, e.g. "You may not list pods cluster-wide; showing namespace shop." */
  limited?: string;
}

interface WatchSpec {
  collection: Collection;
  kind: ResourceKind;
  transform: (o: KubeObject) => KubeObject;
  metadataOnly?: boolean;
}

/** The watches of every cluster; the namespaces' first (see `LiveMesh.start`). */
const specs: WatchSpec[] = [
  { collection: 'namespaces', kind: Kinds.Namespace, transform: slimNamespace },
  { collection: 'pods', kind: Kinds.Pod, transform: slimPod },
  { collection: 'deployments', kind: Kinds.Deployment, transform: slimWorkload('Deployment') },
  { collection: 'statefulsets', kind: Kinds.StatefulSet, transform: slimWorkload('StatefulSet') },
  { collection: 'daemonsets', kind: Kinds.DaemonSet, transform: slimWorkload('DaemonSet') },
  { collection: 'services', kind: Kinds.Service, transform: slimService },
  { collection: 'webhooks', kind: Kinds.MutatingWebhookConfiguration, transform: (o) => o },
  { collection: 'crds', kind: Kinds.CustomResourceDefinition, transform: slimMetadataOnly, metadataOnly: true },
];

/** How long the other lists wait at most for the namespaces' list to answer. */
const headStartMs = 300;
/** And then for the view to fetch the namespaces' rows (VS Code asks within tens of milliseconds when it shows). */
const viewHeadStartMs = 150;
/**
 * And once the view has fetched them, for VS Code to draw them. The other lists' first answers keep this thread busy
 * (a TLS handshake each, thousands of pods to read) and, with a local API server, the machine too: started at once,
 * they drew the first level of a 5,000-pod cluster 150-200 ms later on two cores; started 100 ms after, drawing took
 * 58 to 145 ms, the longer ones slowed by them.
 */
const drawMs = 200;

/** istiod's injector ConfigMaps: watched in each control-plane namespace only, never cluster-wide. */
const configMaps: WatchSpec = { collection: 'configmaps', kind: Kinds.ConfigMap, transform: slimInjectorConfigMap };

/**
 * Keeps a MeshStore in sync with one cluster through watches (no polling), and reports the connection
 * state. When RBAC forbids cluster-wide lists it falls back to the namespaces the user may see (the
 * context's namespace and istio-system) and says so in `status.limited`.
 */
export class LiveMesh {
  readonly store: MeshStore;
  private readonly reflectors = new Map<string, Reflector>();
  /** Reflectors not yet listed nor found forbidden: a fallback namespace still on its way keeps "ready" back. */
  private readonly unlisted = new Set<string>();
  private hiddenControlPlane = false;
  private configMapNamespaces = new Set<string>();
  private readonly statusEmitter = new Emitter<LiveMeshStatus>();
  readonly onDidChangeStatus = this.statusEmitter.event;
  private current: LiveMeshStatus = { state: 'connecting' };
  private readonly limits = new Set<string>();
  private readonly failing = new Map<string, ClusterError>();
  private readonly forbiddenEverywhere = new Set<Collection>();
  private syncedWaiters: (() => void)[] = [];
  private headStart: NodeJS.Timeout | undefined;
  private restDueAt = 0;
  private restStarted = false;
  /** The namespaces' list answered (or failed); the view fetched their rows. */
  private namespacesSettled = false;
  private shown = false;

  constructor(readonly client: ClusterClient, private readonly log: Logger, storeOptions?: MeshStoreOptions) {
    this.store = new MeshStore(storeOptions);
  }

  get status(): LiveMeshStatus {
    return this.current;
  }

  /**
   * True when RBAC keeps the Deployments of istio-system from us: no istiod seen then means "unknown", not
   * "not installed".
   */
  get controlPlaneHidden(): boolean {
    return this.hiddenControlPlane;
  }

  /** The namespaces watched one by one when cluster-wide lists are forbidden. */
  get fallbackNamespaces(): string[] {
    return [...new Set([this.client.namespace, IstioSystemNamespace])];
  }

  /**
   * The namespaces' list goes first: it is the view's first level, and alone it answers in tens of milliseconds,
   * where beside the pods' pages (which keep the API server and this thread busy) it took most of a second on a
   * cluster of 5,000 pods. The other lists start `drawMs` after the view has fetched the namespaces' rows
   * (`firstLevelShown`), else `viewHeadStartMs` after the namespaces answered or failed (no view may be asking), or
   * `headStartMs` after the start.
   */
  start(): void {
    this.startReflector(specs[0]);
    this.startRestIn(headStartMs);
  }

  /**
   * The view has fetched the namespaces' rows: the other lists wait for VS Code to draw them, even past the head start
   * they would have had without a view (its drawing is what they wait for now). Once: a redraw fetches them again.
   */
  firstLevelShown(): void {
    if (this.shown) return;
    this.shown = true;
    if (this.namespacesSettled) this.startRestIn(drawMs, true);
  }

  private namespacesAnswered(): void {
    if (this.namespacesSettled) return;
    this.namespacesSettled = true;
    if (this.shown) return this.startRestIn(drawMs);
    // From their answer on, the view has its own head start, even where the one from the start ends sooner.
    clearTimeout(this.headStart);
    this.headStart = undefined;
    this.startRestIn(viewHeadStartMs);
  }

  /** Starts the other lists in `ms`, or sooner if they were due sooner (unless `postpone`). */
  private startRestIn(ms: number, postpone = false): void {
    const due = performance.now() + ms;
    if (this.restStarted || (this.headStart && due >= this.restDueAt && !postpone)) return;
    clearTimeout(this.headStart);
    this.restDueAt = due;
    this.headStart = setTimeout(() => this.startRest(), ms);
  }

  private startRest(): void {
    if (this.restStarted) return;
    this.restStarted = true;
    clearTimeout(this.headStart);
    for (const spec of specs.slice(1)) this.startReflector(spec);
    this.watchConfigMaps();
    this.store.onDidChange((change) => change.controlPlane && this.watchConfigMaps());
  }

  /** The control-plane namespaces (istio-system, and wherever an istiod runs) each get a ConfigMap watch. */
  private watchConfigMaps(): void {
    const wanted = new Set([IstioSystemNamespace, ...this.store.controlPlane.namespaces]);
    for (const ns of wanted) if (!this.configMapNamespaces.has(ns)) this.startReflector(configMaps, ns);
    for (const ns of this.configMapNamespaces) {
      if (wanted.has(ns)) continue;
      const key = `${configMaps.collection}/${ns}`;
      void this.reflectors.get(key)?.stop();
      this.reflectors.delete(key);
      this.unlisted.delete(key);
      this.store.replace(configMaps.collection, [], ns);
    }
    this.configMapNamespaces = wanted;
  }

  /** Lists everything again (the Refresh command). */
  refresh(): void {
    for (const r of this.reflectors.values()) r.relist();
  }

  /** Resolves once every collection has been listed (or found forbidden). */
  whenSynced(): Promise<void> {
    if (this.allSynced()) return Promise.resolve();
    return new Promise((resolve) => this.syncedWaiters.push(resolve));
  }

  async stop(): Promise<void> {
    clearTimeout(this.headStart);
    this.restStarted = true; // nothing more starts
    const all = [...this.reflectors.values()];
    this.reflectors.clear();
    await Promise.all(all.map((r) => r.stop()));
    this.store.dispose();
    this.statusEmitter.dispose();
  }

  private startReflector(spec: WatchSpec, namespace?: string): void {
    const key = `${spec.collection}/${namespace ?? '*'}`;
    this.unlisted.add(key);
    const reflector = new Reflector(this.client, spec.kind, {
      onList: (items) => {
        const first = this.unlisted.delete(key);
        this.store.replace(spec.collection, items, namespace);
        // The view shows what is known as soon as it is known, without the debounce: the namespaces from their own
        // list, the control plane once its lists answered; the pods and workloads follow with the rest.
        if (first && this.completesRows(spec.collection)) this.store.flush();
        if (spec === specs[0]) this.namespacesAnswered();
        this.recovered(key);
      },
      onEvent: (type, object) => {
        this.store.apply(spec.collection, type, object);
        if (this.failing.has(key)) this.recovered(key);
      },
      onError: (error, retryInMs) => this.failed(spec, namespace, key, error, retryInMs),
    }, { namespace, transform: spec.transform, metadataOnly: spec.metadataOnly });
    this.reflectors.set(key, reflector);
    reflector.start();
  }

  private failed(spec: WatchSpec, namespace: string | undefined, key: string, error: ClusterError, retryInMs: number): void {
    if (spec === specs[0]) this.namespacesAnswered();
    if (error.kind === 'forbidden' && spec === configMaps) {
      // Not a limit on what is shown: the injectors' policies become unknown, and each verdict says why.
      this.log.warn(`${error.message} The sidecar injector's policy and selectors in ${namespace} are unknown; verdicts assume the chart's defaults.`);
      void this.reflectors.get(key)?.stop();
      this.reflectors.delete(key);
      this.unlisted.delete(key);
      this.store.hide(spec.collection, namespace);
      this.checkSynced();
      return;
    }
    if (error.kind === 'forbidden') {
      this.log.warn(`${error.message} ${error.detail ?? ''}`);
      void this.reflectors.get(key)?.stop();
      this.reflectors.delete(key);
      this.unlisted.delete(key);
      this.fallBack(spec, namespace);
      return;
    }
    this.log.warn(`Watching ${spec.kind.plural}${namespace ? ` in ${namespace}` : ''} failed, retrying in ${retryInMs} ms: ${error.toLogString()}`);
    this.failing.set(key, error);
    // Before the first sync any other failure (a 500, a proxy's HTML page) would leave "Connecting…" up for good.
    const state: ClusterState = error.kind === 'unauthorized' ? 'unauthorized'
      : error.kind === 'unreachable' || this.current.state === 'connecting' ? 'unreachable' : this.current.state;
    this.setStatus({ ...this.current, state, error });
  }

  /** RBAC denied a list: narrow it to the namespaces the user may see, or show it empty. */
  private fallBack(spec: WatchSpec, namespace: string | undefined): void {
    if (namespace === undefined && spec.collection === 'namespaces') {
      this.limits.add('list namespaces');
      void this.loadVisibleNamespaces();
    } else if (namespace === undefined && spec.kind.namespaced) {
      this.limits.add(`list ${spec.kind.plural}`);
      for (const ns of this.fallbackNamespaces) this.startReflector(spec, ns);
    } else {
      // Cluster-scoped (webhooks, CRDs) or already per namespace: show what we have without it.
      if (spec.collection === 'deployments' && namespace === IstioSystemNamespace) this.hiddenControlPlane = true;
      if (spec.kind.namespaced) this.limits.add(`list ${spec.kind.plural} in ${namespace}`);
      else this.limits.add(`list ${spec.kind.plural}`);
      if (spec.kind.namespaced) this.store.replace(spec.collection, [], namespace);
      else this.store.hide(spec.collection);
      if (spec.collection === 'pods' && this.fallbackNamespaces.every((ns) => !this.reflectors.has(`pods/${ns}`))) this.forbiddenEverywhere.add('pods');
    }
    this.updateLimited();
  }

  private async loadVisibleNamespaces(): Promise<void> {
    const visible = await Promise.all(this.fallbackNamespaces.map(async (name) => {
      try {
        return slimNamespace(await this.client.get(Kinds.Namespace, name));
      } catch (err) {
        // We may not even read the namespace object: show it with unknown labels.
        this.log.info(`Reading namespace ${name}: ${err instanceof ClusterError ? err.toLogString() : String(err)}`);
        return err instanceof ClusterError && err.kind === 'notFound' ? undefined : { apiVersion: 'v1', kind: 'Namespace', metadata: { name } };
      }
    }));
    this.store.replace('namespaces', visible.filter((n): n is KubeObject => n !== undefined));
    this.recovered('namespaces/*');
  }

  private updateLimited(): void {
    const limited = this.limits.size
      ? `You may not ${[...this.limits].join(', ')} in context "${this.client.context}"; showing namespaces ${this.fallbackNamespaces.join(', ')} only.`
      : undefined;
    const state: ClusterState = this.forbiddenEverywhere.has('pods') ? 'forbidden' : this.current.state;
    this.setStatus({ ...this.current, state, limited });
    this.checkSynced();
  }

  private recovered(key: string): void {
    this.failing.delete(key);
    this.checkSynced();
  }

  private completesRows(collection: Collection): boolean {
    if (collection === 'namespaces') return true;
    return controlPlaneCollections.includes(collection) && this.store.isSynced(...controlPlaneCollections);
  }

  private allSynced(): boolean {
    return this.unlisted.size === 0 && this.store.isSynced(...specs.map((s) => s.collection));
  }

  private checkSynced(): void {
    if (!this.allSynced()) return;
    // The complete model goes out now, with the status, rather than after the store's debounce: the view renders
    // it in one refresh instead of rendering on the status and again on the model moments later.
    this.store.flush();
    if (this.failing.size === 0 && this.current.state !== 'forbidden') this.setStatus({ state: 'ready', limited: this.current.limited });
    const waiters = this.syncedWaiters;
    this.syncedWaiters = [];
    for (const w of waiters) w();
  }

  private setStatus(status: LiveMeshStatus): void {
    const changed = status.state !== this.current.state || status.limited !== this.current.limited || status.error !== this.current.error;
    this.current = status;
    if (changed) this.statusEmitter.fire(status);
  }
}
