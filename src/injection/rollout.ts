import type { KindedWorkload, Pod, WorkloadKind } from '../cluster/types';
import { isLive, podReadiness, podSidecar } from '../istio/pods';
import { rolloutStatus } from '../istio/rolloutStatus';
import { selectorToString } from '../istio/selector';
import { errorMessage } from '../util/errors';
import type { Logger } from '../util/log';
import { describeFailure } from './errors';
import { RESTARTED_AT_ANNOTATION } from './labels';
import { restartPatch, rfc3339 } from './patches';
import { forEachBounded } from '../util/pool';
import { delay } from '../util/wait';
import type { RolloutCluster, WorkloadEventType, WatchHandle } from './rolloutCluster';
import {
  type WorkloadRef,
  isPaused,
  refOf,
  resourceOf,
  selectorOf,
  workloadKey,
  workloadLabel,
} from './workloads';

export type RolloutPhase = 'queued' | 'restarting' | 'ready' | 'failed' | 'cancelled';

/** A pod as the READY column shows it. */
export interface PodState {
  readonly name: string;
  readonly ready: number;
  readonly total: number;
  readonly sidecar: boolean;
}

/** One workload's progress: what the notification, the tree and the summary show. */
export interface WorkloadRollout {
  readonly ref: WorkloadRef;
  readonly phase: RolloutPhase;
  /** kubectl's wording while waiting, or the reason it failed. */
  readonly message: string;
  /** The restart patch was accepted: after a cancel such a rollout still completes in the cluster. */
  readonly restarted: boolean;
  readonly paused: boolean;
  /** The workload's live pods once it is ready or failed (absent while rolling out or when cancelled). */
  readonly pods?: readonly Pod[];
  readonly podStates?: readonly PodState[];
}

export interface RolloutOptions {
  /** How many restart requests are in flight at once (`istio.restart.concurrency`). */
  readonly concurrency: number;
  readonly signal?: AbortSignal;
  readonly now?: () => Date;
  readonly log?: Logger;
  readonly onUpdate?: (state: WorkloadRollout) => void;
}

export interface RolloutReport {
  readonly workloads: readonly WorkloadRollout[];
  readonly cancelled: boolean;
  /** Restart requests that were in flight at once at most: never above the concurrency bound. */
  readonly maxInFlight: number;
  readonly elapsedMs: number;
}

export const PAUSED_MESSAGE = "can't restart paused deployment (run rollout resume first)";

interface Tracked {
  state: WorkloadRollout;
  /** The generation our patch produced; watch events for older generations are stale. */
  generation?: number;
  latest?: KindedWorkload;
  deleted: boolean;
  final: boolean;
  settle: () => void;
  settled: Promise<void>;
}

/**
 * Restarts workloads as `kubectl rollout restart` does and follows each until `kubectl rollout status`
 * would return. Restart requests run with a bound; the rollouts themselves proceed in parallel in the
 * cluster, each paced by its own strategy (maxUnavailable/maxSurge), and are followed by one watch per
 * kind and namespace rather than by polling. Cancelling stops sending restarts and stops waiting: every
 * workload is either restarted by one atomic patch or untouched, so the cluster is never left half-done.
 */
export async function restartWorkloads(
  cluster: RolloutCluster,
  refs: readonly WorkloadRef[],
  options: RolloutOptions,
): Promise<RolloutReport> {
  const started = Date.now();
  const now = options.now ?? (() => new Date());
  const tracked = new Map<string, Tracked>();
  const pending: Promise<void>[] = [];

  const update = (t: Tracked, patch: Partial<WorkloadRollout>): void => {
    t.state = { ...t.state, ...patch };
    options.onUpdate?.(t.state);
  };
  const finish = (t: Tracked, phase: 'ready' | 'failed', message: string, extra: Partial<WorkloadRollout> = {}): void => {
    if (t.final) return;
    t.final = true;
    update(t, { phase, message, ...extra });
    options.log?.info(`${workloadLabel(t.state.ref)} in ${t.state.ref.namespace}: ${message}`);
    pending.push(attachPods(cluster, t, update).finally(t.settle));
  };

  for (const ref of refs) {
    let settle = () => {};
    const settled = new Promise<void>((resolve) => (settle = resolve));
    const t: Tracked = { state: { ref, phase: 'queued', message: 'queued', restarted: false, paused: false }, deleted: false, final: false, settle, settled };
    tracked.set(workloadKey(ref), t);
    options.onUpdate?.(t.state);
  }

  /** `justRestarted`: called right after the restart patch, so the state says it was sent. */
  const evaluate = (t: Tracked, justRestarted = false): void => {
    if (t.final || t.generation === undefined || !t.latest) return;
    if ((t.latest.metadata?.generation ?? 0) < t.generation) return;
    const status = rolloutStatus(t.latest);
    if (status.state === 'waiting') {
      if (status.message !== t.state.message || justRestarted) update(t, { ...(justRestarted ? { phase: 'restarting', restarted: true } : {}), message: status.message });
    } else {
      // A rollout can be seen complete (through the watch) before the patch's own answer is handled.
      finish(t, status.state === 'done' ? 'ready' : 'failed', status.message, justRestarted ? { restarted: true } : {});
    }
  };

  const onEvent = (type: WorkloadEventType, workload: KindedWorkload): void => {
    const t = tracked.get(workloadKey(refOf(workload)));
    if (!t) return;
    if (type === 'DELETED') {
      t.deleted = true;
      finish(t, 'failed', `${workloadLabel(t.state.ref)} was deleted`);
      return;
    }
    t.latest = workload;
    evaluate(t);
  };

  const watches = new Watches(cluster, onEvent, [...tracked.values()], evaluate, finish, options.log);
  await watches.start(refs);

  const { maxInFlight } = await forEachBounded(refs, options.concurrency, async (ref) => {
    const t = tracked.get(workloadKey(ref))!;
    if (t.final) return;
    let verb = 'get';
    try {
      const current = await cluster.getWorkload(ref);
      t.latest ??= current;
      if (isPaused(current)) {
        finish(t, 'failed', PAUSED_MESSAGE, { paused: true });
        return;
      }
      verb = 'patch';
      const patched = await cluster.patchWorkload(ref, restartPatch(await restartTime(current, now)));
      t.generation = patched.metadata?.generation ?? 0;
      if (!t.latest || (t.latest.metadata?.generation ?? 0) < t.generation) t.latest = patched;
      evaluate(t, true);
    } catch (error) {
      const failure = describeFailure(error, {
        verb, resource: resourceOf(ref.kind), name: ref.name, namespace: ref.namespace, context: cluster.context,
      });
      finish(t, 'failed', failure.message);
    }
  }, options.signal);

  const all = Promise.all([...tracked.values()].map((t) => t.settled));
  const cancelled = await Promise.race([all.then(() => false), aborted(options.signal)]);
  watches.stop();
  if (cancelled) {
    for (const t of tracked.values()) {
      if (t.final) continue;
      t.final = true;
      update(t, {
        phase: 'cancelled',
        message: t.state.restarted ? 'restart sent; the rollout continues in the cluster' : 'not restarted',
      });
    }
  } else {
    await Promise.all(pending);
  }
  return {
    workloads: [...tracked.values()].map((t) => t.state),
    cancelled,
    maxInFlight,
    elapsedMs: Date.now() - started,
  };
}

/**
 * The time for the restart annotation. kubectl writes whole seconds, so a second restart within the same second
 * would change nothing and restart nothing: then wait for the next second (at most one).
 */
async function restartTime(current: KindedWorkload, now: () => Date): Promise<Date> {
  const at = now();
  const previous = current.spec?.template?.metadata?.annotations?.[RESTARTED_AT_ANNOTATION];
  if (previous !== rfc3339(at)) return at;
  await delay(1000 - at.getUTCMilliseconds());
  return now();
}

/** Adds the workload's live pods to its final state, so the tree can show "2/2" and the summary can name pods. */
async function attachPods(cluster: RolloutCluster, t: Tracked, update: (t: Tracked, patch: Partial<WorkloadRollout>) => void): Promise<void> {
  const selector = t.latest ? selectorOf(t.latest) : undefined;
  if (!selector || t.deleted) return;
  try {
    const pods = (await cluster.listPods(t.state.ref.namespace, selectorToString(selector))).filter(isLive);
    const podStates = pods.map((p) => ({ name: p.metadata?.name ?? '', ...podReadiness(p), sidecar: podSidecar(p).present }));
    update(t, { pods, podStates });
  } catch {
    // Pods only decorate the result; the rollout's outcome stands without them.
  }
}

function aborted(signal: AbortSignal | undefined): Promise<true> {
  return new Promise((resolve) => {
    if (!signal) return;
    if (signal.aborted) resolve(true);
    else signal.addEventListener('abort', () => resolve(true), { once: true });
  });
}

/**
 * One watch per (kind, namespace). A watch the server ends (timeouts are normal) is reopened, and the
 * workloads still rolling out are read once so no change between the two watches is lost.
 */
class Watches {
  private readonly handles = new Map<string, WatchHandle>();
  private stopped = false;

  constructor(
    private readonly cluster: RolloutCluster,
    private readonly onEvent: (type: WorkloadEventType, workload: KindedWorkload) => void,
    private readonly tracked: readonly Tracked[],
    private readonly evaluate: (t: Tracked) => void,
    private readonly finish: (t: Tracked, phase: 'failed', message: string) => void,
    private readonly log?: Logger,
  ) {}

  async start(refs: readonly WorkloadRef[]): Promise<void> {
    const groups = new Map<string, { kind: WorkloadKind; namespace: string }>();
    for (const r of refs) groups.set(`${r.kind}/${r.namespace}`, { kind: r.kind, namespace: r.namespace });
    await Promise.all([...groups.values()].map((g) => this.open(g.kind, g.namespace)));
  }

  private async open(kind: WorkloadKind, namespace: string): Promise<void> {
    const key = `${kind}/${namespace}`;
    try {
      const handle = await this.cluster.watchWorkloads(kind, namespace, this.onEvent, (error) => this.reopen(kind, namespace, error));
      if (this.stopped) handle.stop();
      else this.handles.set(key, handle);
    } catch (error) {
      const failure = describeFailure(error, { verb: 'watch', resource: resourceOf(kind), namespace, context: this.cluster.context });
      for (const t of this.group(kind, namespace)) this.finish(t, 'failed', failure.message);
    }
  }

  private async reopen(kind: WorkloadKind, namespace: string, error: unknown): Promise<void> {
    this.handles.delete(`${kind}/${namespace}`);
    const waiting = this.group(kind, namespace).filter((t) => !t.final);
    if (this.stopped || waiting.length === 0) return;
    this.log?.trace(`watch of ${resourceOf(kind)} in ${namespace} ended${error ? ` (${errorMessage(error)})` : ''}; reopening`);
    await this.open(kind, namespace);
    await Promise.all(waiting.map(async (t) => {
      try {
        t.latest = await this.cluster.getWorkload(t.state.ref);
        this.evaluate(t);
      } catch (e) {
        const failure = describeFailure(e, { verb: 'get', resource: resourceOf(kind), name: t.state.ref.name, namespace, context: this.cluster.context });
        this.finish(t, 'failed', failure.message);
      }
    }));
  }

  private group(kind: WorkloadKind, namespace: string): Tracked[] {
    return this.tracked.filter((t) => t.state.ref.kind === kind && t.state.ref.namespace === namespace);
  }

  stop(): void {
    this.stopped = true;
    for (const h of this.handles.values()) h.stop();
    this.handles.clear();
  }
}
