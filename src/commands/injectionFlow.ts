import * as vscode from 'vscode';
import { isClusterError } from '../cluster/errors';
import { InjectionError } from '../injection/errors';
import { injectionContext, injectionFacts } from '../injection/context';
import type { InjectionContext } from '../injection/explain';
import { type RestartCandidate, needingRestart, restartCandidates } from '../injection/planner';
import type { RolloutCluster } from '../injection/rolloutCluster';
import { type RolloutReport, restartWorkloads } from '../injection/rollout';
import { type RolloutSummary, summarize } from '../injection/summary';
import type { WorkloadRef } from '../injection/workloads';
import { type NamespaceState, assumeNamedRevisions, namespaceInjection } from '../istio/injection';
import { RevisionLabel } from '../istio/names';
import { showError } from '../output';
import type { Services } from '../services';
import { errorMessage } from '../util/errors';
import { type Prompter, vscodePrompter } from './prompter';
import { testOnlyArgs } from './testArgs';

/**
 * What tests (and other commands) may pass as the second argument of the injection commands:
 * answers instead of UI, and the restart bound.
 */
export interface InjectionCommandArgs {
  readonly prompter?: Prompter;
  readonly concurrency?: number;
}

export interface RestartOutcome {
  readonly report: RolloutReport;
  readonly summary: RolloutSummary;
}

export type InjectionCommandResult =
  | { readonly status: 'done'; readonly namespace: string; readonly restart?: RestartOutcome }
  | { readonly status: 'cancelled' | 'failed'; readonly message?: string };

/** What a namespace command's own steps get from the shared frame. */
export interface NamespaceStep {
  readonly services: Services;
  readonly cluster: RolloutCluster;
  readonly namespace: string;
  readonly prompter: Prompter;
  readonly args: InjectionCommandArgs | undefined;
}

/**
 * The frame every namespace command shares: connect to the selected context (or, for a namespace row of another
 * cluster on the Clusters level, to that row's context), take the namespace from the tree item or a picker naming
 * the context, and report any failure the same way.
 */
export function namespaceCommand(pickTitle: string, steps: (step: NamespaceStep) => Promise<InjectionCommandResult>) {
  return (services: Services) => async (item?: unknown, given?: InjectionCommandArgs): Promise<InjectionCommandResult> => {
    const args = testOnlyArgs(services, pickTitle, given);
    const prompter = prompterOf(args);
    // A namespace row of another cluster on the Clusters level: the command acts on that cluster's context.
    const target = services.meshTree.targetOf(item);
    const scoped: Services = target ? { ...services, mesh: target.session, rollouts: target.rollouts } : services;
    try {
      const cluster = await connectRollouts(scoped);
      const namespace = services.namespaceTargets.resolve(item) ?? namespaceOf(item) ?? (await pickNamespace(cluster, prompter, pickTitle, () => visibleNamespaces(scoped)));
      if (!namespace) return { status: 'cancelled' };
      return await steps({ services: scoped, cluster, namespace, prompter, args });
    } catch (error) {
      return reportFailure(services, error);
    }
  };
}

/** The tree passes its namespace node (which has `name`); tests may pass the name itself. */
function namespaceOf(arg: unknown): string | undefined {
  if (typeof arg === 'string') return arg;
  if (typeof arg === 'object' && arg !== null && typeof (arg as { name?: unknown }).name === 'string') return (arg as { name: string }).name;
  return undefined;
}

function prompterOf(args: InjectionCommandArgs | undefined): Prompter {
  return args?.prompter ?? vscodePrompter;
}

/** The port bound to the selected context; client-node loads only now. */
async function connectRollouts(services: Services): Promise<RolloutCluster> {
  const client = await services.mesh.getClient();
  const { rolloutClusterFrom } = await import('../injection/rolloutClusterAdapter');
  return rolloutClusterFrom(client);
}

/**
 * From the palette: pick a namespace, its injection state alongside. When RBAC forbids listing namespaces, the
 * ones `visible` gives (those the Mesh view shows) are offered instead.
 */
async function pickNamespace(cluster: RolloutCluster, prompter: Prompter, title: string, visible: () => string[]): Promise<string | undefined> {
  const namespaces = await listNamespaces(cluster).catch((err: unknown) => {
    const names = isClusterError(err, 'forbidden') ? visible() : [];
    if (names.length === 0) throw err;
    return names.map((name) => ({ name, state: '' }));
  });
  return prompter.pickOne(`${title} (context "${cluster.context}")`, namespaces.map((n) => ({
    label: n.name,
    description: n.state,
    value: n.name,
  })), 'Namespace');
}

/** The namespaces the Mesh view shows, else the context's own: what a user without cluster-wide reads may pick. */
function visibleNamespaces(services: Services): string[] {
  const shown = services.mesh.store?.namespaces.map((n) => n.name) ?? [];
  const own = services.mesh.client?.namespace;
  return shown.length > 0 ? shown : own ? [own] : [];
}

const stateWords: Record<NamespaceState, string> = {
  on: 'injection on', off: 'injection off', none: '', unserved: 'no injector', conflict: 'conflicting labels', ambient: 'ambient', system: 'never injected',
};

async function listNamespaces(cluster: RolloutCluster): Promise<{ name: string; state: string }[]> {
  const [list, mesh] = await Promise.all([cluster.listNamespaces(), injectionFacts(cluster)]);
  return list.map((ns) => {
    const labels = ns.metadata.labels ?? {};
    const { state } = namespaceInjection({ name: ns.metadata.name, labels }, assumeNamedRevisions(mesh, [labels[RevisionLabel]]));
    return { name: ns.metadata.name, state: stateWords[state] };
  });
}

export async function candidatesIn(cluster: RolloutCluster, ctx: InjectionContext): Promise<RestartCandidate[]> {
  const [workloads, pods] = await Promise.all([cluster.listWorkloads(ctx.namespace), cluster.listPods(ctx.namespace)]);
  return restartCandidates(workloads, pods, ctx);
}

/** After a label change: offer to restart the workloads whose pods no longer match it. */
export async function offerRestart(
  services: Services,
  cluster: RolloutCluster,
  ctx: InjectionContext,
  headline: string,
  args: InjectionCommandArgs | undefined,
): Promise<RestartOutcome | undefined> {
  const prompter = prompterOf(args);
  const candidates = await candidatesIn(cluster, ctx);
  const needed = needingRestart(candidates);
  if (needed.length === 0) {
    void prompter.offer(`${headline} No running pod needs a restart.`, []);
    return undefined;
  }
  const all = `Restart ${needed.length} Workload${needed.length === 1 ? '' : 's'}`;
  const choice = await prompter.offer(
    `${headline} ${needed.length} workload${needed.length === 1 ? ' runs pods' : 's run pods'} that do not match yet: pods get or lose istio-proxy only when re-created.`,
    [all, 'Choose…'],
  );
  if (choice === all) return runRestart(services, cluster, ctx, needed.map((c) => c.ref), args);
  if (choice === 'Choose…') return chooseAndRestart(services, cluster, ctx, candidates, args);
  return undefined;
}

/** The multi-select of workloads, those a restart would change pre-selected. */
export async function chooseAndRestart(
  services: Services,
  cluster: RolloutCluster,
  ctx: InjectionContext,
  candidates: readonly RestartCandidate[],
  args: InjectionCommandArgs | undefined,
): Promise<RestartOutcome | undefined> {
  const picked = await prompterOf(args).pickMany(
    `Restart workloads in namespace "${ctx.namespace}" (context "${cluster.context}")`,
    candidates.map((c) => ({
      label: `${c.ref.kind.toLowerCase()}/${c.ref.name}`,
      description: [
        c.pods === 0 ? 'no pods' : `${c.withSidecar}/${c.pods} pods with sidecar`,
        c.mismatched > 0 ? (c.sidecarExpected ? 'sidecar missing' : 'sidecar left over') : '',
        c.paused ? 'paused' : '',
      ].filter(Boolean).join(' · '),
      value: c.ref,
      picked: c.mismatched > 0 && !c.paused,
    })),
    'Pods are re-created as `kubectl rollout restart` does',
  );
  if (!picked || picked.length === 0) return undefined;
  return runRestart(services, cluster, ctx, picked, args);
}

/** Restarts with a cancellable progress notification, feeds the tree's tracker, and reports the summary. */
async function runRestart(
  services: Services,
  cluster: RolloutCluster,
  ctx: InjectionContext,
  refs: readonly WorkloadRef[],
  args: InjectionCommandArgs | undefined,
): Promise<RestartOutcome> {
  const total = refs.length;
  const report = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Restarting in ${ctx.namespace} (context "${cluster.context}")`, cancellable: true },
    async (progress, token) => {
      const controller = new AbortController();
      const cancel = token.onCancellationRequested(() => controller.abort());
      const settled = new Set<string>();
      progress.report({ message: `0/${total} workloads ready` });
      try {
        return await restartWorkloads(cluster, refs, {
          concurrency: args?.concurrency ?? services.config.restartConcurrency,
          signal: controller.signal,
          log: services.log,
          onUpdate: (state) => {
            services.rollouts.update(state);
            if ((state.phase === 'ready' || state.phase === 'failed') && !settled.has(state.ref.name + state.ref.kind)) {
              settled.add(state.ref.name + state.ref.kind);
              progress.report({ message: `${settled.size}/${total} workloads ready`, increment: 100 / total });
            }
          },
        });
      } finally {
        cancel.dispose();
      }
    },
  );
  // The namespace may have changed meanwhile; explain pods against what it says now.
  const now = await injectionContext(cluster, ctx.namespace, services.log).catch(() => ctx);
  const summary = summarize(report, now);
  services.log.info(`Restart in ${ctx.namespace} (context ${cluster.context}): ${summary.headline}; ${report.elapsedMs} ms, at most ${report.maxInFlight} restarts in flight`);
  for (const line of summary.details) services.log.info(`  ${line}`);
  const shown = summary.details.slice(0, 3).join('; ');
  const more = summary.details.length > 3 ? ` (+${summary.details.length - 3} more in the log)` : '';
  if (summary.failed.length > 0) void showError(services.output, `${summary.headline}. ${shown}${more}`);
  else if (summary.findings.length > 0 || report.cancelled) void vscode.window.showWarningMessage(`${summary.headline}. ${shown}${more}`, 'Show Logs').then((c) => c && services.output.show(true));
  else void vscode.window.showInformationMessage(`${summary.headline}.`);
  return { report, summary };
}

/** Every failure becomes one clear message; nothing is thrown at VS Code. */
export async function reportFailure(services: Services, error: unknown): Promise<InjectionCommandResult> {
  const message = error instanceof InjectionError || isClusterError(error) ? error.message : `Unexpected error: ${errorMessage(error)}`;
  services.log.error(error instanceof Error ? error : message);
  void showError(services.output, message);
  return { status: 'failed', message };
}
