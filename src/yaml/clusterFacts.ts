import type { MeshStore } from '../mesh/store';
import type { ClusterFacts } from './facts';

/**
 * What the connected rules need from the live mesh model: revisions, and tags with the revision each points at (the
 * injection engine renders the chart's webhooks for both), namespaces running workloads (for `namespace-not-injected`)
 * and the control-plane namespace.
 */
export function clusterFactsOf(store: Pick<MeshStore, 'controlPlane' | 'namespacesWithWorkloads'>): ClusterFacts {
  const cp = store.controlPlane;
  const tags = new Map<string, string>();
  for (const r of cp.revisions) for (const t of r.tags) tags.set(t, r.revision);
  for (const t of cp.tags) tags.set(t.name, t.revision);
  return {
    // No control plane: `revision-unknown` stays silent rather than flag every istio.io/rev.
    ...(cp.installed
      ? {
        revisions: [...new Set(cp.revisions.map((r) => r.revision))].sort(),
        tags: [...tags].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([name, revision]) => ({ name, revision })),
      }
      : {}),
    namespacesWithWorkloads: store.namespacesWithWorkloads(),
    ...(cp.namespaces[0] ? { controlPlaneNamespace: cp.namespaces[0] } : {}),
  };
}
