import * as vscode from 'vscode';
import { formatCommandLine, uninstallArgs, type UninstallScope } from '../install/args';
import { describeRevision, namespacesUsingSelectors } from '../install/controlPlane';
import { TagLabel, revisionTag } from '../istio/names';
import { executeUninstall, InstallError, listControlPlanes } from '../install/installer';
import { stripAnsi } from '../install/progress';
import { isClusterError } from '../cluster/errors';
import { showError } from '../output';
import type { Services } from '../services';
import { connectReachable, ensureIstioctl, withCancellableProgress, type CommandCluster, type InstallCommandArgs } from './install';
import { vscodePrompter } from './prompter';
import { errorMessage } from '../util/errors';

export type UninstallCommandResult =
  | { readonly status: 'uninstalled'; readonly scope: UninstallScope }
  | { readonly status: 'cancelled' | 'failed'; readonly message: string };

/** Namespaces still pointing at a revision, directly or through a tag: their sidecars lose their control plane. */
async function namespacesUsing(connected: CommandCluster, scope: UninstallScope): Promise<string[]> {
  const { cluster } = connected;
  const tagWebhooks = scope.kind === 'purge' ? [] : await cluster.list('admissionregistration.k8s.io/v1', 'MutatingWebhookConfiguration', { labelSelector: TagLabel })
    .catch((err: unknown) => {
      if (isClusterError(err, 'forbidden')) return []; // then only the revision's own label is checked
      throw err;
    });
  const tags = tagWebhooks.map((w) => revisionTag(w.metadata.labels)).filter((t) => t !== undefined);
  const lists = await Promise.all(namespacesUsingSelectors(scope, tags).map((labelSelector) => cluster.list('v1', 'Namespace', { labelSelector })));
  return [...new Set(lists.flat().map((n) => n.metadata.name))].sort();
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

    const users = await namespacesUsing(connected, scope);
    const what = scope.kind === 'purge' ? 'ALL of Istio' : `Istio revision "${scope.revision}"`;
    const detail = [
      `Command: ${formatCommandLine(istioctlPath, uninstallArgs(scope, connected.target))}`,
      ...(users.length ? [`Namespaces still using it (their sidecars lose their control plane): ${users.join(', ')}`] : []),
      ...(scope.kind === 'purge' ? ['Istio custom resources (VirtualServices, PeerAuthentications, ...) are deleted with their CRDs.'] : []),
    ].join('\n');
    if (!(await prompter.confirm(`Remove ${what} from Kubernetes context "${context}"?`, detail, 'Uninstall'))) {
      return { status: 'cancelled', message: 'Not confirmed.' };
    }
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
export const uninstall = (services: Services) => (args?: InstallCommandArgs) =>
  runUninstall(services, args && typeof args === 'object' && 'prompter' in args ? args : {});
