import type { KindedWorkload, Pod } from '../cluster/types';
import { isLive, podSidecar, restartNeed } from '../istio/pods';
import { selectorMatches } from '../istio/selector';
import { type InjectionContext, decide } from './explain';
import { type WorkloadRef, isPaused, refOf, selectorOf, templateOf } from './workloads';

/** One line of the "Restart Workloads…" pick list. */
export interface RestartCandidate {
  readonly workload: KindedWorkload;
  readonly ref: WorkloadRef;
  readonly pods: number;
  readonly withSidecar: number;
  /** Whether a pod created now from the template would get a sidecar. */
  readonly sidecarExpected: boolean;
  /** Live pods a restart changes (see `restartNeed`): the same rule as the Mesh view's "needs restart". */
  readonly mismatched: number;
  readonly paused: boolean;
}

/** The live pods a workload's selector picks. */
function podsOf(workload: KindedWorkload, pods: readonly Pod[]): Pod[] {
  const selector = selectorOf(workload);
  return pods.filter((p) => isLive(p) && selectorMatches(selector, p.metadata?.labels));
}

/**
 * For each workload: how many of its pods a restart would change. After enabling injection these are
 * the pods without a sidecar; after disabling, those with one. Workloads in the pick list are ordered
 * with those needing a restart first, then by name.
 */
export function restartCandidates(workloads: readonly KindedWorkload[], pods: readonly Pod[], ctx: InjectionContext): RestartCandidate[] {
  return workloads
    .map((workload) => {
      const own = podsOf(workload, pods);
      const template = templateOf(workload);
      const decision = decide(template?.metadata, template?.spec?.hostNetwork === true, ctx);
      const sidecars = own.map(podSidecar);
      const withSidecar = sidecars.filter((s) => s.present).length;
      const mismatched = sidecars.filter((s) => restartNeed(decision, s) !== undefined).length;
      return { workload, ref: refOf(workload), pods: own.length, withSidecar, sidecarExpected: decision.injected, mismatched, paused: isPaused(workload) };
    })
    .sort((a, b) => Number(b.mismatched > 0) - Number(a.mismatched > 0) || a.ref.name.localeCompare(b.ref.name) || a.ref.kind.localeCompare(b.ref.kind));
}

/** The candidates a restart would change: pre-selected in the pick list, offered after enable/disable. */
export function needingRestart(candidates: readonly RestartCandidate[]): RestartCandidate[] {
  return candidates.filter((c) => c.mismatched > 0);
}
