import * as vscode from 'vscode';
import { describeLocalCluster } from '../cluster/localCluster';
import type { Services } from '../services';
import { createContextStatusBar } from './statusBar';

/** Registers the mesh tree view and the context status bar item. Nothing connects until the view asks (the kubeconfig is read ahead). */
export function registerMeshView(services: Services): void {
  const { context, mesh, meshTree, rollouts, clusters } = services;
  const view = vscode.window.createTreeView('istio.mesh', { treeDataProvider: meshTree, showCollapseAll: true });
  // While `npm start`'s local cluster builds and starts, the view names the step (the welcome text cannot change).
  const localClusterMessage = mesh.onDidChange(() => {
    const status = mesh.localCluster?.current;
    const waiting = mesh.state === 'localCluster' || (status?.state === 'failed' && mesh.state !== 'ready');
    const message = waiting && status ? describeLocalCluster(status) : undefined;
    // Only when it changes (none is '' to VS Code): each assignment, even of the same text, restarts VS Code's 200 ms
    // debounce of the tree's redraws, and a mesh change comes every few hundred milliseconds during a rollout: no row was
    // redrawn until it ended.
    if ((message ?? '') !== (view.message ?? '')) view.message = message;
  });
  // The Clusters level re-reads istiod's sync state periodically only while someone can see it.
  clusters.setVisible(view.visible);
  const visibility = view.onDidChangeVisibility((e) => clusters.setVisible(e.visible));
  // Completes the walkthrough's "restart" step also when the restart was accepted from the offer after enabling injection.
  const restarted = rollouts.onDidChange((state) => {
    if (state.phase !== 'ready') return;
    void vscode.commands.executeCommand('setContext', 'istio.workloadsRestarted', true);
    restarted.dispose();
  });
  // The view's first fetch comes a round trip to the window after activation: the kubeconfig is read meanwhile.
  setTimeout(() => mesh.prepare(), 0);
  context.subscriptions.push(view, localClusterMessage, meshTree, mesh, createContextStatusBar(mesh), restarted, visibility);
}
