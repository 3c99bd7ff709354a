import * as vscode from 'vscode';
import type { ClusterExplorerV1_1 } from 'vscode-kubernetes-tools-api';
// The package's index does not re-export the 1.1 configuration API; its own file declares it.
import type { ConfigurationV1_1 } from 'vscode-kubernetes-tools-api/js/configuration/v1_1';
import type { MeshStore } from '../mesh/store';
import type { Services } from '../services';
import { errorMessage } from '../util/errors';
import { namespaceWords, podWords } from './explorerWords';

/** Microsoft's Kubernetes extension; its API is published on npm as `vscode-kubernetes-tools-api`. */
const KUBERNETES_EXTENSION = 'ms-kubernetes-tools.vscode-kubernetes-tools';

type ExplorerNode = ClusterExplorerV1_1.ClusterExplorerNode;

/**
 * Beside the Kubernetes extension, when it is installed (now or later): its Cluster Explorer shows each namespace's
 * injection state and each pod's sidecar, read from the Mesh view's own live store (the same watches, no second
 * poll); its namespace menu offers our injection commands (package.json); and the Mesh view follows the context the
 * user switches to there. Without it nothing is loaded: the API package is imported only once the extension exists.
 */
export function registerKubernetesExplorer(services: Services): void {
  let started = false;
  const startIfPresent = () => {
    if (started || !vscode.extensions.getExtension(KUBERNETES_EXTENSION)) return;
    started = true;
    void connect(services).catch((err: unknown) => services.log.warn(`Could not join the Kubernetes extension's Cluster Explorer: ${errorMessage(err)}`));
  };
  startIfPresent();
  if (!started) services.context.subscriptions.push(vscode.extensions.onDidChange(startIfPresent));
}

async function connect(services: Services): Promise<void> {
  const k8s = await import('vscode-kubernetes-tools-api');
  const [explorer, configuration] = await Promise.all([k8s.extension.clusterExplorer.v1_1, k8s.extension.configuration.v1_1]);
  if (!explorer.available) {
    services.log.warn(`The Kubernetes extension's Cluster Explorer API is not available (${explorer.reason}): its tree shows no Istio state.`);
    return;
  }
  const decorations = new ExplorerDecorations(services, explorer.api);
  explorer.api.registerNodeUICustomizer(decorations);
  services.context.subscriptions.push(
    decorations,
    services.namespaceTargets.add((target) => {
      const node = explorer.api.resolveCommandTarget(target);
      return node?.nodeType === 'resource' && node.resourceKind.manifestKind === 'Namespace' ? node.name : undefined;
    }),
  );
  if (configuration.available) services.context.subscriptions.push(followContext(services, configuration.api));
  services.log.info('The Kubernetes extension is installed: its Cluster Explorer shows Istio injection and sidecars, and its namespace menu has the injection commands.');
}

/** The user switched context in the Kubernetes extension: the Mesh view (and every Istio command) moves there too. */
function followContext(services: Services, configuration: ConfigurationV1_1): vscode.Disposable {
  return configuration.onDidChangeContext((name) => {
    if (!name || name === services.mesh.contextName) return;
    services.log.info(`The Kubernetes extension switched to context "${name}": the Mesh view follows.`);
    void services.mesh.switchContext(name);
  });
}

/**
 * The Cluster Explorer's namespace and pod rows get the Mesh view's words as their description. They are drawn only
 * while the Mesh view's session is on the context the Cluster Explorer shows; the explorer is refreshed when a word
 * it shows changed (not on every watch event).
 */
class ExplorerDecorations implements ClusterExplorerV1_1.NodeUICustomizer, vscode.Disposable {
  /** The active context the explorer drew last (its context row comes before the rows under it). */
  private explorerContext: string | undefined;
  /** What each decorated row says now, by `namespace` or `namespace/pod`: a refresh is needed only when one changes. */
  private readonly shown = new Map<string, string>();
  /** A row asked before the store could answer: refresh once it can. */
  private waiting = false;
  private refreshTimer: NodeJS.Timeout | undefined;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly services: Services, private readonly explorer: ClusterExplorerV1_1) {
    this.subscription = services.mesh.onDidChange(() => this.onMeshChange());
  }

  customize(node: ExplorerNode, treeItem: vscode.TreeItem): void {
    if (node.nodeType === 'context') {
      this.explorerContext = node.name;
      return;
    }
    if (node.nodeType !== 'resource' || !['Namespace', 'Pod'].includes(node.resourceKind.manifestKind)) return;
    const store = this.storeOfExplorerContext();
    if (!store) return;
    const key = node.resourceKind.manifestKind === 'Namespace' ? node.name : `${node.namespace}/${node.name}`;
    const words = this.words(store, key);
    if (words === undefined) return;
    this.shown.set(key, words);
    const own = typeof treeItem.description === 'string' && treeItem.description ? `${treeItem.description} · ` : '';
    treeItem.description = `${own}${words}`;
  }

  dispose(): void {
    clearTimeout(this.refreshTimer);
    this.subscription.dispose();
  }

  /** The live store, when the session is on the explorer's context; starts the session on first use, as the Mesh view does. */
  private storeOfExplorerContext(): MeshStore | undefined {
    const mesh = this.services.mesh;
    if (mesh.state === 'idle') void mesh.ensureStarted();
    const store = mesh.store;
    const sameContext = this.explorerContext === undefined || this.explorerContext === mesh.contextName;
    // Only once everything is listed: a namespace drawn before the webhooks are known would say "no injector".
    if (store && sameContext && mesh.state === 'ready') return store;
    this.waiting ||= sameContext;
    return undefined;
  }

  private words(store: MeshStore, key: string): string | undefined {
    const [namespace, pod] = key.split('/');
    const model = store.namespace(namespace!);
    if (!model) return undefined;
    if (pod === undefined) return namespaceWords(model, this.services.rollouts);
    const found = [...model.workloads.flatMap((w) => w.pods), ...model.otherPods].find((p) => p.name === pod);
    return found && podWords(found);
  }

  private onMeshChange(): void {
    const store = this.services.mesh.store;
    if (!store || this.services.mesh.state !== 'ready') return;
    const changed = this.waiting || [...this.shown].some(([key, words]) => this.words(store, key) !== words);
    if (!changed || this.refreshTimer) return;
    // Watch events come in bursts (a rollout restarts pods one by one): one refresh per burst.
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = undefined;
      this.waiting = false;
      this.explorer.refresh();
    }, 300);
  }
}
