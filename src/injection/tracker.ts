import { type Disposable, Emitter } from '../util/events';
import type { RolloutPhase, WorkloadRollout } from './rollout';
import { type WorkloadRef, workloadKey } from './workloads';

/**
 * The latest rollout state of every workload restarted in this session, for the tree to show
 * ("restarting" → "2/2 injected"). Long-lived: one per extension, on `Services`. Pure, so the tree
 * subscribes with `onDidChange` and reads with `get`/`inNamespace`.
 */
export class RolloutTracker {
  private readonly states = new Map<string, WorkloadRollout>();
  private readonly changes = new Emitter<WorkloadRollout>();

  update(state: WorkloadRollout): void {
    this.states.set(workloadKey(state.ref), state);
    this.changes.fire(state);
  }

  get(ref: WorkloadRef): WorkloadRollout | undefined {
    return this.states.get(workloadKey(ref));
  }

  inNamespace(namespace: string): WorkloadRollout[] {
    return [...this.states.values()].filter((s) => s.ref.namespace === namespace);
  }

  /** Whether a namespace has a rollout still being followed. */
  isRollingOut(namespace: string): boolean {
    return this.inNamespace(namespace).some((s) => s.phase === 'queued' || s.phase === 'restarting');
  }

  onDidChange(listener: (state: WorkloadRollout) => void): Disposable {
    return this.changes.event(listener);
  }

  clear(): void {
    this.states.clear();
  }
}

/** The short text after a workload's name in the tree. */
export function rolloutDescription(state: WorkloadRollout): string {
  const phases: Record<RolloutPhase, string> = {
    queued: 'queued',
    restarting: 'restarting',
    ready: 'ready',
    failed: 'failed',
    cancelled: 'cancelled',
  };
  if (state.phase === 'ready' && state.podStates && state.podStates.length > 0) {
    const pods = state.podStates;
    const injected = pods.filter((p) => p.sidecar).length;
    const first = `${pods[0].ready}/${pods[0].total}`;
    const same = pods.every((p) => `${p.ready}/${p.total}` === first);
    const ready = same ? first : `${pods.filter((p) => p.ready === p.total).length}/${pods.length} pods ready`;
    const sidecars = injected === pods.length ? 'injected' : injected === 0 ? 'no sidecar' : `${injected}/${pods.length} injected`;
    return pods.length > 1 && same ? `${pods.length}× ${ready} ${sidecars}` : `${ready} ${sidecars}`;
  }
  if (state.phase === 'failed') return `failed: ${state.message}`;
  return phases[state.phase];
}
