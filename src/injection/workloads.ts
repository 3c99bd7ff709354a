import type { KindedWorkload, LabelSelector, PodTemplate, WorkloadKind } from '../cluster/types';

export interface WorkloadRef {
  readonly kind: WorkloadKind;
  readonly namespace: string;
  readonly name: string;
}

export function refOf(w: KindedWorkload): WorkloadRef {
  return { kind: w.kind, namespace: w.metadata.namespace ?? '', name: w.metadata.name };
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

export function selectorOf(w: KindedWorkload): LabelSelector | undefined {
  return w.spec?.selector;
}

export function templateOf(w: KindedWorkload): PodTemplate | undefined {
  return w.spec?.template;
}

export function isPaused(w: KindedWorkload): boolean {
  return w.kind === 'Deployment' && w.spec?.paused === true;
}
