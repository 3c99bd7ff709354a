/**
 * What the rules may know beyond the file: the cluster (when connected) and the rest of the workspace.
 * Everything is optional so the rules stay pure and run the same offline, in CI and in the editor.
 *
 * The seam: the editor glue builds `ClusterFacts` from the mesh model (src/mesh) and passes it to
 * `lintText`; the command line passes none. A rule that needs a fact that is absent stays silent.
 */
export interface ClusterFacts {
  /** Revisions and revision tags of the cluster's control planes (`istio.io/rev` values that select an injector). */
  readonly revisions?: readonly string[];
  /** Namespaces of the cluster that run workloads (pods). */
  readonly namespacesWithWorkloads?: readonly string[];
  /** Namespace of the control plane; `istio-system` when unknown. */
  readonly controlPlaneNamespace?: string;
}

/** Facts gathered from other files of the workspace (e.g. other open YAML documents). */
export interface WorkspaceFacts {
  /** Namespaces targeted by workloads (in other files) whose pods ask for a sidecar. */
  readonly namespacesAskingForSidecars?: ReadonlySet<string>;
  /** Namespaces that other files (or other documents) label for injection. */
  readonly injectedNamespaces?: ReadonlySet<string>;
}

export const DEFAULT_CONTROL_PLANE_NAMESPACE = 'istio-system';
