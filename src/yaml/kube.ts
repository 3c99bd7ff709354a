import type { ParsedManifest } from './parse';
import { entry, mapAt, rootRef, scalarValue, type MapRef } from './nodes';

/** Where each workload kind keeps its pod template (CronJob nests it one level deeper). */
export const POD_TEMPLATE_PATH: Readonly<Record<string, readonly string[]>> = {
  Deployment: ['spec', 'template'],
  StatefulSet: ['spec', 'template'],
  DaemonSet: ['spec', 'template'],
  ReplicaSet: ['spec', 'template'],
  ReplicationController: ['spec', 'template'],
  Job: ['spec', 'template'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template'],
};

export function isNamespace(m: Pick<ParsedManifest, 'kind' | 'apiVersion'>): boolean {
  return m.kind === 'Namespace' && m.apiVersion === 'v1';
}

export function isPod(m: Pick<ParsedManifest, 'kind' | 'apiVersion'>): boolean {
  return m.kind === 'Pod' && m.apiVersion === 'v1';
}

/** Workloads that carry a pod template (not Pods themselves). */
export function isWorkload(m: Pick<ParsedManifest, 'kind'>): boolean {
  return m.kind !== undefined && POD_TEMPLATE_PATH[m.kind] !== undefined;
}

function podTemplatePath(m: ParsedManifest): readonly string[] | undefined {
  return m.kind === undefined ? undefined : POD_TEMPLATE_PATH[m.kind];
}

/** The document's root mapping, for lookups that follow aliases and merge keys as Kubernetes does. */
export function rootOf(m: ParsedManifest): MapRef | undefined {
  return m.root ? rootRef(m.doc) : undefined;
}

/**
 * The map that holds the pod's `metadata` and `spec`: the document root for a Pod, the pod
 * template for a workload, undefined otherwise (or when the template is missing).
 */
export function podHolder(m: ParsedManifest, root = rootOf(m)): MapRef | undefined {
  if (isPod(m)) return root;
  const path = podTemplatePath(m);
  return path ? mapAt(root, path) : undefined;
}

export function metadataOf(map: MapRef | undefined): MapRef | undefined {
  return mapAt(map, ['metadata']);
}

export function labelsOf(map: MapRef | undefined): MapRef | undefined {
  return mapAt(map, ['metadata', 'labels']);
}

export function annotationsOf(map: MapRef | undefined): MapRef | undefined {
  return mapAt(map, ['metadata', 'annotations']);
}

/** `spec.hostNetwork: true` on a pod or pod template: istiod never injects such pods. */
export function onHostNetwork(pod: MapRef | undefined): boolean {
  return scalarValue(entry(mapAt(pod, ['spec']), 'hostNetwork')?.value) === true;
}
