import { type InjectionContext, type PodFinding, type WorkloadOutcome, describeReason, explainPod } from './explain';
import type { RolloutReport, WorkloadRollout } from './rollout';
import { type WorkloadRef, workloadLabel } from './workloads';

export interface WorkloadFinding extends PodFinding {
  readonly workload: WorkloadRef;
}

export interface RolloutSummary {
  readonly ready: number;
  readonly failed: readonly WorkloadRollout[];
  readonly cancelled: number;
  /** Pods that still are not as the namespace asks (no sidecar where injection is on, or the reverse). */
  readonly findings: readonly WorkloadFinding[];
  /** One line for the notification. */
  readonly headline: string;
  /** Everything, one item per line, for the output channel and the details. */
  readonly details: readonly string[];
}

function outcomeOf(w: WorkloadRollout): WorkloadOutcome {
  if (w.paused) return { code: 'paused' };
  if (w.phase === 'ready') return { code: 'restarted' };
  if (w.phase === 'failed') return { code: 'rolloutFailed', message: w.message };
  return { code: 'notRestarted' };
}

export function summarize(report: RolloutReport, ctx: InjectionContext): RolloutSummary {
  const ready = report.workloads.filter((w) => w.phase === 'ready').length;
  const failed = report.workloads.filter((w) => w.phase === 'failed');
  const cancelled = report.workloads.filter((w) => w.phase === 'cancelled').length;
  const findings: WorkloadFinding[] = [];
  for (const w of report.workloads) {
    for (const pod of w.pods ?? []) {
      const finding = explainPod(pod, ctx, outcomeOf(w));
      if (finding) findings.push({ ...finding, workload: w.ref });
    }
  }
  const total = report.workloads.length;
  const parts = [`${ready}/${total} workloads ready in namespace ${ctx.namespace}`];
  if (failed.length) parts.push(`${failed.length} failed`);
  if (report.cancelled) parts.push(`cancelled (${cancelled} not followed)`);
  const missing = findings.filter((f) => !f.hasSidecar).length;
  const extra = findings.length - missing;
  if (missing) parts.push(`${missing} pod${missing === 1 ? '' : 's'} without sidecar`);
  if (extra) parts.push(`${extra} pod${extra === 1 ? '' : 's'} still with sidecar`);
  const details = [
    ...failed.map((w) => `${workloadLabel(w.ref)}: ${w.message}`),
    ...report.workloads.filter((w) => w.phase === 'cancelled').map((w) => `${workloadLabel(w.ref)}: ${w.message}`),
    ...findings.map((f) => `pod ${f.pod} (${workloadLabel(f.workload)}) ${f.hasSidecar ? 'still has' : 'has no'} istio-proxy: ${describeReason(f.reason, f.hasSidecar)}`),
  ];
  return { ready, failed, cancelled, findings, headline: parts.join(', '), details };
}
