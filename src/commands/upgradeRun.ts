import * as vscode from 'vscode';
import type { Pod } from '../cluster/types';
import { formatCommandLine, uninstallArgs } from '../install/args';
import { istioctlClientVersion } from '../install/istioctl';
import { confirmUninstall } from '../install/uninstallConfirmation';
import { unused } from '../install/usage';
import type { RolloutCluster } from '../injection/rolloutCluster';
import { showError } from '../output';
import type { Services } from '../services';
import { advance, keepOld, rollBack, uninstallOld, type MachineOptions } from '../upgrade/machine';
import type { UpgradeOps } from '../upgrade/ops';
import { upgradeOpsFrom } from '../upgrade/opsAdapter';
import { STEPS, currentStep, describeUpgrade, type UpgradeState } from '../upgrade/state';
import { podRevisionSource } from '../upgrade/verify';
import { errorMessage } from '../util/errors';
import { connectReachable, ensureIstioctl, flowDeps, type CommandCluster } from './install';
import { vscodePrompter, type Prompter } from './prompter';
import { testOnlyArgs } from './testArgs';

/** What the integration tests may pass to the upgrade commands (test mode only, testArgs.ts). */
export interface UpgradeCommandArgs {
  readonly prompter?: Prompter;
}

export type UpgradeCommandResult =
  | { readonly status: 'done' | 'paused'; readonly state: UpgradeState }
  | { readonly status: 'cancelled' | 'failed' | 'refused'; readonly message: string; readonly state?: UpgradeState };

/** What every upgrade command works with: the context's cluster, istioctl, and the machine's port. */
export interface UpgradeSession {
  readonly services: Services;
  readonly connected: CommandCluster;
  readonly istioctlPath: string;
  readonly istioctlVersion: string;
  readonly prompter: Prompter;
  readonly ops: UpgradeOps;
}

/** The prompter the tests may pass; menus pass tree rows, which are ignored. */
export function upgradePrompter(services: Services, command: string, args: unknown): Prompter {
  const ours = args && typeof args === 'object' && 'prompter' in args ? (args as UpgradeCommandArgs) : undefined;
  return testOnlyArgs(services, command, ours).prompter ?? vscodePrompter;
}

/** Connects to the selected context and finds istioctl; undefined when either failed (the user was told). */
export async function openSession(services: Services, prompter: Prompter): Promise<UpgradeSession | { readonly status: 'failed' | 'cancelled'; readonly message: string }> {
  const connected = await connectReachable(services);
  if ('status' in connected) return connected;
  const istioctlPath = await ensureIstioctl(services, prompter);
  if (!istioctlPath) return { status: 'cancelled', message: 'istioctl is not available.' };
  const istioctlVersion = await istioctlClientVersion(istioctlPath);
  const { rolloutClusterFrom } = await import('../injection/rolloutClusterAdapter');
  const rollouts: RolloutCluster = rolloutClusterFrom(connected.client);
  // The live store's pods when the Mesh view watches this context; otherwise one list.
  const pods = podRevisionSource(async (namespace) => {
    const store = services.mesh.contextName === connected.target.context ? services.mesh.store : undefined;
    return store ? [...store.values<Pod>('pods', namespace)] : rollouts.listPods(namespace);
  });
  const ops = upgradeOpsFrom({
    deps: flowDeps(services, connected.cluster, istioctlPath), target: connected.target, rollouts, pods, istioctlVersion,
    restartConcurrency: services.config.restartConcurrency, onRollout: (s) => services.rollouts.update(s),
  });
  return { services, connected, istioctlPath, istioctlVersion, prompter, ops };
}

type Run = (state: UpgradeState, options: MachineOptions) => Promise<UpgradeState>;

/** Runs one machine call under a cancellable notification naming the context; every state is stored (and so shown). */
async function runMachine(session: UpgradeSession, state: UpgradeState, title: string, run: Run): Promise<UpgradeState> {
  const { services } = session;
  const controller = services.upgrades.begin(state.context);
  if (!controller) throw new Error(`An upgrade step already runs in context "${state.context}".`);
  try {
    return await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `${title} (context "${state.context}")`, cancellable: true }, (progress, token) => {
      const cancel = token.onCancellationRequested(() => controller.abort());
      return run(state, {
        ops: session.ops, signal: controller.signal, log: services.log,
        save: async (next) => {
          await services.upgrades.set(next);
          const step = STEPS.find((s) => next.steps[s].status === 'running');
          if (step) progress.report({ message: step });
        },
      }).finally(() => cancel.dispose());
    });
  } finally {
    services.upgrades.end(state.context, controller);
    void services.mesh.refresh();
  }
}

/** Runs the steps, then says where the flow stands: a failure (with Resume / Roll Back), or the uninstall question. */
export async function continueUpgrade(session: UpgradeSession, state: UpgradeState): Promise<UpgradeCommandResult> {
  const after = await runMachine(session, state, `Upgrading Istio ${describeUpgrade(state)}`, advance);
  const step = currentStep(after);
  if (step === 'uninstall') return offerUninstall(session, after);
  const record = step ? after.steps[step] : undefined;
  const message = `Upgrade step "${step}" in context "${after.context}": ${record?.message ?? 'stopped'}${record?.details?.length ? ` (${record.details.slice(0, 3).join('; ')})` : ''}`;
  if (record?.status === 'pending') {
    void vscode.window.showWarningMessage(message);
    return { status: 'paused', state: after };
  }
  void showError(session.services.output, message);
  return { status: 'failed', message, state: after };
}

/** The last step: remove the old revision (after the modal naming the context), or keep it. Refused while used. */
export async function offerUninstall(session: UpgradeSession, state: UpgradeState): Promise<UpgradeCommandResult> {
  const { prompter, services } = session;
  const old = state.from.revision;
  const choice = await prompter.offer(`Every pod moved runs revision ${state.to.revision}'s proxy in context "${state.context}". Remove the old revision "${old}"?`, ['Uninstall Old Revision', `Keep ${old}`]);
  if (choice === `Keep ${old}`) return { status: 'done', state: await keepOld(state, { save: (s) => services.upgrades.set(s) }) };
  if (choice !== 'Uninstall Old Revision') return { status: 'paused', state };
  const scope = { kind: 'revision', revision: old } as const;
  const users = await session.ops.users(old);
  const commandLine = formatCommandLine(session.istioctlPath, uninstallArgs(scope, session.connected.target));
  const after = await (async () => {
    // In use: refused by the machine, which names the users; the modal is only for what may really go.
    if (unused(users) && !(await confirmUninstall(prompter, scope, state.context, commandLine, users))) return undefined;
    return runMachine(session, state, `Removing revision ${old}`, uninstallOld);
  })();
  if (!after) return { status: 'cancelled', message: 'Not confirmed.', state };
  const record = after.steps.uninstall;
  if (after.phase === 'done') {
    void vscode.window.showInformationMessage(`Upgrade done: ${record.message}.`);
    return { status: 'done', state: after };
  }
  const message = `${record.message ?? 'The uninstall failed.'} ${record.details?.join(' ') ?? ''}`.trim();
  void showError(services.output, message);
  return { status: 'refused', message, state: after };
}

export async function rollBackUpgrade(session: UpgradeSession, state: UpgradeState): Promise<UpgradeCommandResult> {
  const ok = await session.prompter.confirm(`Roll back the upgrade in Kubernetes context "${state.context}"?`,
    `${state.move.kind === 'tag' ? `Tag "${state.move.tag}" moves back to revision ${state.from.revision}` : `The namespaces get their labels back`}${state.restarted ? ', and their workloads restart onto it' : ''}. Revision ${state.to.revision} stays installed.`, 'Roll Back');
  if (!ok) return { status: 'cancelled', message: 'Not confirmed.', state };
  const after = await runMachine(session, state, 'Rolling back', rollBack);
  if (after.phase === 'rolledBack') {
    void vscode.window.showInformationMessage(`Rolled back in context "${after.context}": ${after.rollback?.message ?? ''}`);
    return { status: 'done', state: after };
  }
  const message = `Rollback in context "${after.context}": ${after.rollback?.message ?? 'failed'}`;
  void showError(session.services.output, message);
  return { status: 'failed', message, state: after };
}

/** Any failure becomes one message; nothing is thrown at VS Code. */
export function upgradeFailure(services: Services, err: unknown): UpgradeCommandResult {
  const message = errorMessage(err);
  services.log.error(message);
  void showError(services.output, message);
  return { status: 'failed', message };
}
