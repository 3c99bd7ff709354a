import type { Labels } from '../istio/injection';

/**
 * What the rules may know beyond the file: the cluster (when connected) and the rest of the workspace.
 * Everything is optional so the rules stay pure and run the same offline, in CI and in the editor.
 *
 * The seam: the editor glue builds `ClusterFacts` from the mesh model (src/mesh) and passes it to
 * `lintText`; the command line passes none. A rule that needs a fact that is absent stays silent.
 */
export interface ClusterFacts {
  /** The cluster's istiod revisions (`default` for one without a revision); undefined when not connected. */
  readonly revisions?: readonly string[];
  /** The cluster's revision tags (`istioctl tag set`), each with the revision it points at. */
  readonly tags?: readonly { readonly name: string; readonly revision: string }[];
  /** Namespaces of the cluster that run workloads (pods). */
  readonly namespacesWithWorkloads?: readonly string[];
  /** Namespace of the control plane; `istio-system` when unknown. */
  readonly controlPlaneNamespace?: string;
  /**
   * The mesh's root namespace (meshConfig.rootNamespace), where mesh-wide policies live: the setting
   * `istio.meshConfig.rootNamespace`, the live `istio` ConfigMap, or `lint --root-namespace`; `istio-system` when unknown.
   */
  readonly rootNamespace?: string;
}

/** The facts with the root namespace a user set (setting or flag), which wins over the cluster's; none set: unchanged. */
export function withRootNamespace(cluster: ClusterFacts | undefined, rootNamespace: string | undefined): ClusterFacts | undefined {
  return rootNamespace ? { ...cluster, rootNamespace } : cluster;
}

/** Facts gathered from other files of the workspace (e.g. other open YAML documents). */
export interface WorkspaceFacts {
  /**
   * Namespaces targeted by workloads (in other files) that ask for a sidecar they get only once their namespace is
   * labelled for injection (the engine's decision in the namespace without labels, and with istio-injection=enabled).
   */
  readonly namespacesAskingForSidecars?: ReadonlySet<string>;
  /** The injection labels of the Namespace documents of other files (or other documents), by name. */
  readonly namespaceLabels?: ReadonlyMap<string, Labels>;
}

/** The facts of several files together (later files' Namespace documents win, as the last one applied would). */
export function mergeFacts(all: Iterable<WorkspaceFacts | undefined>): Required<WorkspaceFacts> {
  const asking = new Set<string>();
  const namespaceLabels = new Map<string, Labels>();
  for (const facts of all) {
    facts?.namespacesAskingForSidecars?.forEach((n) => asking.add(n));
    facts?.namespaceLabels?.forEach((labels, name) => namespaceLabels.set(name, labels));
  }
  return { namespacesAskingForSidecars: asking, namespaceLabels };
}

/**
 * `mergeFacts([workspace, ...own])`, which is `workspace` itself when it already says all that `own` says: the command
 * line hands each file the facts of every file, its own included, and a copy per file costs files × namespaces.
 */
export function withOwnFacts(workspace: WorkspaceFacts | undefined, own: readonly WorkspaceFacts[]): Required<WorkspaceFacts> {
  const { namespacesAskingForSidecars: asking, namespaceLabels: labels } = workspace ?? {};
  const holds = (facts: WorkspaceFacts) =>
    [...(facts.namespacesAskingForSidecars ?? [])].every((name) => asking?.has(name)) &&
    [...(facts.namespaceLabels ?? [])].every(([name, given]) => sameLabels(labels?.get(name), given));
  return asking && labels && own.every(holds) ? { namespacesAskingForSidecars: asking, namespaceLabels: labels } : mergeFacts([workspace, ...own]);
}

/** Equal label sets, whatever their keys' order. */
export function sameLabels(a: Labels | undefined, b: Labels): boolean {
  if (!a) return false;
  const keys = Object.keys(b);
  return keys.length === Object.keys(a).length && keys.every((k) => a[k] === b[k]);
}

/** A string equal for equal facts: the checker reruns a document's rules only when it changes. */
export function factsSignature(workspace: WorkspaceFacts, cluster: ClusterFacts | undefined): string {
  const labels = [...(workspace.namespaceLabels ?? new Map<string, Labels>())].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify([[...(workspace.namespacesAskingForSidecars ?? [])].sort(), labels, cluster ?? {}]);
}
