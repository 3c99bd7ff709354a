/**
 * Reads the facts of clusterFacts.ts from one live cluster: the namespaces from its MeshStore (decided as the Mesh view
 * decides them), the rest in one round of reads of istio-system: istiod's CLUSTER_ID, the `istio` ConfigMap's mesh ID,
 * the published root certificate, the network label, the remote secrets, and istiod's own sync state of each remote
 * cluster (see `readSyncState`), fetched through the API server's pod proxy, so no port-forward and no istioctl
 * process is needed. A read that fails leaves its fact unknown and says why.
 */
import type { ClusterClient } from '../cluster/client';
import { Kinds } from '../cluster/kinds';
import type { KubeObject } from '../cluster/types';
import { MeshConfigMap, meshIdOf } from '../istio/meshConfig';
import { IstioSystemNamespace, IstiodMonitoringPort, IstiodMonitoringPortName, MultiClusterSecretLabel, NetworkLabel, PrometheusPortAnnotation, RootCertConfigMap } from '../istio/names';
import { isRecord } from '../util/objects';
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

/**
 * The port istiod's pod serves its metrics (and debug endpoints) on: where Prometheus scrapes it (its
 * `prometheus.io/port` annotation, which istiod's chart sets), else its port named `http-monitoring`, else Istio's
 * default.
 */
function monitoringPort(pod: PodSpecHolder): number {
  const annotated = Number(pod.metadata.annotations?.[PrometheusPortAnnotation]);
  if (Number.isInteger(annotated) && annotated > 0 && annotated < 65536) return annotated;
  const containers = isRecord(pod.spec) && Array.isArray(pod.spec.containers) ? pod.spec.containers : [];
  for (const c of containers) {
    const ports: unknown[] = isRecord(c) && Array.isArray(c.ports) ? c.ports : [];
    const named = ports.find((p) => isRecord(p) && p.name === IstiodMonitoringPortName);
    if (isRecord(named) && typeof named.containerPort === 'number') return named.containerPort;
  }
  return IstiodMonitoringPort;
}

/** istiod's sync state of each remote cluster (see `readSyncState`), from its running pod; throws when there is none. */
export async function readIstiodSyncState(client: ClusterClient, signal?: AbortSignal): Promise<(clusterId: string) => string | undefined> {
  const running = runningIstiod(await client.list<PodSpecHolder>(Kinds.Pod, { namespace: IstioSystemNamespace, labelSelector: 'app=istiod', signal }));
  if (!running) throw new Error('no istiod pod is running in istio-system');
  return readSyncState(client, running, signal);
}

/**
 * istiod's sync state of each remote cluster, by cluster ID: from its metrics (`istiod_remote_cluster_sync_status`,
 * one sample per cluster and state, 1 for the current one), which its monitoring port serves to anyone, as it does to
 * Prometheus. Its `/debug/clusterz` (what `istioctl remote-clusters` prints) answers only requests from istiod's own
 * pod or with a token, and the API server's proxy forwards no token: it is asked only when the metrics lack the
 * family (an istiod older than it).
 */
async function readSyncState(client: ClusterClient, pod: PodSpecHolder, signal?: AbortSignal): Promise<(clusterId: string) => string | undefined> {
  const port = monitoringPort(pod);
  const fromMetrics = remoteSyncStatus(await client.podProxyText(IstioSystemNamespace, pod.metadata.name, port, '/metrics', signal));
  if (fromMetrics) return (id) => fromMetrics.get(id);
  const clusterz = await client.podProxyJson<ClusterzEntry[]>(IstioSystemNamespace, pod.metadata.name, port, '/debug/clusterz', signal);
  return (id) => {
    const entry = Array.isArray(clusterz) ? clusterz.find((c) => c?.id === id) : undefined;
    return typeof entry?.syncStatus === 'string' ? entry.syncStatus : undefined;
  };
}

/** The istiod pod whose endpoints are read: a running one. */
function runningIstiod(pods: { items: readonly PodSpecHolder[] }): PodSpecHolder | undefined {
  return pods.items.find((p) => p.status?.phase === 'Running');
}

const SYNC_METRIC = 'istiod_remote_cluster_sync_status';
const LABEL = /(\w+)="((?:[^"\\]|\\.)*)"/g;

/**
 * The current sync state of each remote cluster in istiod's Prometheus text, or undefined when the text has no
 * `istiod_remote_cluster_sync_status` family (a cluster without a sample of value 1 has no entry).
 */
export function remoteSyncStatus(metrics: string): Map<string, string> | undefined {
  let family = false;
  const out = new Map<string, string>();
  for (const line of metrics.split('\n')) {
    if (line.startsWith('#')) {
      if (line.startsWith(`# TYPE ${SYNC_METRIC} `)) family = true;
      continue;
    }
    if (!line.startsWith(`${SYNC_METRIC}{`)) continue;
    family = true;
    const close = line.lastIndexOf('}');
    if (Number(line.slice(close + 1).trim().split(' ')[0]) !== 1) continue;
    const labels = new Map([...line.slice(SYNC_METRIC.length + 1, close).matchAll(LABEL)].map((m) => [m[1], m[2]]));
    const cluster = labels.get('cluster');
    const status = labels.get('status');
    if (cluster !== undefined && status !== undefined) out.set(cluster, status);
  }
  return family ? out : undefined;
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
    attempt(`ConfigMap ${MeshConfigMap}`, () => client.get<PodSpecHolder>(Kinds.ConfigMap, MeshConfigMap, ns, signal)),
    attempt(`ConfigMap ${RootCertConfigMap}`, () => client.get<PodSpecHolder>(Kinds.ConfigMap, RootCertConfigMap, ns, signal)),
    attempt('remote secrets', () => client.list<PodSpecHolder>(Kinds.Secret, { namespace: ns, labelSelector: `${MultiClusterSecretLabel}=true`, signal })),
    attempt('istiod pods', () => client.list<PodSpecHolder>(Kinds.Pod, { namespace: ns, labelSelector: 'app=istiod', signal })),
  ]);
  const clusterName = istiods ? clusterIdOf(istiods.items) : undefined;
  const running = pods && runningIstiod(pods);
  const syncOf = running && secrets?.items.length
    ? await attempt(`istiod's sync state (pods/proxy to ${running.metadata.name}:${monitoringPort(running)})`, () => readSyncState(client, running, signal))
    : undefined;
  const pem = rootCert?.data?.['root-cert.pem'];
  const facts: ClusterFacts = {
    context: client.context,
    server: client.server,
    clusterName,
    network: namespaces.find((n) => n.name === ns)?.labels[NetworkLabel],
    meshId: meshConfig ? meshIdOf(meshConfig.data?.mesh) : undefined,
    rootCerts: pem ? rootCertificates(pem) : undefined,
    remoteSecrets: (secrets?.items ?? []).flatMap(remoteSecretFacts).map((s) => ({ ...s, syncStatus: syncOf?.(s.clusterName) })),
    namespaces: namespaceFacts(namespaces),
  };
  return { facts, unknown };
}
