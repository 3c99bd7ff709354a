import * as vscode from 'vscode';
import type { ClusterAnalysisResults } from '../analyzers/clusterResults';
import type { RolloutTracker } from '../injection/tracker';
import { analysisMarks } from './nodes/analysisMarks';
import { controlPlaneNode } from './nodes/controlPlane';
import { MessageNode } from './nodes/message';
import { NamespaceNode } from './nodes/namespace';
import { icon, type MeshNode } from './nodes/node';
import type { MeshSession } from './session';

/** The root group of namespaces. */
class NamespacesNode implements MeshNode {
  constructor(private readonly nodes: NamespaceNode[]) {}
  treeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem('Namespaces', vscode.TreeItemCollapsibleState.Expanded);
    item.id = 'namespaces';
    const injected = this.nodes.filter((n) => n.model.injection.plain.dataplane !== 'none').length;
    item.description = `${injected} of ${this.nodes.length} in the mesh`;
    item.iconPath = icon('folder-library');
    item.contextValue = 'namespaces';
    return item;
  }
  children(): MeshNode[] {
    return this.nodes;
  }
}

/**
 * The `istio.mesh` tree: Control plane → components; Namespaces → workloads → pods. Reads the live store
 * of the session and refreshes when it changes or when a followed restart progresses. Empty while not connected, so `viewsWelcome` shows the
 * message for the `istio.cluster` state.
 */
export class MeshTreeProvider implements vscode.TreeDataProvider<MeshNode>, vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<MeshNode | undefined>();
  readonly onDidChangeTreeData = this.changeEmitter.event;
  private readonly subscriptions: { dispose(): void }[];
  /** Fires after the root level was produced; lets tests and the benchmark wait for a render. */
  private readonly renderedEmitter = new vscode.EventEmitter<number>();
  readonly onDidRenderRoot = this.renderedEmitter.event;

  constructor(private readonly session: MeshSession, private readonly rollouts: RolloutTracker, private readonly analysis: ClusterAnalysisResults) {
    // VS Code coalesces bursts of change events (a rollout of many workloads) before it asks again.
    this.subscriptions = [
      session.onDidChange(() => this.changeEmitter.fire(undefined)),
      rollouts.onDidChange(() => this.changeEmitter.fire(undefined)),
      analysis.onDidChange(() => this.changeEmitter.fire(undefined)),
    ];
  }

  getTreeItem(node: MeshNode): vscode.TreeItem {
    return node.treeItem();
  }

  async getChildren(node?: MeshNode): Promise<MeshNode[]> {
    if (node) return node.children?.() ?? [];
    void this.session.ensureStarted();
    const roots = this.roots();
    this.renderedEmitter.fire(roots.length);
    return roots;
  }

  /** The root level as it is now; empty (welcome view) unless connected and listed. */
  roots(): MeshNode[] {
    const store = this.session.store;
    const status = this.session.status;
    if (!store || !status || !store.isSynced('namespaces', 'pods', 'deployments', 'statefulsets', 'daemonsets', 'services', 'webhooks', 'crds')) return [];
    // Forbidden and "Istio not installed" are told by viewsWelcome, which shows only while the tree is empty.
    const install = this.session.installState;
    if (this.session.state === 'forbidden' || install === 'notInstalled') return [];
    const nodes: MeshNode[] = [];
    if (status.limited) nodes.push(new MessageNode('limited', 'Limited view (RBAC)', status.limited, 'warning'));
    if (this.session.state === 'unreachable' || this.session.state === 'unauthorized') {
      nodes.push(new MessageNode('stale', this.session.state === 'unreachable' ? 'Connection lost: reconnecting…' : 'Credentials rejected',
        this.session.error?.message ?? '', 'warning', { title: 'Show Logs', command: 'istio.showLogs' }));
    }
    nodes.push(install === 'unknown'
      ? new MessageNode('cp', 'Control plane: not visible to you', `You may not list Deployments in istio-system in context "${this.session.contextName}", so whether Istio is installed is unknown.`, 'warning')
      : controlPlaneNode(store.controlPlane));
    nodes.push(new NamespacesNode(store.namespaces.map((n) => new NamespaceNode(n, store, this.rollouts, this.marks()))));
    return nodes;
  }

  /** Finds the node of a namespace (for commands invoked from the palette and for tests). */
  namespaceNode(name: string): NamespaceNode | undefined {
    const store = this.session.store;
    const model = store?.namespace(name);
    return store && model ? new NamespaceNode(model, store, this.rollouts, this.marks()) : undefined;
  }

  private marks() {
    return analysisMarks(this.analysis, this.session.contextName);
  }

  refresh(): void {
    this.changeEmitter.fire(undefined);
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.changeEmitter.dispose();
    this.renderedEmitter.dispose();
  }
}
