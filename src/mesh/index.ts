/** The mesh model: pure functions and a live store built from cluster objects. No `vscode` here. */
export * from './model';
export { buildControlPlane, resolveRevision } from './controlPlane';
export { buildNamespace, buildPod, installedRevisions, podOwner } from './namespaces';
export { MeshStore } from './store';
export type { Collection, MeshChange, MeshStoreOptions } from './store';
export { Emitter } from '../util/events';
export type { Disposable, Event } from '../util/events';
export { LiveMesh } from './live';
export type { ClusterState, LiveMeshStatus } from './live';
