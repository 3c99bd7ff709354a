import type { YAMLMap } from 'yaml';
import { DataplaneModeLabel, IgnoredNamespaces, InjectionLabel, RevisionLabel, SidecarInjectLabel } from '../mesh/labels';
import type { ParsedManifest } from './parse';
import { entry, mapAt, scalarValue } from './nodes';

/** Label and annotation names Istio reads for injection. */
export const LABEL = {
  injection: InjectionLabel,
  revision: RevisionLabel,
  dataplaneMode: DataplaneModeLabel,
  inject: SidecarInjectLabel,
} as const;

/** Namespaces where the injector never runs; the control-plane namespace is added from the context. */
export const SYSTEM_NAMESPACES: readonly string[] = [...IgnoredNamespaces];

/** Where each workload kind keeps its pod template (CronJob nests it one level deeper). */
const POD_TEMPLATE_PATH: Readonly<Record<string, readonly string[]>> = {
  Deployment: ['spec', 'template'],
  StatefulSet: ['spec', 'template'],
  DaemonSet: ['spec', 'template'],
  ReplicaSet: ['spec', 'template'],
  ReplicationController: ['spec', 'template'],
  Job: ['spec', 'template'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template'],
};

export function isNamespace(m: ParsedManifest): boolean {
  return m.kind === 'Namespace' && m.apiVersion === 'v1';
}

export function isPod(m: ParsedManifest): boolean {
  return m.kind === 'Pod' && m.apiVersion === 'v1';
}

/** Workloads that carry a pod template (not Pods themselves). */
export function isWorkload(m: ParsedManifest): boolean {
  return m.kind !== undefined && POD_TEMPLATE_PATH[m.kind] !== undefined;
}

export function podTemplatePath(m: ParsedManifest): readonly string[] | undefined {
  return m.kind === undefined ? undefined : POD_TEMPLATE_PATH[m.kind];
}

/**
 * The map that holds the pod's `metadata` and `spec`: the document root for a Pod, the pod
 * template for a workload, undefined otherwise (or when the template is missing).
 */
export function podHolder(m: ParsedManifest): YAMLMap | undefined {
  if (isPod(m)) return m.root;
  const path = podTemplatePath(m);
  return path ? mapAt(m.root, path) : undefined;
}

export function metadataOf(map: YAMLMap | undefined): YAMLMap | undefined {
  return mapAt(map, ['metadata']);
}

export function labelsOf(map: YAMLMap | undefined): YAMLMap | undefined {
  return mapAt(map, ['metadata', 'labels']);
}

export function annotationsOf(map: YAMLMap | undefined): YAMLMap | undefined {
  return mapAt(map, ['metadata', 'annotations']);
}

/** Values the injection webhook reads as "inject" (case-insensitive). */
const INJECT_YES = new Set(['y', 'yes', 'true', 'on']);

/** Whether a pod asks for a sidecar through its label or (deprecated) annotation. */
export function podAsksForSidecar(pod: YAMLMap | undefined): boolean {
  return [labelsOf(pod), annotationsOf(pod)].some((map) => {
    const value = scalarValue(entry(map, LABEL.inject)?.value);
    return value !== undefined && value !== null && INJECT_YES.has(String(value).toLowerCase());
  });
}
