import * as vscode from 'vscode';
import type { ClusterAnalysisResults } from '../analyzers/clusterResults';
import { RolloutTracker } from '../injection/tracker';
import { remoteSecretRow } from '../mesh/multiCluster';
import { ClusterRows } from './clusterRows';
import type { ClusterEntry, ClusterSet } from './clusterSet';
import { analysisMarks } from './nodes/analysisMarks';
import { ClusterNode, RemoteSecretsNode } from './nodes/cluster';
import { MessageNode } from './nodes/message';
import type { MeshNode } from './nodes/node';
import type { NamespaceNode } from './nodes/namespace';
import type { WorkloadNode } from './nodes/workload';
import type { MeshSession } from './session';

/** How long the view's fetch of its root waits for the namespaces to be listed (VS Code shows its progress bar). */
const firstRowsWaitMs = 1_500;

/** A cluster of the Clusters level with its rows, and what its own rows showed last. */
interface ClusterBranch {
  readonly entry: ClusterEntry;
  readonly node: ClusterNode;
  readonly rows: ClusterRows;
  readonly secrets: RemoteSecretsNode;
  /** Another context than the selected one: only its namespace rows keep their commands (they act on this context). */
  readonly other: boolean;
  /** The restarts its namespace commands follow, shown on its own rows only. */
  readonly rollouts: RolloutTracker;
  face: string;
  secretsFace: string;
  differences: ReadonlyMap<string, string>;
}

/**
 * The `istio.mesh` tree. With one context (the default) its root is the selected context's cluster: Control plane →
 * components; Namespaces → workloads → pods (`ClusterRows`). With more than one in `istio.mesh.contexts`, its root is
 * the Clusters level: a row per context (`ClusterNode`) with that cluster's rows and its remote secrets under it; the
 * rows under a cluster get ids and context values of their own, so two clusters' `shop` namespaces are two rows and
 * the commands of a row never run against another context than the one it shows. A change redraws only the rows it
 * touches; a change of a cluster's connection redraws that cluster. Empty while not connected, so `viewsWelcome`
 * shows the message for the `istio.cluster` state.
 */
export class MeshTreeProvider implements vscode.TreeDataProvider<MeshNode>, vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<MeshNode | MeshNode[] | undefined>();
  readonly onDidChangeTreeData = this.changeEmitter.event;
  private readonly subscriptions: { dispose(): void }[];
  /** Fires after the root level was produced; lets tests and the benchmark wait for a render. */
  private readonly renderedEmitter = new vscode.EventEmitter<number>();
  readonly onDidRenderRoot = this.renderedEmitter.event;
  /** The selected context's rows: the root level with one context. */
  private readonly single: ClusterRows;
  private branches: ClusterBranch[] = [];
  /** Which branch a row under a cluster belongs to (rows of two clusters may be alike, their nodes never are). */
  private readonly scope = new WeakMap<MeshNode, ClusterBranch>();

  constructor(
    private readonly session: MeshSession,
    private readonly clusters: ClusterSet,
    private readonly rollouts: RolloutTracker,
    private readonly analysis: ClusterAnalysisResults,
    private readonly pageSize: () => number,
  ) {
    this.single = new ClusterRows(session, {
      rollouts, pageSize, marks: analysisMarks(analysis, () => session.contextName),
      redraw: (rows) => {
        if (!this.clusters.multi) this.changeEmitter.fire(rows === 'all' ? undefined : rows);
      },
    });
    this.subscriptions = [
      this.single,
      // A cluster analysis run marks rows anywhere in the tree: rare, and all of it is redrawn.
      analysis.onDidChange(() => this.changeEmitter.fire(undefined)),
      clusters.onDidChangeClusters(() => {
        this.branchesFor(clusters.clusters);
        this.changeEmitter.fire(undefined);
      }),
      // Another cluster's facts name the targets of this one's remote secrets: every row compares what it shows.
      clusters.onDidReadFacts(() => {
        for (const b of this.branches) this.redrawCluster(b.entry.context);
      }),
      clusters.onDidEvaluate(() => {
        for (const b of this.branches) this.redrawCluster(b.entry.context);
      }),
    ];
  }

  getTreeItem(node: MeshNode): vscode.TreeItem {
    const item = node.treeItem();
    const branch = this.scope.get(node);
    if (branch) {
      item.id = `${branch.entry.context}/${item.id ?? ''}`;
      // The namespace commands act on the row's own context (see `targetOf`); the others act on the selected one.
      if (branch.other && item.contextValue && !item.contextValue.startsWith('namespace:')) item.contextValue = `otherContext:${item.contextValue}`;
    }
    return item;
  }

  /** A row's tooltip, once it is hovered (see `MeshNode.tooltip`). */
  resolveTreeItem(item: vscode.TreeItem, node: MeshNode): vscode.TreeItem {
    item.tooltip ??= node.tooltip?.();
    return item;
  }

  async getChildren(node?: MeshNode): Promise<MeshNode[]> {
    if (!node) {
      void this.session.ensureStarted();
      let roots: MeshNode[];
      if (this.clusters.multi) {
        void this.clusters.ensureStarted();
        roots = this.branchesFor(this.clusters.clusters).map((b) => b.node);
      } else {
        await this.session.whenNamespacesListed(firstRowsWaitMs);
        roots = this.single.roots();
      }
      this.renderedEmitter.fire(roots.length);
      return roots;
    }
    if (node instanceof ClusterNode) {
      const branch = this.branches.find((b) => b.node === node);
      return branch ? this.tag(branch, this.clusterChildren(branch)) : [];
    }
    const branch = this.scope.get(node);
    const rows = branch?.rows ?? this.single;
    const children = rows.children(node) ?? node.children?.() ?? [];
    return branch ? this.tag(branch, children) : children;
  }

  /**
   * The cluster a row of the Clusters level belongs to: its session and the restarts it shows. Undefined for rows of
   * the selected context's own tree (and anything else), whose commands use the selected context.
   */
  targetOf(node: unknown): { session: MeshSession; rollouts: RolloutTracker } | undefined {
    const branch = typeof node === 'object' && node !== null ? this.scope.get(node as MeshNode) : undefined;
    return branch?.other ? { session: branch.entry.session, rollouts: branch.rollouts } : undefined;
  }

  /** Finds the node of a namespace of the selected context (for commands invoked from the palette and for tests). */
  namespaceNode(name: string): NamespaceNode | undefined {
    return this.single.namespaceNode(name);
  }

  /** The "N more pods…" row: the workload lists the next page. */
  showMorePods(node: WorkloadNode): void {
    node.podLimit += this.pageSize();
    this.changeEmitter.fire(node);
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    for (const b of this.branches) b.rows.dispose();
    this.changeEmitter.dispose();
    this.renderedEmitter.dispose();
  }

  private clusterChildren(branch: ClusterBranch): MeshNode[] {
    const { session, reading } = branch.entry;
    const rows = branch.rows.roots();
    const children: MeshNode[] = [...rows];
    if (rows.length === 0) {
      if (session.state === 'ready') children.push(new MessageNode('noIstio', 'Istio is not installed', `Context "${branch.entry.context}" has no istiod in istio-system.`));
      else if (session.state !== 'connecting') children.push(new MessageNode('unreachable', `Not connected: ${session.state}`, session.error?.message ?? '', 'warning', { title: 'Show Logs', command: 'istio.showLogs' }));
    }
    if (reading && session.state === 'ready') children.push(branch.secrets);
    return children;
  }

  private tag(branch: ClusterBranch, nodes: MeshNode[]): MeshNode[] {
    for (const n of nodes) this.scope.set(n, branch);
    return nodes;
  }

  /** The branches of these entries: kept while their session is the same, so their nodes stay the rows VS Code knows. */
  private branchesFor(entries: readonly ClusterEntry[]): ClusterBranch[] {
    if (entries.length === this.branches.length && entries.every((e, i) => this.branches[i].entry === e)) return this.branches;
    for (const b of this.branches) b.rows.dispose();
    this.branches = entries.map((entry) => {
      const context = entry.context;
      const other = entry.session !== this.session;
      const rollouts = other ? new RolloutTracker() : this.rollouts;
      const branch: ClusterBranch = {
        entry, other, rollouts, face: '', secretsFace: '', differences: new Map(),
        node: new ClusterNode(entry, () => this.clusters.evaluation),
        secrets: new RemoteSecretsNode([]),
        rows: new ClusterRows(entry.session, {
          // Each cluster's rows show the restarts of its own namespace commands only.
          rollouts,
          pageSize: this.pageSize,
          marks: analysisMarks(this.analysis, () => entry.session.contextName),
          differs: (name) => this.clusters.evaluation.differences.get(context)?.get(name),
          redraw: (rows) => this.changeEmitter.fire(rows === 'all' ? branch.node : rows),
        }),
      };
      return branch;
    });
    return this.branches;
  }

  /** Redraws what a cluster's facts and the checks change: its row, its remote secrets, the namespaces marked. */
  private redrawCluster(context: string): void {
    const branch = this.branches.find((b) => b.entry.context === context);
    if (!branch) return;
    const item = branch.node.treeItem();
    const face = JSON.stringify([item.description, (item.tooltip as vscode.MarkdownString | undefined)?.value]);
    const reading = branch.entry.reading;
    const facts = this.branches.flatMap((b) => (b.entry.reading ? [b.entry.reading.facts] : []));
    branch.secrets.rows = reading?.facts.remoteSecrets.map((s) => remoteSecretRow(s, facts)) ?? [];
    const secretsFace = JSON.stringify(branch.secrets.rows);
    const differences = this.clusters.evaluation.differences.get(context) ?? new Map<string, string>();
    const changed = [...new Set([...differences.keys(), ...branch.differences.keys()])].filter((n) => differences.get(n) !== branch.differences.get(n));
    branch.differences = differences;
    const redrawn: MeshNode[] = [];
    if (face !== branch.face) {
      branch.face = face;
      branch.secretsFace = secretsFace;
      // The row and what is under it: its connection or its Istio may have changed.
      return this.changeEmitter.fire(branch.node);
    }
    if (secretsFace !== branch.secretsFace) {
      branch.secretsFace = secretsFace;
      redrawn.push(branch.secrets);
    }
    redrawn.push(...branch.rows.shownNamespaces(changed));
    if (redrawn.length) this.changeEmitter.fire(redrawn);
  }
}
