// Builders for the facts of a multi-cluster mesh: by default a healthy multi-primary mesh (one root, one mesh ID,
// every pair linked and synced), so a test changes only the one fact it is about.
import type { KubeObject } from '../../src/cluster/types';
import type { ClusterFacts, NamespaceFacts, RemoteSecretFacts } from '../../src/mesh/clusterFacts';

export const ROOT = 'MIIBroot';

export const contextOf = (i: number) => `ctx-${i}`;
const nameOf = (i: number) => `cluster${i}`;
export const serverOf = (i: number) => `https://api-${i}.example:6443`;

/** The remote secret `local` holds for cluster `i`, as `istioctl create-remote-secret --name=cluster<i>` makes it. */
export function secretFacts(i: number, o: Partial<RemoteSecretFacts> = {}): RemoteSecretFacts {
  return { secret: `istio-system/istio-remote-secret-${nameOf(i)}`, clusterName: nameOf(i), server: serverOf(i), syncStatus: 'synced', ...o };
}

export function ns(name: string, state: NamespaceFacts['state'] = 'on', revision?: string): NamespaceFacts {
  return { name, state, ...(revision ? { revision } : state === 'on' ? { revision: 'default' } : {}) };
}

/** Cluster i of an n-cluster healthy mesh. */
export function cluster(i: number, n: number, o: Partial<ClusterFacts> = {}): ClusterFacts {
  const others = Array.from({ length: n }, (_, k) => k + 1).filter((k) => k !== i);
  return {
    context: contextOf(i), server: serverOf(i), clusterName: nameOf(i), meshId: 'mesh1', rootCerts: [ROOT],
    remoteSecrets: others.map((k) => secretFacts(k)),
    namespaces: [ns('kube-system', 'system'), ns('istio-system', 'none'), ns('shop')],
    ...o,
  };
}

/** A healthy mesh of n clusters; `change` maps cluster i (from 1) to the facts it overrides. */
export function mesh(n: number, change: Record<number, Partial<ClusterFacts>> = {}): ClusterFacts[] {
  return Array.from({ length: n }, (_, k) => cluster(k + 1, n, change[k + 1]));
}

/** A kubeconfig as `istioctl create-remote-secret` writes it into the Secret (bearer token, one cluster). */
export function remoteKubeconfig(clusterName: string, server: string): string {
  return [
    'apiVersion: v1', 'kind: Config', 'preferences: {}',
    'clusters:', '- cluster:', '    certificate-authority-data: Y2E=', `    server: ${server}`, `  name: ${clusterName}`,
    'contexts:', '- context:', `    cluster: ${clusterName}`, `    user: ${clusterName}`, `  name: ${clusterName}`,
    `current-context: ${clusterName}`,
    'users:', `- name: ${clusterName}`, '  user:', '    token: dG9rZW4=', '',
  ].join('\n');
}

/** A Secret with `data` as given (values base64-encoded here) and the multi-cluster label unless `labelled: false`. */
export function secret(name: string, data: Record<string, string>, o: { labelled?: boolean } = {}): KubeObject & { data: Record<string, string> } {
  return {
    apiVersion: 'v1', kind: 'Secret',
    metadata: { name, namespace: 'istio-system', ...(o.labelled === false ? {} : { labels: { 'istio/multiCluster': 'true' } }) },
    data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
  };
}
