/**
 * What the mesh-level checks (meshChecks.ts) know of one cluster of a multi-cluster mesh, and how those facts are
 * read from the cluster's objects: its istiod's cluster name and mesh ID, the root certificate(s) it publishes, the
 * remote secrets it reads and how far istiod got with each, and each namespace's injection state. Pure.
 */
import { parse } from 'yaml';
import type { KubeObject } from '../cluster/types';
import type { NamespaceState } from '../istio/injection';
import { ClusterIdEnv, MultiClusterSecretLabel } from '../istio/names';

export interface ClusterFacts {
  /** The kubeconfig context: how the user names the cluster, and what every suggested command names. */
  readonly context: string;
  /** The API server URL the context names. */
  readonly server: string;
  /** istiod's cluster ID (`values.global.multiCluster.clusterName`, env CLUSTER_ID); undefined without Istio. */
  readonly clusterName?: string;
  /** The `topology.istio.io/network` label of istio-system; undefined when unset or unread. */
  readonly network?: string;
  /** meshIdOf() the `istio` ConfigMap's mesh config. */
  readonly meshId?: string;
  /** rootCertificates() of the `istio-ca-root-cert` ConfigMap (or the `cacerts` Secret's root-cert.pem); undefined when unread. */
  readonly rootCerts?: readonly string[];
  readonly remoteSecrets: readonly RemoteSecretFacts[];
  readonly namespaces: readonly NamespaceFacts[];
}

export interface RemoteSecretFacts {
  /** `<namespace>/<name>` of the Secret, as istiod's /debug/clusterz names it. */
  readonly secret: string;
  /** The cluster ID it gives the remote cluster (the data key). */
  readonly clusterName: string;
  /** The server of the kubeconfig it holds; undefined when that kubeconfig cannot be read. */
  readonly server?: string;
  /** istiod's sync status of that cluster (/debug/clusterz: synced, syncing, timeout, closed); undefined when unknown. */
  readonly syncStatus?: string;
}

export interface NamespaceFacts {
  readonly name: string;
  /** namespaceInjection().state: the one place the injection decision is made. */
  readonly state: NamespaceState;
  /** The revision that injects it, when one does. */
  readonly revision?: string;
}

interface SecretObject extends KubeObject {
  data?: Record<string, string>;
}

/**
 * The remote clusters a Secret labelled `istio/multiCluster=true` gives istiod: one per data key, with the server of
 * that key's kubeconfig (its current context's cluster, else its only cluster). Other Secrets give none.
 */
export function remoteSecretFacts(secret: SecretObject): RemoteSecretFacts[] {
  if (secret.metadata.labels?.[MultiClusterSecretLabel] !== 'true') return [];
  const name = `${secret.metadata.namespace ?? ''}/${secret.metadata.name}`;
  return Object.entries(secret.data ?? {}).map(([clusterName, encoded]) => ({
    secret: name, clusterName, server: kubeconfigServer(Buffer.from(encoded, 'base64').toString('utf8')),
  }));
}

type Named<T> = { name?: unknown } & T;

function kubeconfigServer(text: string): string | undefined {
  let config: unknown;
  try {
    config = parse(text);
  } catch {
    return undefined;
  }
  if (typeof config !== 'object' || config === null) return undefined;
  const { clusters, contexts, 'current-context': current } = config as Record<string, unknown>;
  const clusterList = Array.isArray(clusters) ? (clusters as Named<{ cluster?: { server?: unknown } }>[]) : [];
  const contextList = Array.isArray(contexts) ? (contexts as Named<{ context?: { cluster?: unknown } }>[]) : [];
  const clusterName = contextList.find((c) => c?.name === current)?.context?.cluster;
  const cluster = clusterList.find((c) => c?.name === clusterName) ?? (clusterList.length === 1 ? clusterList[0] : undefined);
  const server = cluster?.cluster?.server;
  return typeof server === 'string' ? server : undefined;
}

/**
 * The certificates of a PEM bundle, each as its base64 body without line breaks, so two bundles can be compared
 * certificate by certificate whatever their wrapping or order (during a root rotation a bundle holds two roots).
 */
export function rootCertificates(pem: string): string[] {
  const out: string[] = [];
  for (const m of pem.matchAll(/-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g)) out.push(m[1].replace(/\s+/g, ''));
  return out;
}

/** istiod's CLUSTER_ID (the chart sets it from values.global.multiCluster.clusterName, else `Kubernetes`). */
export function clusterIdOf(istiods: readonly KubeObject[]): string | undefined {
  for (const d of istiods) {
    const containers = ((d as { spec?: unknown }).spec as { template?: { spec?: { containers?: { env?: { name: string; value?: string }[] }[] } } } | undefined)?.template?.spec?.containers ?? [];
    const id = containers.flatMap((c) => c.env ?? []).find((e) => e.name === ClusterIdEnv)?.value;
    if (id) return id;
  }
  return undefined;
}
