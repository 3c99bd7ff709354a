import type { LabelSelector, PodTemplate, Workload as WorkloadObject, WorkloadKind } from '../cluster/types';

export { WORKLOAD_KINDS, type WorkloadKind } from '../cluster/types';

/** A workload object with its kind, which decides how its rollout is read. */
export interface Workload {
  readonly kind: WorkloadKind;
  readonly object: WorkloadObject;
}

export interface WorkloadRef {
  readonly kind: WorkloadKind;
  readonly namespace: string;
  readonly name: string;
}

export function refOf(w: Workload): WorkloadRef {
  return { kind: w.kind, namespace: w.object.metadata.namespace ?? '', name: w.object.metadata.name };
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

export function selectorOf(w: Workload): LabelSelector | undefined {
  return w.object.spec?.selector;
}

export function templateOf(w: Workload): PodTemplate | undefined {
  return w.object.spec?.template;
}

export function isPaused(w: Workload): boolean {
  return w.kind === 'Deployment' && w.object.spec?.paused === true;
}
