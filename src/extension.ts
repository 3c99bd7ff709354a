import type * as vscode from 'vscode';
import { ClusterAnalysisResults } from './analyzers/clusterResults';
import { localClusterFromEnv } from './cluster/localCluster';
import { registerCommands } from './commands';
import { NamespaceTargets } from './commands/namespaceTargets';
import { registerKubernetesExplorer } from './companions/kubernetesExplorer';
import { Config } from './config';
import { createYamlService, registerYamlEditor } from './editor';
import { registerWorkspaceAnalysis, WorkspaceAnalysis } from './editor/workspaceAnalysis';
import { RolloutTracker } from './injection/tracker';
import { createOutput } from './output';
import type { Services } from './services';
import { UpgradeStates } from './upgrade/store';
import { ClusterSet } from './views/clusterSet';
import { MeshTreeProvider } from './views/meshTree';
import { registerMeshView } from './views/register';
import { MeshSession } from './views/session';
import { registerUpgradeView } from './views/upgradeTree';

/** The front door: build the services, then let each feature register itself. */
export function activate(context: vscode.ExtensionContext): Services {
  const { channel, log } = createOutput();
  context.subscriptions.push(channel);
  const config = new Config();
  const mesh = new MeshSession(config, log, context.globalState, localClusterFromEnv(process.env));
  const rollouts = new RolloutTracker();
  const yaml = createYamlService(context, config, log);
  const workspaceAnalysis = new WorkspaceAnalysis(config, log);
  const clusterAnalysis = new ClusterAnalysisResults();
  const upgrades = new UpgradeStates(context.globalState);
  context.subscriptions.push(clusterAnalysis, upgrades);
  const clusters = new ClusterSet(mesh, config, log, context.globalState);
  context.subscriptions.push(clusters);
  const meshTree = new MeshTreeProvider(mesh, clusters, rollouts, clusterAnalysis, () => config.meshViewPageSize);
  const namespaceTargets = new NamespaceTargets();
  const services: Services = { context, config, log, output: channel, mesh, clusters, meshTree, rollouts, yaml, workspaceAnalysis, clusterAnalysis, upgrades, namespaceTargets };
  registerCommands(services);
  registerMeshView(services);
  registerUpgradeView(services);
  registerYamlEditor(services);
  registerWorkspaceAnalysis(context, workspaceAnalysis, config);
  registerKubernetesExplorer(services);
  log.info(`Istio Mesh ${context.extension.packageJSON.version} activated`);
  // Returned so integration tests can reach the same services the UI uses.
  return services;
}

export function deactivate(): void {}
