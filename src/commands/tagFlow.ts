import * as vscode from 'vscode';
import type { ControlPlaneRevision } from '../install/controlPlane';
import { InstallError, listControlPlanes } from '../install/installer';
import { executeTagPlan, type Refusal, type TagRemovePlan, type TagSetPlan } from '../install/tags';
import { listRevisionTags, namespacesMatching, tagUserSelectors, type RevisionTag } from '../install/usage';
import { showError } from '../output';
import type { Services } from '../services';
import { errorMessage } from '../util/errors';
import { connectReachable, ensureIstioctl, flowDeps, withCancellableProgress, type CommandCluster } from './install';
import { vscodePrompter, type Prompter } from './prompter';
import { testOnlyArgs } from './testArgs';

/** What the integration tests may pass to the tag commands (test mode only, testArgs.ts). */
export interface TagCommandArgs {
  readonly prompter?: Prompter;
}

export type TagCommandResult =
  | { readonly status: 'done'; readonly plan: TagSetPlan | TagRemovePlan }
  | { readonly status: 'cancelled' | 'refused' | 'failed'; readonly message: string };

/** What a tag command's own steps get: the cluster, istioctl, and what exists now. */
export interface TagStep {
  readonly services: Services;
  readonly connected: CommandCluster;
  readonly istioctlPath: string;
  readonly prompter: Prompter;
  readonly revisions: readonly ControlPlaneRevision[];
  readonly tags: readonly RevisionTag[];
  /** The revision of the Mesh view's istiod node the command was started from, if any. */
  readonly fromNode?: string;
}

/**
 * The istiod node of the Mesh view (`component:istiod`) has the id `cp:revision:<namespace>/<deployment>`; the
 * revision is that Deployment's, as listed now.
 */
function revisionOfNode(item: unknown, revisions: readonly ControlPlaneRevision[]): string | undefined {
  const id = typeof item === 'object' && item !== null ? (item as { id?: unknown }).id : undefined;
  if (typeof id !== 'string' || !id.startsWith('cp:revision:')) return undefined;
  const [namespace, deployment] = id.slice('cp:revision:'.length).split('/');
  return revisions.find((r) => r.namespace === namespace && r.deployment === deployment)?.revision;
}

/** Namespaces a tag serves now (by `istio.io/rev=<tag>`, and `istio-injection=enabled` for `default`). */
export function tagUsers(step: TagStep, tag: string): Promise<string[]> {
  return namespacesMatching(step.connected.cluster, tagUserSelectors(tag));
}

/**
 * The frame both tag commands share: connect to the selected context, find istioctl as the install does, read the
 * revisions and tags, let the command plan and ask, then run the plan under a progress notification and verify.
 */
export function tagCommand(command: string, steps: (step: TagStep) => Promise<TagSetPlan | TagRemovePlan | Refusal | undefined>) {
  return (services: Services) => async (item?: unknown, given?: TagCommandArgs): Promise<TagCommandResult> => {
    const prompter = testOnlyArgs(services, command, given).prompter ?? vscodePrompter;
    const connected = await connectReachable(services);
    if ('status' in connected) return connected;
    const context = connected.target.context;
    try {
      const istioctlPath = await ensureIstioctl(services, prompter);
      if (!istioctlPath) return { status: 'cancelled', message: 'istioctl is not available.' };
      const [revisions, tags] = await Promise.all([listControlPlanes(connected.cluster), listRevisionTags(connected.cluster)]);
      const plan = await steps({ services, connected, istioctlPath, prompter, revisions, tags, fromNode: revisionOfNode(item, revisions) });
      if (!plan) return { status: 'cancelled', message: 'Not confirmed.' };
      if ('refused' in plan) {
        services.log.warn(plan.refused);
        void showError(services.output, plan.refused);
        return { status: 'refused', message: plan.refused };
      }
      for (const line of plan.summary) services.log.info(`plan: ${line}`);
      await withCancellableProgress(`istioctl tag ${plan.kind} ${plan.tag} in "${context}"`, (signal, report) =>
        executeTagPlan(plan, { ...flowDeps(services, connected.cluster, istioctlPath), signal, onProgress: report }),
      );
      void services.mesh.refresh();
      const done = plan.kind === 'set' ? `Tag "${plan.tag}" points at revision "${plan.revision}"` : `Tag "${plan.tag}" removed`;
      void vscode.window.showInformationMessage(`${done} in context "${context}".`);
      return { status: 'done', plan };
    } catch (err) {
      const message = errorMessage(err);
      services.log.error(message);
      const cancelled = err instanceof InstallError && err.kind === 'cancelled';
      if (cancelled) void vscode.window.showWarningMessage(message);
      else void showError(services.output, message);
      return { status: cancelled ? 'cancelled' : 'failed', message };
    }
  };
}
