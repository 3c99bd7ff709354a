/**
 * Cluster access: the one client wrapper over `@kubernetes/client-node`. Pure (no `vscode`), and cheap to
 * import: client-node itself is loaded on first connect.
 */
export { Backoff } from './backoff';
export { ClusterClient, fieldManager, patchContentTypes } from './client';
export type { JsonPatchOperation, ListOptions, PatchType, WatchOptions, WriteOptions } from './client';
export { ClusterError, errorFromNetwork, errorFromStatus, isClusterError } from './errors';
export type { ClusterErrorKind, KubeStatus, RequestTarget } from './errors';
export { apiVersionOf, Kinds, knownKind, qualifiedResource, resourcePath } from './kinds';
export type { ResourceKind } from './kinds';
export { kubeconfigFiles, listContexts, loadKubeconfig } from './kubeconfig';
export type { ContextInfo, KubeconfigSource, LoadedKubeconfig } from './kubeconfig';
export { Reflector } from './reflector';
export type { ReflectorHandlers, ReflectorOptions } from './reflector';
export type * from './types';
