import * as vscode from 'vscode';
import { formatCommandLine, uninstallArgs, type UninstallScope } from '../install/args';
import { describeRevision } from '../install/controlPlane';
import { confirmUninstall, describeScope } from '../install/uninstallConfirmation';
import { revisionUsers, revisionUsersOf, type RevisionUsers } from '../install/usage';
import { executeUninstall, InstallError, listControlPlanes } from '../install/installer';
import { stripAnsi } from '../install/progress';
import { showError } from '../output';
import type { Services } from '../services';
import { connectReachable, ensureIstioctl, installArgsOf, withCancellableProgress, type InstallCommandArgs } from './install';
import { vscodePrompter } from './prompter';
import { errorMessage } from '../util/errors';

export type UninstallCommandResult =
  | { readonly status: 'uninstalled'; readonly scope: UninstallScope }
  | { readonly status: 'cancelled' | 'failed'; readonly message: string };

/**
 * Who uses the scope, from the Mesh view's live store when it sees the whole cluster (synced, no RBAC limit, the real
 * webhooks): then no list of every pod is read again. Undefined otherwise: the caller asks the API server.
 */
function liveUsers(services: Services, scope: UninstallScope): RevisionUsers | undefined {
  const store = services.mesh.store;
  if (!store || services.mesh.state !== 'ready' || services.mesh.status?.limited !== undefined) return undefined;
  if (!store.isSynced('namespaces', 'pods', 'deployments', 'statefulsets', 'daemonsets', 'webhooks')) return undefined;
  if (store.controlPlane.injection.source !== 'cluster') return undefined;
  services.log.info('Revision users: read from the live view');
  return revisionUsersOf(store.controlPlane, store.namespaces, scope);
}

async function runUninstall(services: Services, args: InstallCommandArgs): Promise<UninstallCommandResult> {
  const prompter = args.prompter ?? vscodePrompter;
  const connected = await connectReachable(services);
  if ('status' in connected) return connected;
  try {
    const context = connected.target.context;
    const istioctlPath = await ensureIstioctl(services, prompter, args);
    if (!istioctlPath) return { status: 'cancelled', message: 'istioctl is not available.' };
    const revisions = await listControlPlanes(connected.cluster);
    const scope = await prompter.pickOne<UninstallScope>(
      `Uninstall Istio from context "${context}"`,
      [
        ...revisions.map((r) => ({
          label: `Revision ${r.revision}`,
          description: describeRevision(r),
          value: { kind: 'revision' as const, revision: r.revision },
        })),
        {
          label: 'Everything (--purge)',
          description: 'every revision, Istio CRDs and webhooks, and the addons this extension installed',
          value: { kind: 'purge' as const },
          picked: revisions.length === 0,
        },
      ],
      revisions.length === 0 ? 'No istiod found; purge removes what is left of Istio' : 'What to remove?',
    );
    if (!scope) return { status: 'cancelled', message: 'Nothing chosen.' };

    const users = liveUsers(services, scope) ?? await revisionUsers(connected.cluster, scope);
    const commandLine = formatCommandLine(istioctlPath, uninstallArgs(scope, connected.target));
    if (!(await confirmUninstall(prompter, scope, context, commandLine, users))) return { status: 'cancelled', message: 'Not confirmed.' };
    const what = describeScope(scope);
    await withCancellableProgress(`Uninstalling ${what} from "${context}"`, (signal, report) =>
      executeUninstall(scope, connected.target, {
        cluster: connected.cluster,
        istioctlPath,
        log: services.log,
        signal,
        onProgress: report,
        onLine: (line) => {
          const text = stripAnsi(line).trimEnd();
          if (text.trim() !== '') services.log.info(`[istioctl] ${text}`);
        },
      }),
    );
    void services.mesh.refresh();
    void vscode.window.showInformationMessage(`Removed ${what} from context "${context}".`);
    return { status: 'uninstalled', scope };
  } catch (err) {
    const message = errorMessage(err);
    services.log.error(message);
    void showError(services.output, `${message} The output is kept in the log.`);
    return { status: err instanceof InstallError && err.kind === 'cancelled' ? 'cancelled' : 'failed', message };
  }
}

/** `Istio: Uninstall…` */
export const uninstall = (services: Services) => (args?: unknown) => runUninstall(services, installArgsOf(services, 'istio.uninstall', args));
