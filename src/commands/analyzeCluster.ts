import * as vscode from 'vscode';
import { AnalyzeOutputError, analyzeFailure, parseAnalyzeOutput, partialReadWarning, type ClusterMessage } from '../analyzers/clusterAnalysis';
import { describeMessageCount } from '../analyzers/clusterResults';
import { analyzeArgs, formatCommandLine, type AnalyzeScope } from '../install/args';
import { runProcess } from '../install/process';
import { showError } from '../output';
import type { Services } from '../services';
import { testOnlyArgs } from './testArgs';
import { errorMessage } from '../util/errors';
import { connectReachable, ensureIstioctl, withCancellableProgress } from './install';
import { type PickItem, type Prompter, vscodePrompter } from './prompter';

/**
 * istioctl analyze declares `--timeout` but does not use it (istioctl/pkg/analyze/analyze.go at the testbed's Istio):
 * a list it may not do leaves it waiting for its informers forever. This is the ceiling.
 */
const TIMEOUT_MS = 120_000;

export type AnalyzeClusterResult =
  | { readonly status: 'done'; readonly context: string; readonly messages: readonly ClusterMessage[] }
  | { readonly status: 'cancelled' | 'failed'; readonly message: string };

function scopeItems(services: Services, contextNamespace: string): PickItem<AnalyzeScope>[] {
  const names = services.mesh.store?.namespaces.map((n) => n.name) ?? [contextNamespace];
  return [
    { label: 'All namespaces', description: '--all-namespaces', value: { kind: 'all' }, picked: true },
    ...names.map((namespace) => ({ label: namespace, description: namespace === contextNamespace ? "the context's namespace" : undefined, value: { kind: 'namespace', namespace } as const })),
  ];
}

async function runAnalyze(services: Services, prompter: Prompter): Promise<AnalyzeClusterResult> {
  const connected = await connectReachable(services);
  if ('status' in connected) return connected;
  const { context } = connected.target;
  const scope = await prompter.pickOne(`Analyze context "${context}" with istioctl`, scopeItems(services, connected.client.namespace), 'Which namespaces');
  if (!scope) return { status: 'cancelled', message: 'No namespace was picked.' };
  const istioctl = await ensureIstioctl(services, prompter);
  if (!istioctl) return { status: 'failed', message: 'istioctl is not available.' };
  const args = analyzeArgs(scope, connected.target);
  const where = scope.kind === 'all' ? 'all namespaces' : `namespace "${scope.namespace}"`;
  services.log.info(`running ${formatCommandLine(istioctl, args)}`);
  let timedOut = false;
  try {
    const run = await withCancellableProgress(`istioctl analyze: ${where} of context "${context}"`, (signal) => {
      const timeout = AbortSignal.timeout(TIMEOUT_MS);
      timeout.addEventListener('abort', () => (timedOut = true), { once: true });
      return runProcess(istioctl, args, { signal: AbortSignal.any([signal, timeout]) });
    });
    if (run.cancelled && !timedOut) return { status: 'cancelled', message: 'The analysis was cancelled.' };
    if (run.cancelled) {
      // What istioctl logged while it waited usually says why (a forbidden list, an unreachable server).
      const cause = analyzeFailure(run, context);
      const stopped = `istioctl analyze did not finish within ${TIMEOUT_MS / 1000} s in context "${context}" and was stopped`;
      const message = cause && cause.kind !== 'failed' ? `${cause.message} (${stopped}.)` : `${stopped}.`;
      services.log.error(`${message}\n${run.stderr.trim()}`);
      void showError(services.output, message);
      return { status: 'failed', message };
    }
    const failure = analyzeFailure(run, context);
    if (failure) {
      services.log.error(`${failure.message}\n${run.stderr.trim()}`);
      void showError(services.output, failure.message);
      return { status: 'failed', message: failure.message };
    }
    const messages = parseAnalyzeOutput(run.stdout);
    const partial = partialReadWarning(run.stderr, context);
    if (partial) void vscode.window.showWarningMessage(partial);
    for (const m of messages) services.log.info(`[istioctl analyze] ${m.code} ${m.object ? `${m.object.kind} ${m.object.namespace ? `${m.object.namespace}/` : ''}${m.object.name}` : '-'}: ${m.message}`);
    services.clusterAnalysis.set({ context, namespace: scope.kind === 'all' ? undefined : scope.namespace, defaultNamespace: connected.client.namespace, messages });
    const summary = messages.length ? `istioctl analyze: ${describeMessageCount(messages.length)} in ${where} of context "${context}".` : `istioctl analyze found no issues in ${where} of context "${context}".`;
    if (messages.length) {
      void vscode.window.showInformationMessage(summary, 'Show Problems').then((choice) => choice && vscode.commands.executeCommand('workbench.actions.view.problems'));
    } else {
      void vscode.window.showInformationMessage(summary);
    }
    return { status: 'done', context, messages };
  } catch (err) {
    const message = err instanceof AnalyzeOutputError ? `${err.message} (context "${context}")` : `istioctl analyze failed in context "${context}": ${errorMessage(err)}`;
    services.log.error(message);
    void showError(services.output, message);
    return { status: 'failed', message };
  }
}

/**
 * `istio.analyzeCluster` (Istio: Analyze Cluster…): `istioctl analyze` on the selected context, all namespaces or one;
 * its messages go to the Problems panel and mark the mesh view. A scripted prompter answers in tests only.
 */
export const analyzeCluster = (services: Services) => (args?: { readonly prompter?: Prompter }) => {
  return runAnalyze(services, testOnlyArgs(services, 'istio.analyzeCluster', args).prompter ?? vscodePrompter);
};
