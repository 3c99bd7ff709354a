/**
 * What the Mesh view's Clusters level shows, from each chosen cluster's facts (clusterFacts.ts) and the mesh checks'
 * findings (meshChecks.ts): which namespaces differ between clusters of one mesh, each cluster row's words, each remote
 * secret's row, and the cluster object a finding is reported on in the Problems panel. Pure.
 */
import type { ObjectRef } from '../analyzers/clusterAnalysis';
import { IstioSystemNamespace, RootCertConfigMap } from '../istio/names';
import type { ClusterFacts, NamespaceFacts, RemoteSecretFacts } from './clusterFacts';
import type { MeshFinding } from './meshChecks';

/** How a namespace's new pods join the mesh, with the revision: two clusters differ when these differ. */
function dataplaneOf(ns: NamespaceFacts): string | undefined {
  switch (ns.state) {
    case 'system': return undefined; // istiod never injects there, in any cluster
    case 'on': return `injected (${ns.revision ?? 'default'})`;
    case 'ambient': return 'ambient';
    default: return 'not injected';
  }
}

/** The clusters of one mesh: the same mesh ID (a cluster whose mesh ID is unread joins no group). */
export function meshGroups(clusters: readonly ClusterFacts[]): ClusterFacts[][] {
  const groups = new Map<string, ClusterFacts[]>();
  for (const c of clusters) {
    if (c.clusterName === undefined || c.meshId === undefined) continue;
    groups.set(c.meshId, [...(groups.get(c.meshId) ?? []), c]);
  }
  return [...groups.values()];
}

/**
 * The namespaces whose injection or revision differs between clusters of one mesh: context → namespace → the words
 * that say how, e.g. `injected (default) in ctx-1, not injected in ctx-2`. Only namespaces that exist in two or more
 * clusters of the group are compared; one that exists in a single cluster is that cluster's own.
 */
export function namespaceDifferences(clusters: readonly ClusterFacts[]): Map<string, Map<string, string>> {
  const out = new Map<string, Map<string, string>>();
  for (const group of meshGroups(clusters)) {
    const names = new Set(group.flatMap((c) => c.namespaces.map((n) => n.name)));
    for (const name of names) {
      const seen = group.flatMap((c) => {
        const ns = c.namespaces.find((n) => n.name === name);
        const mode = ns && dataplaneOf(ns);
        return mode ? [{ context: c.context, mode }] : [];
      });
      if (seen.length < 2 || new Set(seen.map((s) => s.mode)).size < 2) continue;
      const words = seen.map((s) => `${s.mode} in ${s.context}`).join(', ');
      for (const s of seen) {
        const byName = out.get(s.context) ?? new Map<string, string>();
        byName.set(name, words);
        out.set(s.context, byName);
      }
    }
  }
  return out;
}

/** The cluster row's description: cluster name, mesh ID, network, istiod revisions. */
export function clusterDescription(facts: ClusterFacts | undefined, revisions: readonly string[]): string {
  if (!facts) return 'reading…';
  if (facts.clusterName === undefined && revisions.length === 0) return 'no Istio';
  return [
    facts.clusterName ?? 'cluster name unknown',
    `mesh ${facts.meshId ?? '?'}`,
    `network ${facts.network ?? '—'}`,
    revisions.length ? `istiod ${revisions.join(', ')}` : 'no istiod',
  ].join(' · ');
}

/** The findings that concern a context, errors first. */
export function findingsOf(context: string, findings: readonly MeshFinding[]): MeshFinding[] {
  return findings.filter((f) => f.contexts.includes(context)).sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1));
}

/** "1 error, 2 warnings" */
export function describeFindings(findings: readonly MeshFinding[]): string {
  const errors = findings.filter((f) => f.severity === 'error').length;
  const warnings = findings.length - errors;
  const part = (n: number, word: string) => (n ? [`${n} ${word}${n === 1 ? '' : 's'}`] : []);
  return [...part(errors, 'error'), ...part(warnings, 'warning')].join(', ');
}

/**
 * The cluster object a finding is reported on in a context, where the thing to change lives: the namespace for an
 * injection difference, the `istio` ConfigMap for the mesh ID, the published root for the CA, and istiod (its cluster
 * ID, and the process that reads the remote secrets) for the rest. Never a Secret: its document would show a token.
 */
export function findingObject(finding: MeshFinding): ObjectRef {
  switch (finding.code) {
    case 'injectionDiffers': return { kind: 'Namespace', namespace: '', name: finding.namespace ?? '' };
    case 'meshIdMismatch': return { kind: 'ConfigMap', namespace: IstioSystemNamespace, name: 'istio' };
    case 'rootCaMismatch': return { kind: 'ConfigMap', namespace: IstioSystemNamespace, name: RootCertConfigMap };
    default: return { kind: 'Deployment', namespace: IstioSystemNamespace, name: 'istiod' };
  }
}

export interface RemoteSecretRow {
  /** The remote cluster's ID, and the chosen context whose cluster has it, when there is one. */
  readonly label: string;
  readonly description: string;
  readonly tooltip: readonly string[];
  readonly state: 'synced' | 'failing' | 'unknown';
}

/** A remote secret's row: the cluster it is for, the server it points at, istiod's sync state. */
export function remoteSecretRow(secret: RemoteSecretFacts, clusters: readonly ClusterFacts[]): RemoteSecretRow {
  const target = clusters.find((c) => c.clusterName === secret.clusterName);
  const sync = secret.syncStatus ?? 'sync unknown';
  return {
    label: target ? `${secret.clusterName} (${target.context})` : secret.clusterName,
    description: `${secret.server ?? 'server unreadable'} · ${sync}`,
    tooltip: [
      `Secret ${secret.secret}`,
      `Cluster ${secret.clusterName}${target ? `, context ${target.context}` : ', not one of the chosen contexts'}`,
      `Server ${secret.server ?? 'unknown: the kubeconfig in the secret does not name one'}`,
      secret.syncStatus ? `istiod's sync state: ${secret.syncStatus}` : "istiod's sync state is unknown (its /debug/clusterz did not answer through the API server)",
    ],
    state: secret.syncStatus === undefined ? 'unknown' : secret.syncStatus === 'synced' ? 'synced' : 'failing',
  };
}
