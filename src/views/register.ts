import * as vscode from 'vscode';
import type { Services } from '../services';
import { createContextStatusBar } from './statusBar';

/** Registers the mesh tree view and the context status bar item. Nothing connects until the view asks. */
export function registerMeshView(services: Services): void {
  const { context, mesh, meshTree } = services;
  void vscode.commands.executeCommand('setContext', 'istio.cluster', 'idle');
  const view = vscode.window.createTreeView('istio.mesh', { treeDataProvider: meshTree, showCollapseAll: true });
  context.subscriptions.push(view, meshTree, mesh, createContextStatusBar(mesh));
}
