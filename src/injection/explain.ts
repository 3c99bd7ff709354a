import type { Pod } from '../cluster/types';
import { type InjectorWebhook, injectorFor } from './injectors';
import {
  type Labels,
  NEVER_INJECTED_NAMESPACES,
  POD_INJECT_LABEL,
  REVISION_LABEL,
  namespaceInjection,
  parseInjectValue,
} from './labels';
import { hasSidecar } from './pods';

/** What decides injection for pods of one namespace. */
export interface InjectionContext {
  readonly namespace: string;
  readonly namespaceLabels: Labels;
  readonly webhooks: readonly InjectorWebhook[];
}

/** Why a pod gets no sidecar by design. */
export type NoInjectionReason =
  | { readonly code: 'optOutLabel' }
  | { readonly code: 'optOutAnnotation' }
  | { readonly code: 'hostNetwork' }
  | { readonly code: 'systemNamespace' }
  /** The namespace (or pod) asks for injection but no webhook serves it; `revision` undefined = the default injector. */
  | { readonly code: 'noWebhook'; readonly revision: string | undefined }
  | { readonly code: 'ambient' }
  | { readonly code: 'namespaceDisabled' }
  | { readonly code: 'namespaceNotInjected' };

/** The labels and annotations of a pod or a pod template. */
export interface PodMetadata {
  readonly labels?: Labels;
  readonly annotations?: Labels;
}

export type SidecarExpectation =
  | { readonly expected: true; readonly webhook: InjectorWebhook }
  | { readonly expected: false; readonly reason: NoInjectionReason };

/**
 * Whether a pod created now with this metadata would get `istio-proxy`: the webhooks' selectors first
 * (the API server only calls a webhook whose selectors match), then istiod's own checks (inject.go
 * `injectRequired`: hostNetwork, ignored namespaces, the label or else the deprecated annotation).
 */
export function expectSidecar(meta: PodMetadata | undefined, hostNetwork: boolean, ctx: InjectionContext): SidecarExpectation {
  const labels = meta?.labels ?? {};
  const label = labels[POD_INJECT_LABEL];
  if (parseInjectValue(label) === false) return { expected: false, reason: { code: 'optOutLabel' } };
  if (hostNetwork) return { expected: false, reason: { code: 'hostNetwork' } };
  if (NEVER_INJECTED_NAMESPACES.has(ctx.namespace)) return { expected: false, reason: { code: 'systemNamespace' } };
  const webhook = injectorFor(ctx.webhooks, ctx.namespaceLabels, labels);
  if (!webhook) return { expected: false, reason: noWebhookReason(ctx.namespaceLabels, labels) };
  // The label, when present, wins over the deprecated annotation.
  if (label === undefined && parseInjectValue(meta?.annotations?.[POD_INJECT_LABEL]) === false) {
    return { expected: false, reason: { code: 'optOutAnnotation' } };
  }
  return { expected: true, webhook };
}

function noWebhookReason(namespaceLabels: Labels, podLabels: Labels): NoInjectionReason {
  const ns = namespaceInjection(namespaceLabels);
  switch (ns.mode) {
    case 'sidecar': return { code: 'noWebhook', revision: ns.revision };
    case 'ambient': return { code: 'ambient' };
    case 'disabled': return { code: 'namespaceDisabled' };
    case 'none': {
      const podRevision = podLabels[REVISION_LABEL];
      if (podRevision !== undefined) return { code: 'noWebhook', revision: podRevision };
      if (parseInjectValue(podLabels[POD_INJECT_LABEL]) === true) return { code: 'noWebhook', revision: undefined };
      return { code: 'namespaceNotInjected' };
    }
  }
}

export function expectSidecarForPod(pod: Pod, ctx: InjectionContext): SidecarExpectation {
  return expectSidecar(pod.metadata, pod.spec?.hostNetwork === true, ctx);
}

/** What happened to the pod's workload in this run, when the pod itself says nothing. */
export type WorkloadOutcome =
  | { readonly code: 'paused' }
  | { readonly code: 'rolloutFailed'; readonly message: string }
  | { readonly code: 'notRestarted' }
  | { readonly code: 'restarted' };

export type MismatchReason =
  | NoInjectionReason
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
 * Names a pod that is not as the namespace asks, and why: no sidecar in a sidecar-injected namespace,
 * or a sidecar left in a namespace that no longer injects. `undefined` when the pod is as asked.
 */
export function explainPod(pod: Pod, ctx: InjectionContext, outcome: WorkloadOutcome): PodFinding | undefined {
  const wantsSidecars = namespaceInjection(ctx.namespaceLabels).mode === 'sidecar';
  const has = hasSidecar(pod);
  const expectation = expectSidecarForPod(pod, ctx);
  const name = pod.metadata?.name ?? '';
  if (!has && wantsSidecars) {
    if (!expectation.expected) return { pod: name, hasSidecar: false, reason: expectation.reason };
    return { pod: name, hasSidecar: false, reason: outcomeReason(outcome) };
  }
  if (has && !expectation.expected) return { pod: name, hasSidecar: true, reason: outcomeReason(outcome) };
  return undefined;
}

function outcomeReason(outcome: WorkloadOutcome): MismatchReason {
  // A restarted workload whose new pod still differs: the injector did not do what its selectors promise.
  return outcome.code === 'restarted' ? { code: 'unknown' } : outcome;
}

/** One line a user can act on. */
export function describeReason(reason: MismatchReason, hasSidecarNow = false): string {
  switch (reason.code) {
    case 'optOutLabel': return `its pod label ${POD_INJECT_LABEL}="false" opts it out`;
    case 'optOutAnnotation': return `its annotation ${POD_INJECT_LABEL}="false" opts it out (deprecated: use the label)`;
    case 'hostNetwork': return 'it uses hostNetwork, which Istio never injects';
    case 'systemNamespace': return 'Istio never injects pods in this namespace';
    case 'noWebhook':
      return reason.revision === undefined
        ? 'no injector webhook serves istio-injection=enabled (no default revision or "default" tag)'
        : `no injector webhook serves revision "${reason.revision}" (see istioctl tag list)`;
    case 'ambient': return 'the namespace uses ambient mode (ztunnel), which needs no sidecar';
    case 'namespaceDisabled': return 'injection is disabled in the namespace';
    case 'namespaceNotInjected': return 'the namespace has no injection label';
    case 'paused': return "its deployment is paused: can't restart paused deployment (run rollout resume first)";
    case 'rolloutFailed': return `its rollout did not finish: ${reason.message}`;
    case 'notRestarted': return hasSidecarNow
      ? 'it was created before injection was turned off: restart its workload'
      : 'it was created before injection was turned on: restart its workload';
    case 'unknown': return hasSidecarNow
      ? 'it was injected although no webhook matches it now'
      : "the injector should have added istio-proxy: check istiod's logs and the webhook's failurePolicy";
  }
}
