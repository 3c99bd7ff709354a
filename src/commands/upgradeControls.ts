import * as vscode from 'vscode';
import type { Services } from '../services';
import { currentStep, hasMoved, type UpgradeState } from '../upgrade/state';
import { continueUpgrade, offerUninstall, openSession, rollBackUpgrade, upgradeFailure, upgradePrompter, type UpgradeCommandResult, type UpgradeSession } from './upgradeRun';

/** A flow found at start: go on, roll back, or leave it. */
export async function resumeOrAsk(session: UpgradeSession, state: UpgradeState): Promise<UpgradeCommandResult> {
  const choice = await session.prompter.choose(`An upgrade is under way in Kubernetes context "${state.context}" (step ${currentStep(state) ?? 'done'}).`, 'Resume runs the next step again; Roll Back moves the namespaces back.', ['Resume', 'Roll Back']);
  if (choice === 'Resume') return resume(session, state);
  if (choice === 'Roll Back') return rollBackUpgrade(session, state);
  return { status: 'cancelled', message: 'Nothing chosen.', state };
}

function resume(session: UpgradeSession, state: UpgradeState): Promise<UpgradeCommandResult> {
  return currentStep(state) === 'uninstall' ? offerUninstall(session, state) : continueUpgrade(session, state);
}

/** The frame of Resume and Roll Back: the stored flow of the selected context, then `run`. */
function withStored(command: string, run: (session: UpgradeSession, state: UpgradeState) => Promise<UpgradeCommandResult>) {
  return (services: Services) => async (args?: unknown): Promise<UpgradeCommandResult> => {
    const prompter = upgradePrompter(services, command, args);
    try {
      const session = await openSession(services, prompter);
      if ('status' in session) return session;
      const state = services.upgrades.get(session.connected.target.context);
      if (state?.phase !== 'active') {
        const message = `No upgrade under way in context "${session.connected.target.context}".`;
        void vscode.window.showInformationMessage(message);
        return { status: 'cancelled', message };
      }
      return await run(session, state);
    } catch (err) {
      return upgradeFailure(services, err);
    }
  };
}

/** `Istio: Resume Upgrade` */
export const resumeUpgrade = withStored('istio.upgradeCanary.resume', resume);

/** `Istio: Roll Back Upgrade` */
export const rollBackCanary = withStored('istio.upgradeCanary.rollback', rollBackUpgrade);

/**
 * `Istio: Cancel Upgrade`: stops a running step (it stays resumable); otherwise forgets the flow, after asking when
 * namespaces already moved (they stay where they are: nothing is undone).
 */
export const cancelUpgrade = (services: Services) => async (args?: unknown): Promise<UpgradeCommandResult> => {
  const prompter = upgradePrompter(services, 'istio.upgradeCanary.cancel', args);
  const context = services.mesh.contextName;
  const state = context ? services.upgrades.get(context) : undefined;
  if (!context || !state) return { status: 'cancelled', message: 'No upgrade to cancel.' };
  if (services.upgrades.cancel(context)) return { status: 'cancelled', message: 'The running step was stopped; Resume runs it again.', state };
  if (state.phase === 'active' && hasMoved(state)) {
    const ok = await prompter.confirm(`Forget the upgrade in Kubernetes context "${context}"?`, `Namespaces already moved stay on revision ${state.to.revision}; nothing is undone (Roll Back does that). Both revisions stay installed.`, 'Forget Upgrade');
    if (!ok) return { status: 'cancelled', message: 'Not confirmed.', state };
  }
  await services.upgrades.clear(context);
  return { status: 'done', state };
};
