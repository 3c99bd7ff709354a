/**
 * The canary upgrade's state: plain JSON, so VS Code keeps it in `globalState` (keyed by the kube context) and the
 * flow resumes after a reload. Every change makes a new object; `src/upgrade/machine.ts` moves it step by step.
 */
import type { InjectionChange } from '../injection/labels';
import type { PrecheckFinding } from '../install/precheck';

export const STEPS = ['precheck', 'install', 'ready', 'move', 'restart', 'verify', 'uninstall'] as const;
export type StepId = (typeof STEPS)[number];

/** `running` after a reload means the step was interrupted: it runs again (every step is idempotent). */
export type StepStatus = 'pending' | 'running' | 'done' | 'failed' | 'skipped';

export interface StepRecord {
  readonly status: StepStatus;
  /** What happened, or why it failed or was refused. */
  readonly message?: string;
  /** Names listed under the step: pods not on the new revision, users blocking the uninstall. */
  readonly details?: readonly string[];
}

/** A namespace moved by relabelling, with the injection it had, so a rollback restores it. */
export interface MovedNamespace {
  readonly name: string;
  readonly previous: InjectionChange;
}

/** How namespaces reach the new revision: a tag moved (its namespaces follow), or chosen namespaces relabelled. */
export type MovePlan =
  | { readonly kind: 'tag'; readonly tag: string; readonly namespaces: readonly string[] }
  | { readonly kind: 'relabel'; readonly namespaces: readonly MovedNamespace[] };

export type UpgradePhase = 'active' | 'done' | 'rolledBack';

export interface UpgradeState {
  readonly schema: 1;
  /** The kube context every mutation goes to. */
  readonly context: string;
  readonly from: { readonly revision: string; readonly version: string };
  readonly to: { readonly revision: string; readonly version: string };
  readonly move: MovePlan;
  readonly steps: Readonly<Record<StepId, StepRecord>>;
  /** Mutations done so far that a rollback undoes: the tag moved, namespaces relabelled, workloads restarted. */
  readonly tagMoved: boolean;
  readonly relabelled: readonly string[];
  readonly restarted: boolean;
  readonly findings: readonly PrecheckFinding[];
  readonly phase: UpgradePhase;
  readonly rollback?: StepRecord;
  readonly updatedAt: string;
}

export interface UpgradeInput {
  readonly context: string;
  readonly from: UpgradeState['from'];
  readonly to: UpgradeState['to'];
  readonly move: MovePlan;
}

export function newUpgrade(input: UpgradeInput, now = new Date()): UpgradeState {
  const steps = Object.fromEntries(STEPS.map((s) => [s, { status: 'pending' }])) as Record<StepId, StepRecord>;
  return { schema: 1, ...input, steps, tagMoved: false, relabelled: [], restarted: false, findings: [], phase: 'active', updatedAt: now.toISOString() };
}

/** The namespaces whose workloads move: those of the tag, or those relabelled. */
export function movedNamespaces(state: UpgradeState): string[] {
  return state.move.kind === 'tag' ? [...state.move.namespaces] : state.move.namespaces.map((n) => n.name);
}

/** The first step not done or skipped; undefined once all are. */
export function currentStep(state: UpgradeState): StepId | undefined {
  return STEPS.find((s) => state.steps[s].status !== 'done' && state.steps[s].status !== 'skipped');
}

/** Whether anything a rollback undoes has happened. */
export function hasMoved(state: UpgradeState): boolean {
  return state.tagMoved || state.relabelled.length > 0 || state.restarted;
}

export function withStep(state: UpgradeState, step: StepId, record: StepRecord, extra: Partial<UpgradeState> = {}, now = new Date()): UpgradeState {
  return { ...state, ...extra, steps: { ...state.steps, [step]: record }, updatedAt: now.toISOString() };
}

/**
 * A state read back from storage, or undefined when it is not one of ours (another schema, hand-edited). A step
 * stored as `running` was interrupted by a reload, and is pending again, unless `live`: this window runs it now.
 */
export function restoreUpgrade(value: unknown, { live = false } = {}): UpgradeState | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const s = value as Partial<UpgradeState>;
  if (s.schema !== 1 || typeof s.context !== 'string' || !s.steps || !s.move || !s.from || !s.to) return undefined;
  if (!STEPS.every((id) => typeof s.steps?.[id]?.status === 'string')) return undefined;
  if (live) return s as UpgradeState;
  const steps = Object.fromEntries(STEPS.map((id) => {
    const r = s.steps![id];
    return [id, r.status === 'running' ? { ...r, status: 'pending', message: 'interrupted; runs again on resume' } : r];
  })) as Record<StepId, StepRecord>;
  const rollback = s.rollback?.status === 'running' ? { ...s.rollback, status: 'failed' as const, message: 'interrupted; roll back again' } : s.rollback;
  return { ...(s as UpgradeState), steps, ...(rollback ? { rollback } : {}) };
}

export function describeUpgrade(state: UpgradeState): string {
  const from = `${state.from.revision}${state.from.version ? ` (${state.from.version})` : ''}`;
  const to = `${state.to.revision}${state.to.version ? ` (${state.to.version})` : ''}`;
  return `${from} → ${to} in context "${state.context}"`;
}
