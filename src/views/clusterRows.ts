import * as vscode from 'vscode';
import type { RolloutTracker } from '../injection/tracker';
import type { NamespaceModel } from '../mesh/model';
import type { NamespaceUsageCache } from '../mesh/revisionUsage';
import type { MeshStore } from '../mesh/store';
import { ChangeWindow } from './changeWindow';
import { ControlPlaneNode } from './nodes/controlPlane';
import type { AnalysisMarks } from './nodes/analysisMarks';
import { MessageNode } from './nodes/message';
import { NamespaceNode } from './nodes/namespace';
import { icon, type MeshNode } from './nodes/node';
import { PodNode } from './nodes/pod';
import { RevisionNode } from './nodes/revision';
import { WorkloadNode } from './nodes/workload';
import { MeshNodes, mergeTreeChanges, type TreeChange } from './redraw';
import { RevisionRows, revisionRowsOf } from './revisionRows';
import { type RootRow, rootRows } from './rootRows';
import type { MeshSession } from './session';

/** Changes arriving within this window are redrawn together: about a frame, so a burst costs one redraw. */
const redrawWindowMs = 16;
/**
 * VS Code's extension-host side of a tree view debounces `onDidChangeTreeData` by 200 ms on the leading edge: an event
 * 200 ms after the previous one goes to the window at once, a sooner one waits until 200 ms pass without another. So a
 * stream of redraws closer than that (a rollout's) would show nothing until it stops, and its last change 200 ms late.
 * Ours are spaced just past it: each one is sent on at once.
 */
const redrawGapMs = 210;
/**
 * While changes stream, a redraw that ends no work in progress waits this much longer than the gap: VS Code is then
 * free for part of each cycle, and the change that finishes a restart is drawn at once if it comes then (else when the
 * gap ends). A rollout's progress is drawn about twice a second.
 */
const redrawHoldMs = 200;
/**
 * And while a restart is a pod or two from its end, progress waits up to this much longer: a redraw sent less than
 * 200 ms before the end makes the end wait for VS Code, which happens the less often the rarer they are (about one
 * time in eight, the end then drawn at most 200 ms late).
 */
const redrawDeferMs = 1_500;
const allCollections = ['namespaces', 'pods', 'deployments', 'statefulsets', 'daemonsets', 'services', 'webhooks', 'crds'] as const;

/** The group of namespaces. */
class NamespacesNode implements MeshNode {
  constructor(private readonly models: () => readonly NamespaceModel[], readonly children: () => MeshNode[]) {}
  treeItem(): vscode.TreeItem {
    const models = this.models();
    const item = new vscode.TreeItem('Namespaces', vscode.TreeItemCollapsibleState.Expanded);
    item.id = 'namespaces';
    const injected = models.filter((n) => n.injection.plain.dataplane !== 'none').length;
    item.description = `${injected} of ${models.length} in the mesh`;
    item.iconPath = icon('folder-library');
    item.contextValue = 'namespaces';
    return item;
  }
}

export interface ClusterRowsOptions {
  rollouts: RolloutTracker;
  marks: AnalysisMarks;
  pageSize: () => number;
  /** How a namespace differs from the other clusters of its mesh (Clusters level only). */
  differs?: (name: string) => string | undefined;
  /** Redraws these rows; `all`: everything this session shows (its rows' parent decides how far that goes). */
  redraw: (rows: MeshNode[] | 'all') => void;
}

/**
 * The rows of one session's cluster: Control plane → components; Namespaces → workloads → pods. The Mesh view shows
 * them at its root for the selected context, or under each cluster row of the Clusters level. A change redraws only
 * the rows it touches (see `MeshNodes`), batched per frame; a change of the connection redraws all of them.
 */
export class ClusterRows {
  private readonly window = new ChangeWindow<TreeChange>({ windowMs: redrawWindowMs, gapMs: redrawGapMs, holdMs: redrawHoldMs, deferMs: redrawDeferMs }, mergeTreeChanges, (c) => this.redraw(c));
  private readonly nodes: MeshNodes<NamespaceNode, WorkloadNode>;
  private readonly group = new NamespacesNode(() => this.session.store?.namespaces ?? [], () => this.nodes.namespaces(this.session.store?.namespaces ?? []));
  private controlPlane: ControlPlaneNode | undefined;
  /** The revision rows under the control plane, kept so a pod change redraws the ones it moves. */
  private readonly revisions: RevisionRows<RevisionNode>;
  /** Each namespace model's pods by revision, counted once per model the store builds. */
  private readonly usageCache: NamespaceUsageCache = new WeakMap();
  /** The store the cached nodes came from: another one (a context switch) starts afresh. */
  private nodesStore: MeshStore | undefined;
  /** What decides the rows, as last shown. */
  private rootFace = '';
  private readonly subscriptions: { dispose(): void }[];

  constructor(readonly session: MeshSession, private readonly options: ClusterRowsOptions) {
    const { rollouts, marks, pageSize, differs } = options;
    this.nodes = new MeshNodes<NamespaceNode, WorkloadNode>({
      namespace: (m) => this.complete(new NamespaceNode(m, rollouts, marks, differs)),
      setNamespace: (node, m) => {
        node.model = m;
        this.complete(node);
      },
      workload: (w) => new WorkloadNode(w, rollouts.get(w), pageSize(), marks),
      setWorkload: (node, w) => node.update(w, rollouts.get(w)),
    }, rollouts);
    const installed = (revision: string) => this.session.store?.controlPlane.revisions.some((r) => r.revision === revision) ?? false;
    this.revisions = new RevisionRows<RevisionNode>({
      make: (row) => new RevisionNode(row, installed),
      set: (node, row) => {
        node.row = row;
      },
    });
    this.subscriptions = [
      session.onDidChange((c) => this.changed({ root: c.state, controlPlane: c.mesh?.controlPlane ?? false, namespaces: c.mesh?.namespaces ?? new Set() })),
      // A followed restart changes its workload's row and its namespace's "restarting…".
      rollouts.onDidChange((s) => this.changed({ root: false, controlPlane: false, namespaces: new Set([s.ref.namespace]) })),
    ];
  }

  /** Queues a change for the next redraw; one that finishes a restart on screen goes first (see `MeshNodes.pace`). */
  private changed(change: TreeChange): void {
    const store = this.session.store;
    const pace = !change.root && store !== undefined && store === this.nodesStore
      ? this.nodes.pace(change.namespaces, (name) => store.namespace(name), performance.now()) : 'steady';
    this.window.add(change, pace);
  }

  /** The rows as they are now: what is listed so far; empty until the namespaces are. */
  roots(): MeshNode[] {
    const rows = this.rootRows();
    this.rootFace = JSON.stringify(rows);
    // VS Code fetches every row it shows under these again after them: the changes waiting to be redrawn are drawn
    // then. (Redrawn, the first list's change, which arrives while the view's first fetch waits for it, made VS Code
    // fetch its first rows twice, the second time while the pods' pages were keeping this thread busy.)
    this.window.discard();
    const store = this.session.store;
    this.useNodesOf(store);
    if (!store || rows.length === 0) return [];
    return rows.map((row) => {
      switch (row) {
        case 'limited': return new MessageNode('limited', 'Limited view (RBAC)', this.session.status?.limited ?? '', 'warning');
        case 'stale': return new MessageNode('stale', this.session.state === 'unreachable' ? 'Connection lost: reconnecting…' : 'Credentials rejected',
          this.session.error?.message ?? '', 'warning', { title: 'Show Logs', command: 'istio.showLogs' });
        case 'controlPlaneLoading': return new MessageNode('cp', 'Control plane', 'Listing the control plane…', 'loading~spin');
        case 'controlPlaneHidden': return new MessageNode('cp', 'Control plane: not visible to you', `You may not list Deployments in istio-system in context "${this.session.contextName}", so whether Istio is installed is unknown.`, 'warning');
        case 'controlPlane':
          this.controlPlane ??= new ControlPlaneNode(store.controlPlane, () => this.revisions.rows(revisionRowsOf(store.controlPlane, store.namespaces, this.usageCache)));
          this.controlPlane.cp = store.controlPlane;
          return this.controlPlane;
        case 'namespaces': return this.group;
      }
    });
  }

  /** The children of a namespace or workload row of this cluster; undefined for other rows. */
  children(node: MeshNode): MeshNode[] | undefined {
    if (node === this.group) {
      this.session.firstLevelShown();
      return undefined;
    }
    if (node instanceof NamespaceNode) {
      // Built from the store at expansion time, so a collapsed namespace costs nothing.
      const model = this.session.store?.namespace(node.name);
      return model ? [...this.nodes.workloads(model), ...model.otherPods.map((p) => new PodNode(p))] : [];
    }
    if (node instanceof WorkloadNode) {
      this.nodes.podsShown(node);
      return node.children(this.options.pageSize());
    }
    return undefined;
  }

  /** Finds the node of a namespace (for commands invoked from the palette and for tests). */
  namespaceNode(name: string): NamespaceNode | undefined {
    const store = this.session.store;
    const model = store?.namespace(name);
    this.useNodesOf(store);
    return model ? this.nodes.namespace(model) : undefined;
  }

  /** The namespace rows shown now of these names (their "differs" mark changed). */
  shownNamespaces(names: Iterable<string>): MeshNode[] {
    const store = this.session.store;
    if (!store || store !== this.nodesStore) return [];
    return [...names].flatMap((name) => {
      const model = store.namespace(name);
      return model ? [this.nodes.namespace(model)] : [];
    });
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.window.dispose();
  }

  /** Redraws the rows `change` touches; false when none needed it (VS Code was told nothing). */
  private redraw(change: TreeChange): boolean {
    const store = this.session.store;
    // Empty before and after (connecting, not yet listed, an error; or never fetched yet): the welcome view follows the
    // context keys, and a redraw of the empty tree would only make the one with the first rows wait for VS Code's
    // debounce.
    const rootRows = this.rootRows();
    if ((this.rootFace === '[]' || this.rootFace === '') && rootRows.length === 0) return false;
    const all = () => {
      this.options.redraw('all');
      return true;
    };
    if (change.root || !store || store !== this.nodesStore || JSON.stringify(rootRows) !== this.rootFace) return all();
    const rows = this.nodes.redraw(change.namespaces, (name) => store.namespace(name), () => store.namespaces);
    if (rows === 'all') return all();
    const redrawn: MeshNode[] = rows.group ? [this.group] : [...rows.namespaces, ...rows.workloads];
    // Pods moved between revisions redraw those revisions' rows; a revision that came or went, the control plane.
    const revisionRows = !change.controlPlane && this.controlPlane && this.revisions.listed && (change.namespaces === 'all' || change.namespaces.size > 0)
      ? this.revisions.redraw(revisionRowsOf(store.controlPlane, store.namespaces, this.usageCache)) : [];
    if ((change.controlPlane || revisionRows === 'parent') && this.controlPlane) {
      this.controlPlane.cp = store.controlPlane;
      redrawn.push(this.controlPlane);
    } else if (revisionRows !== 'parent') redrawn.push(...revisionRows);
    if (redrawn.length === 0) return false;
    this.options.redraw(redrawn);
    return true;
  }

  private rootRows(): RootRow[] {
    const store = this.session.store;
    return rootRows({
      state: store && this.session.status ? this.session.state : undefined,
      listed: (c) => store?.isSynced(c) ?? false,
      limited: this.session.status?.limited !== undefined,
      installed: this.session.installState === 'installed',
      controlPlaneHidden: this.session.installState === 'unknown' && this.session.controlPlaneHidden,
    });
  }

  /** A namespace row says "listing…" until the pods and workloads are listed (their counts would be wrong). */
  private complete(node: NamespaceNode): NamespaceNode {
    node.listed = this.session.store?.isSynced(...allCollections) ?? false;
    return node;
  }

  private useNodesOf(store: MeshStore | undefined): void {
    if (store === this.nodesStore) return;
    this.nodesStore = store;
    this.nodes.clear();
    this.revisions.clear();
    this.controlPlane = undefined;
  }
}
