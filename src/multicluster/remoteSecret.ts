/**
 * Remote secrets as `istioctl create-remote-secret` prints them, made ready to apply, and which Secrets to delete to
 * unlink a cluster. The printed Secret holds a bearer token: nothing here logs it. Pure.
 */
import type { UnstructuredObject } from '../cluster/types';
import { remoteSecretFacts } from '../mesh/clusterFacts';

/**
 * The one Secret of istioctl's output (it prints it between `---` separators, so several documents, the others
 * empty), with `stringData` turned into `data`: server-side apply does not merge `stringData` into what is stored.
 */
export function remoteSecretObject(documents: readonly UnstructuredObject[], remoteName: string): UnstructuredObject {
  const secrets = documents.filter((d) => d.kind === 'Secret');
  if (secrets.length !== 1) throw new Error(`istioctl create-remote-secret for cluster ${remoteName} printed ${secrets.length} Secrets, expected one.`);
  const { stringData, data, ...rest } = secrets[0] as UnstructuredObject & { stringData?: Record<string, string>; data?: Record<string, string> };
  const encoded = Object.fromEntries(Object.entries(stringData ?? {}).map(([k, v]) => [k, Buffer.from(v, 'utf8').toString('base64')]));
  return { ...rest, data: { ...(data ?? {}), ...encoded } };
}

/** A Secret as remoteSecretFacts reads it. */
export type SecretLike = Parameters<typeof remoteSecretFacts>[0];

/** A remote cluster as a local istiod may know it: by its cluster ID or by its API server. */
export interface RemoteRef {
  readonly clusterName: string;
  readonly server: string;
}

/**
 * Of a cluster's Secrets labelled `istio/multiCluster=true`, those that link it to `remote` (by cluster ID or by
 * server): `remove` holds only that cluster; `shared` also other clusters, and is left for the user to split.
 */
export function unlinkTargets(secrets: readonly SecretLike[], remote: RemoteRef): { remove: string[]; shared: string[] } {
  const remove: string[] = [];
  const shared: string[] = [];
  for (const s of secrets) {
    const facts = remoteSecretFacts(s);
    const mine = facts.filter((f) => f.clusterName === remote.clusterName || f.server === remote.server);
    if (mine.length === 0) continue;
    (mine.length === facts.length ? remove : shared).push(s.metadata.name);
  }
  return { remove, shared };
}
