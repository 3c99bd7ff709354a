/**
 * Checks across the clusters of one multi-cluster mesh, over the facts of each (clusterFacts.ts): what breaks only
 * between clusters, never inside one. Each finding names the contexts concerned and says what to do. Pure.
 *
 * - rootCaMismatch: two clusters whose roots share no certificate. Workloads of one reject the other's certificates.
 * - meshIdMismatch: istiods of one mesh giving their proxies different mesh IDs.
 * - duplicateClusterName: two istiods with one cluster ID; each ignores a remote secret that names its own ID.
 * - remoteSecretSelf / remoteSecretWrongName / remoteSecretWrongServer / remoteSecretUnsynced: a remote secret that
 *   names its own cluster, gives a chosen cluster another ID, points at another chosen cluster's API server than the
 *   one it names, or that istiod could not sync (unreachable server, rejected token). A server address that matches
 *   no chosen context is no finding by itself: istiod may reach the same API server by another address.
 * - missingRemoteSecret: a primary that does not watch another cluster of the mesh (multi-primary links every pair).
 * - injectionDiffers: a namespace in the mesh in one cluster and out of it (or in another data plane) in another;
 *   Istio treats same-named namespaces of a mesh as one (namespace sameness).
 */
import { code } from '../istio/verdict';
import type { ClusterFacts, NamespaceFacts, RemoteSecretFacts } from './clusterFacts';

export type MeshFindingCode =
  | 'rootCaMismatch' | 'meshIdMismatch' | 'duplicateClusterName'
  | 'remoteSecretSelf' | 'remoteSecretWrongName' | 'remoteSecretWrongServer' | 'remoteSecretUnsynced' | 'missingRemoteSecret'
  | 'injectionDiffers';

export interface MeshFinding {
  readonly code: MeshFindingCode;
  readonly severity: 'error' | 'warning';
  /** The contexts concerned, the one to change first. */
  readonly contexts: readonly string[];
  /** The namespace concerned, for injectionDiffers. */
  readonly namespace?: string;
  readonly message: string;
  /** What to do, with the commands, each naming its context. */
  readonly fix: string;
}

const SYNCED = 'synced';

/** The mesh-level findings for the chosen clusters; clusters without Istio (no cluster name) are left out. */
export function meshFindings(clusters: readonly ClusterFacts[]): MeshFinding[] {
  const meshed = clusters.filter((c) => c.clusterName !== undefined);
  if (meshed.length < 2) return [];
  return [
    ...rootCaFindings(meshed),
    ...meshIdFindings(meshed),
    ...duplicateNameFindings(meshed),
    ...meshed.flatMap((c) => remoteSecretFindings(c, meshed)),
    ...missingSecretFindings(meshed),
    ...injectionFindings(meshed),
  ];
}

function pairs<T>(items: readonly T[]): [T, T][] {
  return items.flatMap((a, i) => items.slice(i + 1).map((b): [T, T] => [a, b]));
}

function rootCaFindings(clusters: readonly ClusterFacts[]): MeshFinding[] {
  const known = clusters.filter((c) => c.rootCerts !== undefined && c.rootCerts.length > 0);
  return pairs(known)
    .filter(([a, b]) => !a.rootCerts!.some((r) => b.rootCerts!.includes(r)))
    .map(([a, b]) => ({
      code: 'rootCaMismatch', severity: 'error', contexts: [b.context, a.context],
      message: `${code(a.context)} and ${code(b.context)} trust different root CAs: their workloads reject each other's certificates, so mTLS between the clusters fails.`,
      fix: `Give both clusters intermediates of one root (Istio's plug-in CA): create the Secret ${code('cacerts')} in istio-system of each with its own ca-cert.pem, ca-key.pem, cert-chain.pem and the shared root-cert.pem (\`kubectl --context=${b.context} -n istio-system create secret generic cacerts --from-file=...\`), then restart istiod and the workloads of ${code(b.context)}.`,
    }));
}

function meshIdFindings(clusters: readonly ClusterFacts[]): MeshFinding[] {
  const known = clusters.filter((c) => c.meshId !== undefined);
  const ids = [...new Set(known.map((c) => c.meshId!))];
  if (ids.length < 2) return [];
  // The mesh ID most clusters have is the one to keep.
  const count = (id: string) => known.filter((c) => c.meshId === id).length;
  const keep = [...ids].sort((x, y) => count(y) - count(x) || x.localeCompare(y))[0];
  const odd = known.filter((c) => c.meshId !== keep);
  return [{
    code: 'meshIdMismatch', severity: 'error', contexts: odd.map((c) => c.context),
    message: `The clusters give different mesh IDs: ${known.map((c) => `${code(c.context)} ${code(c.meshId!)}`).join(', ')}. One mesh needs one ID.`,
    fix: `Reinstall Istio on ${odd.map((c) => code(c.context)).join(', ')} with the mesh ID of the others: \`istioctl install --context=${odd[0].context} --set values.global.meshID=${keep} ...\` (keep its other values), then restart its workloads.`,
  }];
}

function duplicateNameFindings(clusters: readonly ClusterFacts[]): MeshFinding[] {
  return pairs(clusters)
    .filter(([a, b]) => a.clusterName === b.clusterName)
    .map(([a, b]) => ({
      code: 'duplicateClusterName', severity: 'error', contexts: [b.context, a.context],
      message: `${code(a.context)} and ${code(b.context)} both call themselves ${code(a.clusterName!)}: istiod ignores a remote secret with its own cluster name, so neither watches the other.`,
      fix: `Reinstall Istio on ${code(b.context)} with a cluster name of its own: \`istioctl install --context=${b.context} --set values.global.multiCluster.clusterName=<unique name> ...\`, then recreate the remote secrets for it.`,
    }));
}

/** The command that (re)creates `remote`'s secret in `local`, naming both contexts. */
function createSecretCommand(local: string, remote: ClusterFacts): string {
  return `\`istioctl create-remote-secret --context=${remote.context} --name=${remote.clusterName} | kubectl apply --context=${local} -f -\``;
}

function remoteSecretFindings(local: ClusterFacts, clusters: readonly ClusterFacts[]): MeshFinding[] {
  const out: MeshFinding[] = [];
  const where = (s: RemoteSecretFacts) => `The remote secret ${code(s.secret)} of ${code(local.context)}`;
  for (const s of local.remoteSecrets) {
    if (s.clusterName === local.clusterName) {
      out.push({
        code: 'remoteSecretSelf', severity: 'warning', contexts: [local.context],
        message: `${where(s)} names the cluster's own name ${code(s.clusterName)}: istiod ignores it.`,
        fix: `Delete it (\`kubectl delete secret --context=${local.context} -n ${s.secret.replace('/', ' ')}\`), or recreate it with the name of the cluster it is for.`,
      });
      continue;
    }
    const byName = clusters.find((c) => c.clusterName === s.clusterName);
    // Another address of the right server is fine when istiod syncs through it; the server of another chosen cluster
    // never is, nor the local cluster's own (istiod would watch itself under a remote's name).
    const target = s.server === undefined ? undefined : clusters.find((c) => c.server === s.server);
    if (!byName && target) {
      out.push({
        code: 'remoteSecretWrongName', severity: 'error', contexts: [local.context, target.context],
        message: `${where(s)} points at the API server of ${code(target.context)} but calls it ${code(s.clusterName)}; that cluster's istiod calls itself ${code(target.clusterName!)}. Endpoints of that cluster get the wrong cluster name, and locality and network rules keyed on it miss them.`,
        fix: `Recreate it with the cluster's own name: ${createSecretCommand(local.context, target)}, then delete ${code(s.secret)}.`,
      });
    } else if (byName && target && target !== byName) {
      out.push({
        code: 'remoteSecretWrongServer', severity: 'error', contexts: [local.context, byName.context],
        message: `${where(s)} for ${code(s.clusterName)} (${code(byName.context)}) points at ${code(s.server!)}, the API server of ${code(target.context)}: istiod reads the wrong cluster's endpoints under that name.`,
        fix: `Recreate it from the right context: ${createSecretCommand(local.context, byName)}.`,
      });
    }
    if (s.syncStatus !== undefined && s.syncStatus !== SYNCED) {
      out.push({
        code: 'remoteSecretUnsynced', severity: 'error', contexts: [local.context, ...(byName ? [byName.context] : [])],
        message: `istiod of ${code(local.context)} has not synced cluster ${code(s.clusterName)} (status ${code(s.syncStatus)}): its API server${s.server ? ` ${code(s.server)}` : ''} is unreachable from istiod, or it rejects the secret's token.`,
        fix: `Check that istiod's network reaches ${s.server ? code(s.server) : 'that API server'} and that the token's service account still exists there; then recreate the secret${byName ? `: ${createSecretCommand(local.context, byName)}, with \`--server=<address istiod can reach>\` when the kubeconfig's address is not reachable from the cluster` : ''}.`,
      });
    }
  }
  return out;
}

function missingSecretFindings(clusters: readonly ClusterFacts[]): MeshFinding[] {
  return clusters.flatMap((local) => clusters
    .filter((remote) => remote !== local && remote.clusterName !== local.clusterName && !local.remoteSecrets.some((s) => s.clusterName === remote.clusterName))
    .map((remote): MeshFinding => ({
      code: 'missingRemoteSecret', severity: 'warning', contexts: [local.context, remote.context],
      message: `istiod of ${code(local.context)} does not watch ${code(remote.context)} (no remote secret for ${code(remote.clusterName!)}): its proxies know none of that cluster's endpoints.`,
      fix: `Link it: ${createSecretCommand(local.context, remote)}.`,
    })));
}

type Dataplane = 'sidecar' | 'ambient' | 'none';

/** Whether a namespace's new pods are in the mesh, and how; undefined for istiod's ignored namespaces. */
function dataplane(ns: NamespaceFacts): Dataplane | undefined {
  switch (ns.state) {
    case 'system': return undefined;
    case 'on': return 'sidecar';
    case 'ambient': return 'ambient';
    default: return 'none';
  }
}

const dataplaneWords: Readonly<Record<Dataplane, string>> = { sidecar: 'injected', ambient: 'in the ambient mesh', none: 'not injected' };

function injectionFindings(clusters: readonly ClusterFacts[]): MeshFinding[] {
  const names = [...new Set(clusters.flatMap((c) => c.namespaces.map((n) => n.name)))].sort();
  return names.flatMap((name): MeshFinding[] => {
    const seen = clusters.flatMap((c) => {
      const ns = c.namespaces.find((n) => n.name === name);
      const mode = ns && dataplane(ns);
      return ns && mode ? [{ cluster: c, ns, mode }] : [];
    });
    if (new Set(seen.map((s) => s.mode)).size < 2) return [];
    const off = seen.filter((s) => s.mode === 'none');
    const on = seen.filter((s) => s.mode !== 'none');
    const describe = (s: (typeof seen)[number]) => `${dataplaneWords[s.mode]} in ${code(s.cluster.context)}${s.ns.revision ? ` (revision ${code(s.ns.revision)})` : ''}`;
    const label = on[0].ns.revision && on[0].ns.revision !== 'default' ? `istio.io/rev=${on[0].ns.revision}` : 'istio-injection=enabled';
    return [{
      code: 'injectionDiffers', severity: 'warning', namespace: name,
      contexts: (off.length ? off : seen).map((s) => s.cluster.context),
      message: `Namespace ${code(name)} is ${seen.map(describe).join(', ')}. Istio treats a namespace of the same name as one across the mesh, so its workloads differ by cluster in mTLS and traffic policy.`,
      fix: off.length
        ? `Put it in the mesh in ${off.map((s) => code(s.cluster.context)).join(', ')} as well: \`kubectl label namespace ${name} ${label} --context=${off[0].cluster.context}\`, then restart its workloads.`
        : `Pick one data plane for ${code(name)} and label it the same in every cluster, then restart its workloads.`,
    }];
  });
}
