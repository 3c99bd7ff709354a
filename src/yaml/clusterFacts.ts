import type { MeshStore } from '../mesh/store';
import type { ClusterFacts } from './facts';

/**
 * What the connected rules need from the live mesh model: revisions and tags (for
 * `revision-unknown`), namespaces running workloads (for `namespace-not-injected`) and the
 * control-plane namespace (for `system-namespace-injection`).
 */
export function clusterFactsOf(store: Pick<MeshStore, 'controlPlane' | 'namespaces'>): ClusterFacts {
  const cp = store.controlPlane;
  const revisions = cp.revisions.flatMap((r) => [r.revision, ...r.tags]).concat(cp.tags.map((t) => t.name));
  return {
    // No control plane: `revision-unknown` stays silent rather than flag every istio.io/rev.
    ...(cp.installed ? { revisions: [...new Set(revisions)].sort() } : {}),
    namespacesWithWorkloads: store.namespaces.filter((n) => n.workloads.length > 0 || n.podCount > 0).map((n) => n.name),
    ...(cp.namespaces[0] ? { controlPlaneNamespace: cp.namespaces[0] } : {}),
  };
}
