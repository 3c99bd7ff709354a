/**
 * Reads the facts of clusterFacts.ts from one live cluster: the namespaces from its MeshStore (decided as the Mesh view
 * decides them), the rest in one round of reads of istio-system: istiod's CLUSTER_ID, the `istio` ConfigMap's mesh ID,
 * the published root certificate, the network label, the remote secrets, and istiod's own sync state of each remote
 * cluster from `/debug/clusterz` (the JSON `istioctl remote-clusters` prints), fetched through the API server's pod
 * proxy, so no port-forward and no istioctl process is needed. A read that fails leaves its fact unknown and says why.
 */
import type { ClusterClient } from '../cluster/client';
import { Kinds } from '../cluster/kinds';
import type { KubeObject } from '../cluster/types';
import { meshIdOf } from '../istio/meshConfig';
import { IstioSystemNamespace, IstiodMonitoringPort, MultiClusterSecretLabel, NetworkLabel, RootCertConfigMap } from '../istio/names';
import { errorMessage } from '../util/errors';
import { clusterIdOf, type ClusterFacts, type NamespaceFacts, remoteSecretFacts, rootCertificates } from './clusterFacts';
import type { NamespaceModel } from './model';

export interface ClusterReading {
  readonly facts: ClusterFacts;
  /** Why some facts are unknown (a forbidden read, istiod's debug endpoint not answering), one line each. */
  readonly unknown: readonly string[];
}

/** One entry of istiod's /debug/clusterz. */
interface ClusterzEntry {
  id?: unknown;
  syncStatus?: unknown;
}

interface PodSpecHolder extends KubeObject {
  spec?: unknown;
  status?: { phase?: string };
  data?: Record<string, string>;
}

/** The injection state of each namespace as the store decided it: the one decision the view and the checks share. */
export function namespaceFacts(namespaces: readonly NamespaceModel[]): NamespaceFacts[] {
  return namespaces.map((n) => ({ name: n.name, state: n.injection.state, revision: n.injection.plain.revision }));
}

export async function readClusterFacts(client: ClusterClient, namespaces: readonly NamespaceModel[], signal?: AbortSignal): Promise<ClusterReading> {
  const unknown: string[] = [];
  const attempt = async <T>(what: string, read: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await read();
    } catch (err) {
      unknown.push(`${what}: ${errorMessage(err)}`);
      return undefined;
    }
  };
  const ns = IstioSystemNamespace;
  const [istiods, meshConfig, rootCert, secrets, pods] = await Promise.all([
    attempt('istiod Deployments', () => client.list<PodSpecHolder>(Kinds.Deployment, { namespace: ns, labelSelector: 'app=istiod', signal })),
    attempt('ConfigMap istio', () => client.get<PodSpecHolder>(Kinds.ConfigMap, 'istio', ns, signal)),
    attempt(`ConfigMap ${RootCertConfigMap}`, () => client.get<PodSpecHolder>(Kinds.ConfigMap, RootCertConfigMap, ns, signal)),
    attempt('remote secrets', () => client.list<PodSpecHolder>(Kinds.Secret, { namespace: ns, labelSelector: `${MultiClusterSecretLabel}=true`, signal })),
    attempt('istiod pods', () => client.list<PodSpecHolder>(Kinds.Pod, { namespace: ns, labelSelector: 'app=istiod', signal })),
  ]);
  const clusterName = istiods ? clusterIdOf(istiods.items) : undefined;
  const running = pods?.items.find((p) => p.status?.phase === 'Running');
  const clusterz = running && secrets?.items.length
    ? await attempt(`istiod's /debug/clusterz (pods/proxy to ${running.metadata.name}:${IstiodMonitoringPort})`, () =>
      client.podProxyJson<ClusterzEntry[]>(ns, running.metadata.name, IstiodMonitoringPort, '/debug/clusterz', signal))
    : undefined;
  const syncOf = (id: string) => {
    const entry = Array.isArray(clusterz) ? clusterz.find((c) => c?.id === id) : undefined;
    return typeof entry?.syncStatus === 'string' ? entry.syncStatus : undefined;
  };
  const pem = rootCert?.data?.['root-cert.pem'];
  const facts: ClusterFacts = {
    context: client.context,
    server: client.server,
    clusterName,
    network: namespaces.find((n) => n.name === ns)?.labels[NetworkLabel],
    meshId: meshConfig ? meshIdOf(meshConfig.data?.mesh) : undefined,
    rootCerts: pem ? rootCertificates(pem) : undefined,
    remoteSecrets: (secrets?.items ?? []).flatMap(remoteSecretFacts).map((s) => ({ ...s, syncStatus: syncOf(s.clusterName) })),
    namespaces: namespaceFacts(namespaces),
  };
  return { facts, unknown };
}
