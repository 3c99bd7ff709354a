import type { V1DaemonSet, V1Deployment, V1LabelSelector, V1PodTemplateSpec, V1StatefulSet } from '@kubernetes/client-node';

/** The kinds `kubectl rollout restart` can restart. */
export type WorkloadKind = 'Deployment' | 'StatefulSet' | 'DaemonSet';
export const WORKLOAD_KINDS: readonly WorkloadKind[] = ['Deployment', 'StatefulSet', 'DaemonSet'];

/** A workload object tagged with its kind (list responses leave `kind` out of the items). */
export type Workload =
  | { readonly kind: 'Deployment'; readonly object: V1Deployment }
  | { readonly kind: 'StatefulSet'; readonly object: V1StatefulSet }
  | { readonly kind: 'DaemonSet'; readonly object: V1DaemonSet };

export interface WorkloadRef {
  readonly kind: WorkloadKind;
  readonly namespace: string;
  readonly name: string;
}

export function refOf(w: Workload): WorkloadRef {
  return { kind: w.kind, namespace: w.object.metadata?.namespace ?? '', name: w.object.metadata?.name ?? '' };
}

/** `Deployment/default/web`: unique within a cluster, used as a map key. */
export function workloadKey(ref: WorkloadRef): string {
  return `${ref.kind}/${ref.namespace}/${ref.name}`;
}

/** `deployment/web`, as kubectl prints it. */
export function workloadLabel(ref: Pick<WorkloadRef, 'kind' | 'name'>): string {
  return `${ref.kind.toLowerCase()}/${ref.name}`;
}

/** The API resource, for messages such as "cannot patch deployments.apps". */
export function resourceOf(kind: WorkloadKind): string {
  return `${kind.toLowerCase()}s.apps`;
}

export function selectorOf(w: Workload): V1LabelSelector | undefined {
  return w.object.spec?.selector;
}

export function templateOf(w: Workload): V1PodTemplateSpec | undefined {
  return w.object.spec?.template;
}

export function isPaused(w: Workload): boolean {
  return w.kind === 'Deployment' && w.object.spec?.paused === true;
}
