// A stand-in for the Kubernetes extension: its Cluster Explorer and its API broker, as `vscode-kubernetes-tools-api`
// declares them. The tree shows what a test gives to `standIn.kubernetes.show` (as kubectl would list it).
import * as vscode from 'vscode';

export function activate(context) {
  const customizers = [];
  const contributors = [];
  let cluster = { context: undefined, namespaces: [] };
  const changed = new vscode.EventEmitter();
  const contextChanged = new vscode.EventEmitter();
  const nodes = new WeakSet();
  const node = (value) => (nodes.add(value), value);

  const kind = (manifestKind, abbreviation) => ({ manifestKind, abbreviation });
  const contextNode = () => node({ nodeType: 'context', name: cluster.context, contextValue: 'vsKubernetes.cluster' });
  const children = (parent) => {
    if (!parent) return cluster.context ? [contextNode()] : [];
    if (parent.nodeType === 'context') {
      return [node({ nodeType: 'folder.resource', resourceKind: kind('Namespace', 'namespace'), label: 'Namespaces', contextValue: 'vsKubernetes.kind' }),
        node({ nodeType: 'folder.resource', resourceKind: kind('Pod', 'pod'), label: 'Pods', contextValue: 'vsKubernetes.kind' })];
    }
    if (parent.nodeType === 'folder.resource' && parent.resourceKind.manifestKind === 'Namespace') {
      return cluster.namespaces.map((ns) => node({ nodeType: 'resource', namespace: null, resourceKind: kind('Namespace', 'namespace'), name: ns.name, contextValue: 'vsKubernetes.resource.namespace' }));
    }
    if (parent.nodeType === 'folder.resource' && parent.resourceKind.manifestKind === 'Pod') {
      return cluster.namespaces.flatMap((ns) => ns.pods.map((pod) => node({ nodeType: 'resource', namespace: ns.name, resourceKind: kind('Pod', 'pod'), name: pod, contextValue: 'vsKubernetes.resource.pod' })));
    }
    return [];
  };
  const treeItem = async (n) => {
    const folder = n.nodeType === 'context' || n.nodeType.startsWith('folder');
    const item = new vscode.TreeItem(n.label ?? n.name, folder ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None);
    item.contextValue = n.contextValue;
    for (const customizer of customizers) await customizer.customize(n, item);
    return item;
  };
  const provider = {
    onDidChangeTreeData: changed.event,
    getChildren: async (parent) => {
      const own = children(parent);
      const extra = [];
      for (const c of contributors) if (c.contributesChildren(parent)) extra.push(...(await c.getChildren(parent)));
      return [...own, ...extra];
    },
    getTreeItem: (n) => (typeof n.getTreeItem === 'function' ? n.getTreeItem() : treeItem(n)),
  };
  context.subscriptions.push(vscode.window.registerTreeDataProvider('extension.vsKubernetesExplorer', provider));

  /** Every row as the view draws it, depth first: what a user sees, for the tests. */
  const rows = async (parent, depth = 0) => {
    const out = [];
    for (const child of await provider.getChildren(parent)) {
      const item = await provider.getTreeItem(child);
      out.push({ depth, label: typeof item.label === 'string' ? item.label : item.label?.label, description: item.description, contextValue: item.contextValue, target: child });
      out.push(...(await rows(child, depth + 1)));
    }
    return out;
  };
  context.subscriptions.push(
    vscode.commands.registerCommand('standIn.kubernetes.show', (given) => {
      const switched = given.context !== cluster.context && cluster.context !== undefined;
      cluster = given;
      changed.fire(undefined);
      if (switched) contextChanged.fire(given.context);
    }),
    vscode.commands.registerCommand('standIn.kubernetes.rows', () => rows(undefined)),
    vscode.commands.registerCommand('standIn.kubernetes.refreshes', () => refreshes),
  );
  let refreshes = 0;

  const clusterExplorer = {
    resolveCommandTarget: (target) => (target && nodes.has(target) ? target : undefined),
    registerNodeContributor: (c) => void contributors.push(c),
    registerNodeUICustomizer: (c) => void customizers.push(c),
    get nodeSources() {
      throw new Error('nodeSources: not implemented by the stand-in');
    },
    refresh: () => {
      refreshes++;
      changed.fire(undefined);
    },
  };
  const configuration = {
    getKubeconfigPath: () => ({ pathType: 'host', hostPath: process.env.KUBECONFIG ?? '' }),
    onDidChangeKubeconfigPath: new vscode.EventEmitter().event,
    onDidChangeContext: contextChanged.event,
    onDidChangeNamespace: new vscode.EventEmitter().event,
  };
  const apis = { clusterexplorer: { v1: clusterExplorer, v1_1: clusterExplorer }, configuration: { v1: configuration, v1_1: configuration } };
  // The APIBroker: what `vscode-kubernetes-tools-api` gets from `activate`.
  return {
    get: (component, version) => {
      const api = apis[component]?.[version];
      return api ? { available: true, api } : { available: false, reason: 'version-unknown' };
    },
  };
}

export function deactivate() {}
