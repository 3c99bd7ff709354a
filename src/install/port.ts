/**
 * What the install flow needs from a cluster. The extension's cluster wrapper (`src/cluster`)
 * satisfies it through a thin adapter; tests can pass the same wrapper bound to the testbed.
 * Errors are whatever the wrapper throws (its typed `ClusterError`).
 */
import type { UnstructuredObject } from '../cluster/types';

export interface ListQuery {
  readonly namespace?: string;
  readonly labelSelector?: string;
}

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
