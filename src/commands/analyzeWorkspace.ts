import * as vscode from 'vscode';
import type { Services } from '../services';

/** Istio: Analyze Workspace — Istio's cross-resource analyzers over every YAML file of the workspace folders, in the Problems panel. */
export const analyzeWorkspace = (s: Services) => async () => {
  await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Istio: analyzing the workspace' }, () => s.workspaceAnalysis.analyzeAll());
  await vscode.commands.executeCommand('workbench.actions.view.problems');
};
