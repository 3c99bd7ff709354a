import { type Disposable, Emitter } from '../util/events';
import type { WorkloadRollout } from './rollout';
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
