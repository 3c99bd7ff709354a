import * as vscode from 'vscode';
import type { ClusterClient } from '../cluster/client';
import { ClusterError } from '../cluster/errors';
import type { ContextInfo, KubeconfigSource } from '../cluster/kubeconfig';
import type { PreparedKubeconfig } from '../cluster/preparedKubeconfig';
import type { LocalClusterWatch } from '../cluster/localCluster';
import type { Config } from '../config';
import type { LiveMesh, LiveMeshStatus } from '../mesh/live';
import { type MeshChange, type MeshStore, mergeChanges } from '../mesh/store';
import type { Logger } from '../util/log';

/**
 * What the view shows about the connection; also the value of the context key `istio.cluster`.
 * `none`: no kubeconfig; `kubeconfig`: it does not parse or names no usable context;
 * `localCluster`: waiting for the local cluster `npm start` is building and starting.
 */
export type SessionState = 'idle' | 'none' | 'kubeconfig' | 'localCluster' | LiveMeshStatus['state'];

const selectedContextKey = 'istio.selectedContext';
/** How long the first connection may take before the `istio.cluster` key says "connecting" (see `setState`). */
const connectingKeyAfterMs = 500;

/** What changed in one tick: the connection state (the whole view), and which parts of the mesh model. */
export interface SessionChange {
  state: boolean;
  mesh?: MeshChange;
}

/**
 * The connection to the cluster of the selected kubeconfig context and its live mesh. Created at activation
 * but connects only on first use (the view opening, a cluster command), so activation stays fast and
 * client-node is loaded only then. Switching context or changing `istio.kubeconfig` restarts the watches.
 */
export class MeshSession implements vscode.Disposable {
  private live: LiveMesh | undefined;
  private starting: Promise<void> | undefined;
  private kubeconfigs: Promise<PreparedKubeconfig> | undefined;
  private connectingKeyTimer: NodeJS.Timeout | undefined;
  private current: SessionState = 'idle';
  private lastError: ClusterError | undefined;
  /**
   * The values last given to `setContext`, so a busy store does not send the same ones again. Each one sent makes the
   * window evaluate its menus again (5-10 ms of its time while it draws the view's first rows); these start as what an
   * unset key means to every `when` clause that reads it (`istio.mesh == notInstalled`, the walkthrough's steps).
   */
  private readonly contextKeys = new Map<string, unknown>([['istio.mesh', 'unknown'], ['istio.istiodReady', false], ['istio.namespaceInjected', false]]);
  private readonly changeEmitter = new vscode.EventEmitter<SessionChange>();
  private pendingChange: SessionChange | undefined;
  /** Fires when the connection state or the mesh model changed (model changes arrive batched, one event per tick). */
  readonly onDidChange = this.changeEmitter.event;
  private readonly disposables: vscode.Disposable[] = [this.changeEmitter];

  constructor(
    private readonly config: Config,
    private readonly log: Logger,
    private readonly memento: vscode.Memento,
    /** The local cluster `npm start` is starting, when there is one: the session waits for it instead of failing. */
    readonly localCluster?: LocalClusterWatch,
    /**
     * A context this session always shows: one more cluster of the Mesh view's Clusters level. Such a session leaves
     * the selected context and the `when`-clause keys (which follow the selected context's session) alone.
     */
    readonly fixedContext?: string,
  ) {
    this.disposables.push(config.onDidChange((e) => {
      if (e.affectsConfiguration('istio.kubeconfig') && this.current !== 'idle') void this.restart();
    }));
    if (localCluster) {
      this.disposables.push(localCluster, localCluster.onDidChange((status) => {
        if (this.current !== 'localCluster') return;
        if (status?.state === 'starting') this.announceChange({ state: true }); // the next step, for the view's message
        else {
          this.log.info(status?.state === 'ready' ? 'The local cluster is up: connecting' : `The local cluster did not start: ${status?.text ?? 'its status file is gone'}`);
          void this.restart();
        }
      }));
    }
  }

  get state(): SessionState {
    return this.current;
  }
  /** Why the session is not ready, for the view's message. */
  get error(): ClusterError | undefined {
    return this.lastError;
  }
  get status(): LiveMeshStatus | undefined {
    return this.live?.status;
  }
  /** The live store of the current context, once connected. */
  get store(): MeshStore | undefined {
    return this.live?.store;
  }
  get client(): ClusterClient | undefined {
    return this.live?.client;
  }
  /**
   * Whether Istio is installed, also the value of the context key `istio.mesh`: `unknown` before the model is read,
   * and when RBAC hides istio-system's Deployments (the "not installed" welcome shows only when istiod could be seen).
   */
  get installState(): 'installed' | 'notInstalled' | 'unknown' {
    const live = this.live;
    if (!live || !live.store.isSynced('deployments')) return 'unknown';
    if (live.store.controlPlane.installed) return 'installed';
    return live.controlPlaneHidden ? 'unknown' : 'notInstalled';
  }
  /** RBAC keeps istio-system's Deployments from us. */
  get controlPlaneHidden(): boolean {
    return this.live?.controlPlaneHidden ?? false;
  }
  get contextName(): string | undefined {
    return this.live?.client.context;
  }

  /** Connects (once) and starts the watches. Never throws: failures become the session state. */
  ensureStarted(): Promise<void> {
    this.starting ??= this.start();
    return this.starting;
  }

  /**
   * Does the local part of connecting ahead: reads the kubeconfig and loads the modules that connect (see
   * `PreparedKubeconfig`). Called at activation, so the Mesh view's first fetch, a round trip to the window later,
   * connects sooner. Connects to nothing.
   */
  prepare(): void {
    if (this.starting) return;
    void this.preparedKubeconfig().then((k) => k.prepare(this.kubeconfigSource()));
    void import('../cluster/client');
    void import('../mesh/live');
  }

  /** The client of the selected context for other features; throws ClusterError when there is none. */
  async getClient(): Promise<ClusterClient> {
    await this.ensureStarted();
    if (this.live) return this.live.client;
    throw this.lastError ?? new ClusterError('kubeconfig', 'No Kubernetes context is selected.');
  }

  /**
   * Resolves once the namespaces are listed, the session has failed, or `ms` have passed. The view's first fetch waits
   * on it, so that its first answer has rows: an empty answer shows the welcome view, and the rows then take VS Code
   * another round of refresh and fetch, each slowed by the lists that follow.
   */
  async whenNamespacesListed(ms: number): Promise<void> {
    const settled = () => this.store?.isSynced('namespaces') === true || !['idle', 'connecting'].includes(this.current);
    let timer: NodeJS.Timeout | undefined;
    let subscription: vscode.Disposable | undefined;
    let done = false;
    await Promise.race([
      this.ensureStarted().then(() => new Promise<void>((resolve) => {
        // After the time is up nobody waits: no listener is left behind.
        if (done || settled()) return resolve();
        subscription = this.onDidChange(() => settled() && resolve());
      })),
      new Promise<void>((resolve) => (timer = setTimeout(resolve, ms))),
    ]);
    done = true;
    clearTimeout(timer);
    subscription?.dispose();
  }

  /** The Mesh view has fetched the namespaces' rows: the live mesh lists the rest now (see `LiveMesh.start`). */
  firstLevelShown(): void {
    this.live?.firstLevelShown();
  }

  /** Resolves when the store has listed everything (or the session failed). */
  async whenSynced(): Promise<void> {
    await this.ensureStarted();
    await this.live?.whenSynced();
  }

  async listContexts(): Promise<{ contexts: ContextInfo[]; currentContext?: string }> {
    const { listContexts } = await import('../cluster/kubeconfig');
    const listed = await listContexts({ settingPath: this.config.kubeconfig || undefined });
    return { contexts: listed.contexts, currentContext: this.contextName ?? listed.currentContext };
  }

  async switchContext(name: string): Promise<void> {
    await this.memento.update(selectedContextKey, name);
    await this.restart();
  }

  /** Lists everything again; starts the session if it failed before. */
  async refresh(): Promise<void> {
    if (this.live && this.current !== 'unauthorized') this.live.refresh();
    else await this.restart();
  }

  async restart(): Promise<void> {
    await this.stop();
    this.starting = this.start();
    await this.starting;
  }

  dispose(): void {
    clearTimeout(this.connectingKeyTimer);
    void this.stop();
    for (const d of this.disposables) d.dispose();
  }

  private async start(): Promise<void> {
    if (this.localCluster?.current?.state === 'starting') {
      this.setState('localCluster');
      return;
    }
    this.setState('connecting');
    try {
      const { ClusterClient } = await import('../cluster/client');
      const { LiveMesh } = await import('../mesh/live');
      const kubeconfigs = await this.preparedKubeconfig();
      const source = this.kubeconfigSource();
      let client: ClusterClient;
      try {
        client = new ClusterClient(await kubeconfigs.load(source));
      } catch (err) {
        // The remembered context may be gone from the kubeconfig: fall back to its current context.
        if (!source.context || this.fixedContext || !(err instanceof ClusterError && err.reason === 'NoContext')) throw err;
        client = new ClusterClient(await kubeconfigs.load({ settingPath: source.settingPath }));
      }
      this.log.info(`Connecting to context "${client.context}" (${client.server}) from ${client.kubeconfig.files.join(', ')}`);
      const live = new LiveMesh(client, this.log);
      this.live = live;
      live.onDidChangeStatus((s) => this.onStatus(s));
      live.store.onDidChange((mesh) => {
        this.updateMeshContext(live.store);
        this.announceChange({ state: false, mesh });
      });
      live.start();
    } catch (err) {
      const error = err instanceof ClusterError ? err : new ClusterError('unknown', String(err), { cause: err });
      this.lastError = error;
      this.log.error(`Cannot connect: ${error.toLogString()}`);
      // "No cluster configured" only when nothing names a kubeconfig: a setting naming a missing file is one to fix.
      const nothingConfigured = error.kind === 'kubeconfig' && error.reason === 'NoKubeconfig' && !this.config.kubeconfig;
      this.setState(nothingConfigured ? 'none' : 'kubeconfig');
    }
  }

  private preparedKubeconfig(): Promise<PreparedKubeconfig> {
    return (this.kubeconfigs ??= import('../cluster/preparedKubeconfig').then((m) => new m.PreparedKubeconfig()));
  }

  /** The kubeconfig and the context the session connects to: the one picked last, else the kubeconfig's current one. */
  private kubeconfigSource(): KubeconfigSource {
    return { settingPath: this.config.kubeconfig || undefined, context: this.fixedContext ?? this.memento.get<string>(selectedContextKey) };
  }

  private onStatus(status: LiveMeshStatus): void {
    if (status.error) this.lastError = status.error;
    if (status.limited) this.log.warn(status.limited);
    this.setState(status.state);
  }

  private async stop(): Promise<void> {
    const live = this.live;
    this.live = undefined;
    this.starting = undefined;
    this.lastError = undefined;
    this.setContext('istio.istiodReady', false);
    this.setContext('istio.namespaceInjected', false);
    if (live) {
      await live.stop();
      live.client.dispose();
    }
  }

  private setState(state: SessionState): void {
    this.current = state;
    clearTimeout(this.connectingKeyTimer);
    // The first "connecting" is news only when it lasts (its welcome view shows while the view is empty): set at once,
    // it made the window redraw its welcome views and menus while it drew the view's first rows.
    if (state === 'connecting' && !this.contextKeys.has('istio.cluster')) {
      this.connectingKeyTimer = setTimeout(() => this.setContext('istio.cluster', state), connectingKeyAfterMs);
    } else this.setContext('istio.cluster', state);
    this.setContext('istio.mesh', state === 'ready' ? this.installState : 'unknown');
    this.announceChange({ state: true });
  }

  /**
   * One change event for the changes of one tick: at the first sync the model and the "ready" state arrive together,
   * and two events would make VS Code fetch the tree twice (it refreshes on the first, and again on the next).
   */
  private announceChange(change: SessionChange): void {
    const pending = this.pendingChange;
    if (pending) {
      pending.state ||= change.state;
      if (change.mesh) pending.mesh = mergeChanges(pending.mesh, change.mesh);
      return;
    }
    this.pendingChange = { ...change };
    queueMicrotask(() => {
      const fired = this.pendingChange!;
      this.pendingChange = undefined;
      this.changeEmitter.fire(fired);
    });
  }

  /** The `when`-clause keys that follow the mesh model: the welcome view's and the walkthrough's. */
  private updateMeshContext(store: MeshStore): void {
    const cp = store.controlPlane;
    this.setContext('istio.mesh', this.installState);
    // Complete the walkthrough's steps "install" and "inject" however the user got there (palette, tree, istioctl).
    this.setContext('istio.istiodReady', cp.revisions.some((r) => r.ready > 0));
    // Whether a namespace is in the mesh depends on the control plane's webhooks: before they are listed the answer
    // would be a guess, and asking costs a look at every namespace while the view's first rows are being drawn.
    if (store.isSynced('deployments', 'webhooks')) this.setContext('istio.namespaceInjected', store.someNamespaceInMesh());
  }

  private setContext(key: string, value: unknown): void {
    if (this.fixedContext) return;
    if (this.contextKeys.has(key) && this.contextKeys.get(key) === value) return;
    this.contextKeys.set(key, value);
    void vscode.commands.executeCommand('setContext', key, value);
  }
}
