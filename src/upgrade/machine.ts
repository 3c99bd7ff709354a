/**
 * The canary upgrade, step by step: precheck → install the new revision → wait until it is ready → move the
 * namespaces (a tag, or relabelled ones) → restart their workloads → verify every pod runs the new revision's
 * proxy → uninstall the old revision (refused while anything uses it). Each step saves the state before and after
 * it runs, so a reload resumes where it stopped; a rollback from any step moves the tag or labels back and restarts.
 * Pure of VS Code: the command (src/commands/upgradeCanary.ts) asks, shows and stores.
 */
import type { InjectionChange } from '../injection/labels';
import { describeFinding, hasBlockingFindings } from '../install/precheck';
import { describeUsers, unused } from '../install/usage';
import { errorMessage } from '../util/errors';
import type { Logger } from '../util/log';
import { waitUntil } from '../util/wait';
import type { UpgradeOps } from './ops';
import { currentStep, movedNamespaces, withStep, type StepId, type StepRecord, type UpgradeState } from './state';
import { verifyPods, type Verification } from './verify';

export interface MachineOptions {
  readonly ops: UpgradeOps;
  /** Called with every new state; the glue stores it (globalState) and redraws the view. */
  readonly save: (state: UpgradeState) => void | Promise<void>;
  readonly signal?: AbortSignal;
  /** How long the new istiod may take to be ready (the ready step, and before a tag or label moves). */
  readonly readyTimeoutMs?: number;
  /** How long the restarted pods may take to all run the new proxy. */
  readonly verifyTimeoutMs?: number;
  readonly pollIntervalMs?: number;
  readonly log?: Logger;
}

/** A step that cannot go on: its message (and names) are shown; the state stays resumable. */
class StepRefused extends Error {
  constructor(message: string, readonly details: readonly string[] = []) {
    super(message);
  }
}

type StepResult = { readonly record: StepRecord; readonly extra?: Partial<UpgradeState> };
type StepRun = (state: UpgradeState, o: MachineOptions, save: (extra: Partial<UpgradeState>) => Promise<UpgradeState>) => Promise<StepResult>;

const done = (message: string, details?: readonly string[], extra?: Partial<UpgradeState>): StepResult => ({ record: { status: 'done', message, ...(details?.length ? { details } : {}) }, extra });

async function waitReady(o: MachineOptions, revision: string): Promise<boolean> {
  const ready = await waitUntil(async () => ((await o.ops.revisions(o.signal)).find((r) => r.revision === revision)?.ready ? true : undefined), o.readyTimeoutMs ?? 300_000, o.pollIntervalMs ?? 1000, o.signal);
  return ready === true;
}

async function notReadyMessage(o: MachineOptions, revision: string, what: string): Promise<string> {
  const found = (await o.ops.revisions(o.signal)).find((r) => r.revision === revision);
  const status = found ? `${found.readyReplicas}/${found.replicas} ready` : 'not found';
  return `istiod of revision "${revision}" is not ready (${status}) in context "${o.ops.context}": ${what}`;
}

const target = (state: UpgradeState): InjectionChange => ({ mode: 'revision', revision: state.to.revision });

const STEP_RUNS: Record<Exclude<StepId, 'uninstall'>, StepRun> = {
  async precheck(state, o) {
    const findings = await o.ops.precheck(state.from.version, o.signal);
    const lines = findings.map(describeFinding);
    if (hasBlockingFindings(findings)) throw new StepRefused(`istioctl x precheck --from-version ${state.from.version} found problems in context "${o.ops.context}".`, lines);
    return done(findings.length ? `${findings.length} finding(s), none blocking` : 'no findings', lines, { findings });
  },
  async install(state, o) {
    await o.ops.install(state.to.revision, o.signal);
    return done(`revision ${state.to.revision} installed in context "${o.ops.context}"`);
  },
  async ready(state, o) {
    if (!(await waitReady(o, state.to.revision))) throw new StepRefused(await notReadyMessage(o, state.to.revision, 'run Resume once it is.'));
    return done(`istiod-${state.to.revision} is ready`);
  },
  async move(state, o, save) {
    // A tag or label pointing at an istiod that does not answer sends new pods nowhere: wait for it, then refuse.
    if (!(await waitReady(o, state.to.revision))) throw new StepRefused(await notReadyMessage(o, state.to.revision, 'nothing was moved.'));
    if (state.move.kind === 'tag') {
      await o.ops.setTag(state.move.tag, state.to.revision, o.signal);
      return done(`tag "${state.move.tag}" → revision ${state.to.revision}`, undefined, { tagMoved: true });
    }
    let current = state;
    for (const ns of state.move.namespaces) {
      if (current.relabelled.includes(ns.name)) continue;
      if (o.signal?.aborted) throw new Error('cancelled');
      await o.ops.setInjection(ns.name, target(state));
      current = await save({ relabelled: [...current.relabelled, ns.name] });
    }
    return done(`${state.move.namespaces.length} namespace(s) labelled istio.io/rev=${state.to.revision}`, undefined, { relabelled: current.relabelled });
  },
  async restart(state, o, save) {
    // Saved first: a restart cut short still re-created some pods, and a rollback must restart them again.
    await save({ restarted: true });
    const result = await o.ops.restart(movedNamespaces(state), o.signal);
    if (result.failed.length) throw new StepRefused(`${result.failed.length} of ${result.restarted} workload(s) did not roll out.`, result.failed);
    return done(`${result.restarted} workload(s) restarted`);
  },
  async verify(state, o) {
    const result = await waitForPods(state, o, state.to.revision);
    if (result.stragglers.length) throw new StepRefused(`${result.stragglers.length} of ${result.total} pod(s) do not run revision ${state.to.revision}'s proxy.`, result.stragglers);
    return done(`${result.onRevision}/${result.total} pods run revision ${state.to.revision}'s proxy`);
  },
};

async function waitForPods(state: UpgradeState, o: MachineOptions, revision: string): Promise<Verification> {
  let last: Verification = { total: 0, onRevision: 0, stragglers: [] };
  await waitUntil(async () => {
    last = verifyPods(await o.ops.podRevisions(movedNamespaces(state)), revision);
    return last.stragglers.length === 0 ? true : undefined;
  }, o.verifyTimeoutMs ?? 120_000, o.pollIntervalMs ?? 1000, o.signal);
  return last;
}

/** Saves and returns the state: every transition goes through here. */
async function commit(o: Pick<MachineOptions, 'save'>, state: UpgradeState): Promise<UpgradeState> {
  await o.save(state);
  return state;
}

/** Runs the current step (not the uninstall, which the user chooses: `uninstallOld` or `keepOld`). */
export async function runStep(state: UpgradeState, o: MachineOptions): Promise<UpgradeState> {
  const step = currentStep(state);
  if (state.phase !== 'active' || !step || step === 'uninstall') return state;
  let current = await commit(o, withStep(state, step, { status: 'running' }));
  const save = async (extra: Partial<UpgradeState>) => (current = await commit(o, { ...current, ...extra }));
  try {
    const result = await STEP_RUNS[step](current, o, save);
    o.log?.info(`upgrade ${step} (context ${o.ops.context}): ${result.record.message ?? ''}`);
    return await commit(o, withStep(current, step, result.record, result.extra));
  } catch (err) {
    const record: StepRecord = o.signal?.aborted
      ? { status: 'pending', message: 'cancelled; Resume runs it again' }
      : { status: 'failed', message: errorMessage(err), ...(err instanceof StepRefused && err.details.length ? { details: err.details } : {}) };
    o.log?.warn(`upgrade ${step} (context ${o.ops.context}): ${record.message}`);
    return commit(o, withStep(current, step, record));
  }
}

/** Runs steps until the uninstall question, a failure or a cancel. */
export async function advance(state: UpgradeState, o: MachineOptions): Promise<UpgradeState> {
  let current = state;
  for (;;) {
    const step = currentStep(current);
    if (current.phase !== 'active' || !step || step === 'uninstall' || o.signal?.aborted) return current;
    current = await runStep(current, o);
    if (current.steps[step].status !== 'done') return current;
  }
}

/** Removes the old revision, refused (nothing changed, the users named) while any namespace, tag or pod uses it. */
export async function uninstallOld(state: UpgradeState, o: MachineOptions): Promise<UpgradeState> {
  if (state.phase !== 'active' || currentStep(state) !== 'uninstall') return state;
  const users = await o.ops.users(state.from.revision, o.signal);
  if (!unused(users)) {
    return commit(o, withStep(state, 'uninstall', { status: 'failed', message: `Revision "${state.from.revision}" is still in use in context "${o.ops.context}"; nothing was removed.`, details: describeUsers(users) }));
  }
  let current = await commit(o, withStep(state, 'uninstall', { status: 'running' }));
  try {
    await o.ops.uninstall(state.from.revision, o.signal);
    current = withStep(current, 'uninstall', { status: 'done', message: `revision ${state.from.revision} removed from context "${o.ops.context}"` }, { phase: 'done' });
  } catch (err) {
    current = withStep(current, 'uninstall', { status: o.signal?.aborted ? 'pending' : 'failed', message: errorMessage(err) });
  }
  return commit(o, current);
}

/** Ends the upgrade with the old revision left installed. */
export function keepOld(state: UpgradeState, o: Pick<MachineOptions, 'save'>): Promise<UpgradeState> {
  return commit(o, withStep(state, 'uninstall', { status: 'skipped', message: `revision ${state.from.revision} kept` }, { phase: 'done' }));
}

/**
 * Moves the tag or the labels back to the old revision and restarts what was restarted, then checks the pods run
 * the old proxy again. It reads the cluster rather than trusting the saved marks alone, so a move interrupted
 * mid-way (the tag set, the state not yet saved) is undone too. Refused once the old revision is gone.
 */
export async function rollBack(state: UpgradeState, o: MachineOptions): Promise<UpgradeState> {
  if (state.phase !== 'active') return state;
  const old = (await o.ops.revisions(o.signal)).find((r) => r.revision === state.from.revision);
  if (!old || state.steps.uninstall.status === 'done') {
    return commit(o, { ...state, rollback: { status: 'failed', message: `Revision "${state.from.revision}" no longer exists in context "${o.ops.context}": nothing to roll back to.` } });
  }
  let current = await commit(o, { ...state, rollback: { status: 'running' } });
  try {
    const undone: string[] = [];
    if (state.move.kind === 'tag') {
      const tag = (await o.ops.tags(o.signal)).find((t) => t.name === (state.move as { tag: string }).tag);
      if (tag && tag.revision !== state.from.revision) {
        await o.ops.setTag(tag.name, state.from.revision, o.signal);
        undone.push(`tag "${tag.name}" → ${state.from.revision}`);
      }
      current = await commit(o, { ...current, tagMoved: false });
    } else {
      for (const ns of state.move.namespaces) {
        const now = await o.ops.injectionOf(ns.name);
        if (now.mode === 'revision' && now.revision === state.to.revision) {
          await o.ops.setInjection(ns.name, ns.previous);
          undone.push(`namespace ${ns.name} relabelled back`);
        }
        current = await commit(o, { ...current, relabelled: current.relabelled.filter((n) => n !== ns.name) });
      }
    }
    if (state.restarted) {
      const result = await o.ops.restart(movedNamespaces(state), o.signal);
      if (result.failed.length) throw new StepRefused(`${result.failed.length} workload(s) did not roll out again.`, result.failed);
      const check = await waitForPods(state, o, state.from.revision);
      if (check.stragglers.length) throw new StepRefused(`${check.stragglers.length} pod(s) do not run revision ${state.from.revision}'s proxy yet.`, check.stragglers);
      undone.push(`${result.restarted} workload(s) restarted onto ${state.from.revision}`);
      current = await commit(o, { ...current, restarted: false });
    }
    const kept = `revision ${state.to.revision} stays installed (Istio: Uninstall… removes it)`;
    return await commit(o, { ...current, phase: 'rolledBack', rollback: { status: 'done', message: [...undone, kept].join('; ') } });
  } catch (err) {
    return commit(o, { ...current, rollback: { status: 'failed', message: errorMessage(err), ...(err instanceof StepRefused && err.details.length ? { details: err.details } : {}) } });
  }
}
