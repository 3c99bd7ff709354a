import type { Pod, PodTemplate } from '../cluster/types';
import { type InjectionDecision, type MeshFacts, type ReasonCode, assumeNamedRevisions, decideInjection } from '../istio/injection';
import { InjectionEnabled, InjectionLabel, RevisionLabel } from '../istio/names';
import { podSidecar, restartNeed } from '../istio/pods';
import type { Labels } from './labels';

/** What decides injection for pods of one namespace. */
export interface InjectionContext {
  readonly namespace: string;
  readonly namespaceLabels: Labels;
  /** The injector webhooks: the cluster's, or the chart's when RBAC hides them. */
  readonly mesh: MeshFacts;
}

/** The labels and annotations of a pod or a pod template. */
type PodMetadata = NonNullable<PodTemplate['metadata']>;

/**
 * What the injector does with a pod created now with this metadata. With assumed webhooks, a revision the
 * namespace or the pod names is assumed served: a namespace admin's own revision label is taken at its word.
 */
export function decide(meta: PodMetadata | undefined, hostNetwork: boolean, ctx: InjectionContext): InjectionDecision {
  const mesh = assumeNamedRevisions(ctx.mesh, [ctx.namespaceLabels[RevisionLabel], meta?.labels?.[RevisionLabel]]);
  return decideInjection({ name: ctx.namespace, labels: ctx.namespaceLabels }, { labels: meta?.labels, annotations: meta?.annotations, hostNetwork }, mesh);
}

export function decideForPod(pod: Pod, ctx: InjectionContext): InjectionDecision {
  return decide(pod.metadata, pod.spec?.hostNetwork === true, ctx);
}

/** What happened to the pod's workload in this run, when the pod itself says nothing. */
export type WorkloadOutcome =
  | { readonly code: 'paused' }
  | { readonly code: 'rolloutFailed'; readonly message: string }
  | { readonly code: 'notRestarted' }
  | { readonly code: 'restarted' };

export type MismatchReason =
  /** The injector leaves this pod without a sidecar by design. */
  | { readonly code: 'decision'; readonly reason: ReasonCode; readonly sentence: string }
  | { readonly code: 'paused' }
  | { readonly code: 'rolloutFailed'; readonly message: string }
  | { readonly code: 'notRestarted' }
  | { readonly code: 'unknown' };

/** A pod whose sidecar state differs from what the namespace asks for. */
export interface PodFinding {
  readonly pod: string;
  readonly hasSidecar: boolean;
  readonly reason: MismatchReason;
}

/**
 * Names a pod that is not as the namespace asks, and why: no sidecar where the injector would add one (or where the
 * namespace asks for one and the pod itself keeps it out), or a sidecar the injector would not add now. `undefined`
 * when the pod is as asked.
 */
export function explainPod(pod: Pod, ctx: InjectionContext, outcome: WorkloadOutcome): PodFinding | undefined {
  const decision = decideForPod(pod, ctx);
  const sidecar = podSidecar(pod);
  const name = pod.metadata?.name ?? '';
  const need = restartNeed(decision, sidecar);
  if (need) return { pod: name, hasSidecar: sidecar.present, reason: outcomeReason(outcome) };
  if (!sidecar.present && !decision.injected && namespaceAsks(ctx.namespaceLabels)) {
    return { pod: name, hasSidecar: false, reason: { code: 'decision', reason: decision.reason.code, sentence: decision.reason.sentence } };
  }
  return undefined;
}

/** The namespace's labels ask for sidecars (whether or not a webhook serves them). */
function namespaceAsks(labels: Labels): boolean {
  return labels[InjectionLabel] === InjectionEnabled || (labels[InjectionLabel] === undefined && labels[RevisionLabel] !== undefined);
}

function outcomeReason(outcome: WorkloadOutcome): MismatchReason {
  // A restarted workload whose new pod still differs: the injector did not do what its selectors promise.
  return outcome.code === 'restarted' ? { code: 'unknown' } : outcome;
}

/** One clause a user can act on, for "pod x has no istio-proxy: <clause>". */
export function describeReason(reason: MismatchReason, hasSidecarNow = false): string {
  switch (reason.code) {
    case 'decision': return reason.sentence.charAt(0).toLowerCase() + reason.sentence.slice(1).replace(/\.$/, '');
    case 'paused': return "its deployment is paused: can't restart paused deployment (run rollout resume first)";
    case 'rolloutFailed': return `its rollout did not finish: ${reason.message}`;
    case 'notRestarted': return hasSidecarNow
      ? 'it was created before injection was turned off or moved: restart its workload'
      : 'it was created before injection was turned on: restart its workload';
    case 'unknown': return hasSidecarNow
      ? 'it was injected although the injector would not inject it now'
      : "the injector should have added istio-proxy: check istiod's logs and the webhook's failurePolicy";
  }
}
