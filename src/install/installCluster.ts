/**
 * The install flow's port: what it needs from a cluster. `installClusterFrom` (installClusterAdapter.ts)
 * implements it over the cluster wrapper (`src/cluster`); unit tests pass an in-memory cluster.
 * Errors are whatever the wrapper throws (its typed `ClusterError`).
 */
import type { ListOptions } from '../cluster/client';
import type { UnstructuredObject } from '../cluster/types';

/** The wrapper's list options the install flow uses. */
export type ListQuery = Pick<ListOptions<UnstructuredObject>, 'namespace' | 'labelSelector'>;

export interface InstallCluster {
  /** The kube context every call goes to; named in every confirmation. */
  readonly context: string;
  /** The API server's `/version`. */
  version(signal?: AbortSignal): Promise<{ gitVersion: string }>;
  /** A SelfSubjectAccessReview for the current user. */
  canI(verb: string, resource: { group?: string; resource: string }, namespace?: string): Promise<boolean>;
  /** Server-side apply (field manager `istio-mesh`, conflicts forced: these objects are ours). */
  apply(object: UnstructuredObject, signal?: AbortSignal): Promise<void>;
  list(apiVersion: string, kind: string, query?: ListQuery, signal?: AbortSignal): Promise<UnstructuredObject[]>;
  /** One object; undefined when it (or its kind) does not exist. */
  get(apiVersion: string, kind: string, name: string, namespace?: string, signal?: AbortSignal): Promise<UnstructuredObject | undefined>;
  /** Deletes one object; false when it did not exist. */
  delete(apiVersion: string, kind: string, name: string, namespace?: string): Promise<boolean>;
}
