/**
 * The rows of the Upgrade view for one flow: a header, one row per step with its status and message, and under a
 * step the names it lists (findings, pods not on the new revision, users blocking the uninstall). Pure, so the view
 * (src/views/upgradeTree.ts) only turns them into tree items.
 */
import { STEPS, currentStep, describeUpgrade, type StepId, type StepRecord, type UpgradeState } from './state';

export type RowIcon = 'pending' | 'running' | 'done' | 'failed' | 'skipped' | 'detail' | 'upgrade' | 'rollback';

export interface UpgradeRow {
  readonly id: string;
  readonly label: string;
  readonly description: string;
  readonly icon: RowIcon;
  readonly tooltip?: string;
  readonly children: readonly UpgradeRow[];
}

const STEP_LABELS: Readonly<Record<StepId, string>> = {
  precheck: 'Precheck',
  install: 'Install the new revision',
  ready: 'Wait until ready',
  move: 'Move namespaces',
  restart: 'Restart workloads',
  verify: 'Verify proxies',
  uninstall: 'Uninstall the old revision',
};

function moveLabel(state: UpgradeState): string {
  return state.move.kind === 'tag'
    ? `Move tag "${state.move.tag}" → ${state.to.revision}`
    : `Relabel ${state.move.namespaces.map((n) => n.name).join(', ')} → istio.io/rev=${state.to.revision}`;
}

function details(id: string, record: StepRecord | undefined): UpgradeRow[] {
  return (record?.details ?? []).map((line, i) => ({ id: `${id}/${i}`, label: line, description: '', icon: 'detail' as const, children: [] }));
}

function stepRow(state: UpgradeState, step: StepId, running: boolean): UpgradeRow {
  const record = state.steps[step];
  const waiting = step === 'uninstall' && state.phase === 'active' && currentStep(state) === 'uninstall' && record.status === 'pending';
  const status = record.status === 'pending' && running && currentStep(state) === step ? 'running' : record.status;
  const id = `upgrade:${state.context}:${step}`;
  return {
    id,
    label: step === 'move' ? moveLabel(state) : STEP_LABELS[step],
    description: waiting ? 'waiting for your choice (Resume)' : record.message ?? (status === 'running' ? 'running' : ''),
    icon: status,
    tooltip: [record.message, ...(record.details ?? [])].filter(Boolean).join('\n') || undefined,
    children: details(id, record),
  };
}

const PHASE_WORDS = { active: 'in progress', done: 'done', rolledBack: 'rolled back' } as const;

export function upgradeRows(state: UpgradeState, running: boolean): UpgradeRow[] {
  const steps = STEPS.map((s) => stepRow(state, s, running));
  const rollback: UpgradeRow[] = state.rollback
    ? [{ id: `upgrade:${state.context}:rollback`, label: 'Roll back', description: state.rollback.message ?? state.rollback.status, icon: state.rollback.status === 'done' ? 'rollback' : state.rollback.status === 'running' ? 'running' : 'failed', children: details(`upgrade:${state.context}:rollback`, state.rollback) }]
    : [];
  return [{
    id: `upgrade:${state.context}`,
    label: `Upgrade ${describeUpgrade(state)}`,
    description: running ? 'running' : PHASE_WORDS[state.phase],
    icon: 'upgrade',
    tooltip: `Canary upgrade of Istio ${describeUpgrade(state)}; last change ${state.updatedAt}`,
    children: [...steps, ...rollback],
  }];
}
