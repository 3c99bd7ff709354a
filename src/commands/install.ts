import * as vscode from 'vscode';
import type { ClusterClient } from '../cluster/client';
import type { ClusterTarget } from '../install/args';
import type { InstallCluster } from '../install/installCluster';
import { installClusterFrom } from '../install/installClusterAdapter';
import { describeFinding, hasBlockingFindings } from '../install/precheck';
import { ChecksumFileError } from '../install/checksumFile';
import { ChecksumMismatchError, checksumSourceFor, describeChecksumSource, downloadIstioctlRelease } from '../install/download';
import { formatManifestDiff } from '../install/diff';
import { executeInstall, generateManifest, inspectCluster, InstallError, manifestChanges, type FlowDeps, type VerifyResult } from '../install/installer';
import { IstioctlNotFoundError, locateIstioctl } from '../install/istioctl';
import { optionsFromSaved, optionsToSaved } from '../install/options';
import { buildPlan, type InstallAction, type InstallPlan } from '../install/plan';
import { stripAnsi } from '../install/progress';
import { archiveName, OFFICIAL_RELEASE_BASE_URL, PINNED_RELEASE, releasePlatform, releaseUrl, type PinnedRelease } from '../install/releases';
import { askInstallOptions } from '../install/questions';
import { showError } from '../output';
import type { Services } from '../services';
import { vscodePrompter, type Prompter } from './prompter';
import { testOnlyArgs } from './testArgs';
import { errorMessage } from '../util/errors';

/** What tests (and other commands) may pass to `istio.install`: answers and seams instead of UI. */
export interface InstallCommandArgs {
  readonly prompter?: Prompter;
  /** Overrides the download source (tests serve a release from 127.0.0.1). */
  readonly release?: PinnedRelease;
  readonly releaseBaseUrl?: string;
}

export type InstallCommandResult =
  | { readonly status: 'installed'; readonly plan: InstallPlan; readonly verify: VerifyResult; readonly durationMs: number }
  | { readonly status: 'cancelled' | 'blocked' | 'failed'; readonly plan?: InstallPlan; readonly message: string };

/** The cluster the command works on: the wrapper bound to the current context, and istioctl's view of it. */
export interface CommandCluster {
  readonly client: ClusterClient;
  readonly cluster: InstallCluster;
  readonly target: ClusterTarget;
}

/**
 * The cluster of the context selected in the mesh view (the session's shared client: never disposed
 * here). Errors are the wrapper's ClusterError (no kubeconfig, unreachable...).
 */
async function connectCluster(services: Services): Promise<CommandCluster> {
  const client = await services.mesh.getClient();
  // istioctl reads KUBECONFIG itself; only the setting needs passing, as the file the view reads (`~` expanded:
  // without a shell nothing else would expand it). The context is always explicit.
  const kubeconfig = services.config.kubeconfig ? client.kubeconfig.files[0] : '';
  return { client, cluster: installClusterFrom(client), target: { kubeconfig, context: client.context } };
}

function downloadDir(services: Services, version: string): string {
  return vscode.Uri.joinPath(services.context.globalStorageUri, 'istioctl', version).fsPath;
}

/**
 * Finds istioctl, or offers to download the pinned release (verified by SHA-256). Undefined when the
 * user declined or it could not be had (the user was told why).
 */
export async function ensureIstioctl(services: Services, prompter: Prompter, args: InstallCommandArgs = {}): Promise<string | undefined> {
  const release = args.release ?? PINNED_RELEASE;
  const dir = downloadDir(services, release.version);
  try {
    const found = await locateIstioctl({ settingPath: services.config.istioctlPath, envPath: process.env.PATH ?? '', downloadedDir: dir });
    if (found) {
      services.log.info(`istioctl: ${found.path} (from ${found.source})`);
      return found.path;
    }
  } catch (err) {
    if (err instanceof IstioctlNotFoundError) {
      void showError(services.output, err.message);
      return undefined;
    }
    throw err;
  }
  const platform = releasePlatform(process.platform, process.arch);
  if (!platform) {
    void showError(services.output, `istioctl was not found on PATH, and the download of istioctl ${release.version} is offered only for Linux and macOS on amd64 or arm64 (this is ${process.platform}-${process.arch}). Install istioctl and set istio.istioctlPath.`);
    return undefined;
  }
  const url = releaseUrl(args.releaseBaseUrl ?? OFFICIAL_RELEASE_BASE_URL, release.version, platform);
  const pinnedSha256 = release.sha256[platform];
  const checkedAgainst = describeChecksumSource(checksumSourceFor(url, pinnedSha256));
  const choice = await prompter.offer(`istioctl was not found on PATH or in the setting istio.istioctlPath. Download istioctl ${release.version} for ${platform}? It is verified against ${checkedAgainst} before use.`, ['Download', 'Open Settings']);
  if (choice === 'Open Settings') void vscode.commands.executeCommand('workbench.action.openSettings', 'istio.istioctlPath');
  if (choice !== 'Download') return undefined;
  try {
    return await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Downloading istioctl ${release.version}`, cancellable: true },
      async (progress, token) => {
        const controller = new AbortController();
        token.onCancellationRequested(() => controller.abort());
        let reported = 0;
        const download = await downloadIstioctlRelease({
          url, archive: archiveName(release.version, platform), pinnedSha256, destinationDir: dir, signal: controller.signal,
          onProgress: (received, total) => {
            if (!total) return;
            const percent = Math.floor((received / total) * 100);
            if (percent > reported) progress.report({ increment: percent - reported, message: `${percent}%` });
            reported = percent;
          },
        });
        const against = describeChecksumSource(download.verifiedAgainst);
        services.log.info(`downloaded ${url} to ${download.path}: SHA-256 ${download.sha256} matches ${against}`);
        void vscode.window.showInformationMessage(`istioctl ${release.version} downloaded and verified against ${against}.`);
        return download.path;
      },
    );
  } catch (err) {
    const message = downloadFailureMessage(err);
    services.log.error(message);
    void showError(services.output, message);
    return undefined;
  }
}

function downloadFailureMessage(err: unknown): string {
  const fallback = ' Install istioctl yourself and set istio.istioctlPath.';
  if (err instanceof ChecksumFileError || err instanceof ChecksumMismatchError) return err.message + fallback;
  if (err instanceof Error && err.name === 'AbortError') return 'The istioctl download was cancelled; nothing was kept.';
  return `Downloading istioctl failed: ${errorMessage(err)}${fallback}`;
}

const ACTION_WORDS: Readonly<Record<InstallAction, { verb: string; button: string }>> = {
  install: { verb: 'Install Istio into', button: 'Install' },
  upgrade: { verb: 'Upgrade Istio in', button: 'Upgrade' },
  reconfigure: { verb: 'Re-apply Istio in', button: 'Re-apply' },
  canary: { verb: 'Add an Istio revision to', button: 'Add Revision' },
};

/** Runs a step under a cancellable notification; the signal aborts istioctl and cluster calls. */
export function withCancellableProgress<T>(title: string, task: (signal: AbortSignal, report: (message: string) => void) => Promise<T>): Thenable<T> {
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (progress, token) => {
    const controller = new AbortController();
    token.onCancellationRequested(() => controller.abort());
    return task(controller.signal, (message) => progress.report({ message }));
  });
}

async function openUntitled(language: string, content: string): Promise<void> {
  const document = await vscode.workspace.openTextDocument({ language, content });
  await vscode.window.showTextDocument(document, { preview: false });
}

/**
 * Shows the plan and asks; loops while the user looks at the manifest or the changes. True only on
 * the confirm button. The question always names the kube context.
 */
async function confirmPlan(services: Services, prompter: Prompter, plan: InstallPlan, deps: FlowDeps): Promise<boolean> {
  const words = ACTION_WORDS[plan.action];
  const actions = plan.action === 'install' ? [words.button, 'Show Manifest'] : [words.button, 'Show Changes', 'Show Manifest'];
  for (;;) {
    const choice = await prompter.choose(`${words.verb} Kubernetes context "${plan.target.context}"?`, plan.summary.join('\n'), actions);
    if (choice === words.button) return true;
    try {
      if (choice === 'Show Manifest') {
        await openUntitled('yaml', await withCancellableProgress('istioctl manifest generate', (signal) => generateManifest(plan, { ...deps, signal })));
      } else if (choice === 'Show Changes') {
        const diff = await withCancellableProgress('Comparing the manifest with the cluster', (signal) => manifestChanges(plan, { ...deps, signal }));
        await openUntitled('plaintext', formatManifestDiff(diff, plan.target.context, plan.commandLine));
      } else {
        return false;
      }
    } catch (err) {
      void showError(services.output, errorMessage(err));
    }
  }
}

export function flowDeps(services: Services, cluster: InstallCluster, istioctlPath: string): FlowDeps {
  return {
    cluster,
    istioctlPath,
    log: services.log,
    onLine: (line) => {
      const text = stripAnsi(line).trimEnd();
      if (text.trim() !== '') services.log.info(`[istioctl] ${text}`);
    },
  };
}

/** The cluster of the current context, checked to answer; otherwise the failure, already shown to the user. */
export async function connectReachable(services: Services): Promise<CommandCluster | { readonly status: 'failed'; readonly message: string }> {
  try {
    const connected = await connectCluster(services);
    await connected.client.version();
    return connected;
  } catch (err) {
    const message = `No reachable Kubernetes cluster: ${errorMessage(err)}`;
    services.log.error(message);
    void showError(services.output, message);
    return { status: 'failed', message };
  }
}

async function runInstall(services: Services, args: InstallCommandArgs): Promise<InstallCommandResult> {
  const prompter = args.prompter ?? vscodePrompter;
  const connected = await connectReachable(services);
  if ('status' in connected) return connected;
  try {
    const istioctlPath = await ensureIstioctl(services, prompter, args);
    if (!istioctlPath) return { status: 'cancelled', message: 'istioctl is not available.' };

    const options = await askInstallOptions(prompter, optionsFromSaved(services.config.installDefaults));
    if (!options) return { status: 'cancelled', message: 'Install questions were dismissed.' };
    await services.config.setInstallDefaults(optionsToSaved(options));

    const deps = flowDeps(services, connected.cluster, istioctlPath);
    const inspection = await withCancellableProgress(`Checking context "${connected.target.context}"`, (signal) =>
      inspectCluster({ ...deps, signal }, options, connected.target),
    );
    const plan = buildPlan({ target: connected.target, istioctlPath, istioctlVersion: inspection.istioctlVersion, options, existing: inspection.existing, lastApplied: inspection.lastApplied, findings: inspection.findings });
    for (const line of plan.summary) services.log.info(`plan: ${line}`);
    if (hasBlockingFindings(plan.findings)) {
      const message = `Istio cannot be installed in context "${plan.target.context}": ${plan.findings.filter((f) => f.level === 'error').map(describeFinding).join(' ')}`;
      void showError(services.output, message);
      return { status: 'blocked', plan, message };
    }
    if (!(await confirmPlan(services, prompter, plan, deps))) return { status: 'cancelled', plan, message: 'Not confirmed.' };

    const outcome = await withCancellableProgress(`${ACTION_WORDS[plan.action].button}: Istio in "${plan.target.context}"`, (signal, report) =>
      executeInstall(plan, { ...deps, signal, onProgress: report }),
    );
    services.log.info(`install finished in ${outcome.durationMs} ms: ${JSON.stringify(outcome.verify)}`);
    // The view follows through its watches; a relist makes it immediate.
    void services.mesh.refresh();
    void offerNextStep(prompter, plan, outcome.verify);
    return { status: 'installed', plan, verify: outcome.verify, durationMs: outcome.durationMs };
  } catch (err) {
    const message = errorMessage(err);
    const cancelled = err instanceof InstallError && err.kind === 'cancelled';
    services.log.error(message);
    if (cancelled) void vscode.window.showWarningMessage(message);
    else void showError(services.output, `${message} The output is kept in the log.`);
    return { status: cancelled ? 'cancelled' : 'failed', message };
  }
}

async function offerNextStep(prompter: Prompter, plan: InstallPlan, verify: VerifyResult): Promise<void> {
  const version = verify.version || plan.istioctlVersion;
  const mismatch = verify.versionMatches ? '' : ` (istiod runs ${verify.version}, istioctl is ${plan.istioctlVersion})`;
  const choice = await prompter.offer(
    `Istio ${version} is ready in context "${plan.target.context}" (revision ${verify.revision})${mismatch}: istiod ready, injector webhook present.`,
    ['Enable Injection on a Namespace…'],
  );
  if (choice) await vscode.commands.executeCommand('istio.namespace.enableInjection');
}

/** Menus may pass a tree node; only an argument object of ours is read, and only in test mode (testArgs.ts). */
export function installArgsOf(services: Services, command: string, args: unknown): InstallCommandArgs {
  const ours = args && typeof args === 'object' && ('prompter' in args || 'release' in args || 'releaseBaseUrl' in args) ? (args as InstallCommandArgs) : undefined;
  return testOnlyArgs(services, command, ours);
}

/** `Istio: Install…` */
export const install = (services: Services) => (args?: unknown) => runInstall(services, installArgsOf(services, 'istio.install', args));

