// What a workload row shows of a restart this session followed. Pure (no `vscode`), so it is unit-tested.
import type { WorkloadModel } from '../../mesh/model';
import type { RolloutPhase, WorkloadRollout } from '../../injection/rollout';

export type RolloutLook = 'pending' | 'restarting' | 'done' | 'incomplete' | 'failed';

export interface RolloutView {
  readonly description: string;
  /** Picks the icon: spinning while restarting, a check when every pod came up, an error on failure. */
  readonly look: RolloutLook;
  /** kubectl's wording of the latest progress, for the tooltip. */
  readonly message: string;
}

/**
 * The rollout state to show instead of the live one, or undefined. A rollout in progress always shows
 * ("restarting"). A finished one shows ("2/2 injected", "failed: …") only while the pods it ended with
 * are still exactly the workload's live pods: once they change (a scale, a later restart, another
 * cluster with the same names) the live state is the truth again. Cancelled rollouts never show.
 */
export function rolloutView(workload: WorkloadModel, state: WorkloadRollout | undefined): RolloutView | undefined {
  if (!state) return undefined;
  switch (state.phase) {
    case 'queued':
      return { description: rolloutDescription(state), look: 'pending', message: state.message };
    case 'restarting':
      return { description: rolloutDescription(state), look: 'restarting', message: state.message };
    case 'cancelled':
      return undefined;
    case 'ready':
    case 'failed': {
      if (!state.podStates || !samePods(workload, state.podStates)) return undefined;
      const complete = state.phase === 'ready' && state.podStates.every((p) => p.ready === p.total);
      return {
        description: rolloutDescription(state),
        look: state.phase === 'failed' ? 'failed' : complete ? 'done' : 'incomplete',
        message: state.message,
      };
    }
  }
}

function samePods(workload: WorkloadModel, podStates: readonly { name: string }[]): boolean {
  const live = workload.pods.filter((p) => !p.terminating).map((p) => p.name).sort();
  const ended = podStates.map((p) => p.name).sort();
  return live.length === ended.length && live.every((name, i) => name === ended[i]);
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
