import type * as vscode from 'vscode';
import type { ClusterAnalysisResults } from './analyzers/clusterResults';
import type { NamespaceTargets } from './commands/namespaceTargets';
import type { Config } from './config';
import type { WorkspaceAnalysis } from './editor/workspaceAnalysis';
import type { YamlService } from './editor/yamlService';
import type { RolloutTracker } from './injection/tracker';
import type { UpgradeStates } from './upgrade/store';
import type { Logger } from './util/log';
import type { ClusterSet } from './views/clusterSet';
import type { MeshTreeProvider } from './views/meshTree';
import type { MeshSession } from './views/session';

/**
 * What every feature receives from `activate`: built once there, never at module load.
 * Features add their own long-lived services here as they grow (cluster session, mesh store, YAML checker).
 */
export interface Services {
  readonly context: vscode.ExtensionContext;
  readonly config: Config;
  readonly log: Logger;
  readonly output: vscode.LogOutputChannel;
  /** The cluster of the selected kubeconfig context and its live mesh store; connects on first use (`getClient()`, `store`). */
  readonly mesh: MeshSession;
  /** The contexts of `istio.mesh.contexts` (the Mesh view's Clusters level): a session per context, their facts and the mesh checks. */
  readonly clusters: ClusterSet;
  /** The `istio.mesh` tree provider (`getChildren`, `getTreeItem`, `namespaceNode(name)`). */
  readonly meshTree: MeshTreeProvider;
  /** Rollout state of workloads restarted in this session ("restarting" → "2/2 injected"); the tree reads it. */
  readonly rollouts: RolloutTracker;
  /** YAML checks in the editor, wired by `registerYamlEditor`. The mesh feeds its cluster facts, the cluster feature its CRDs. */
  readonly yaml: YamlService;
  /** Istio's cross-resource analyzers over the workspace's YAML files (`Istio: Analyze Workspace`). */
  readonly workspaceAnalysis: WorkspaceAnalysis;
  /** The last `Istio: Analyze Cluster…` run: the Problems panel and the mesh tree's markers follow it. */
  readonly clusterAnalysis: ClusterAnalysisResults;
  /** Canary upgrades by kube context, kept in `globalState` so they resume after a reload; the Upgrade view reads them. */
  readonly upgrades: UpgradeStates;
  /** How the namespace commands read the nodes of other extensions' trees (the Cluster Explorer's namespaces). */
  readonly namespaceTargets: NamespaceTargets;
}
