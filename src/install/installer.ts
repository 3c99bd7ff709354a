/**
 * The install flow without any UI: inspect the cluster, run istioctl, apply the extension's own
 * objects, verify. The command (`src/commands/install.ts`) adds the questions and notifications;
 * cluster tests and the benchmark drive these functions directly.
 */
import { isClusterError } from '../cluster/errors';
import type { UnstructuredObject } from '../cluster/types';
import { IstioSystemNamespace, injectorWebhookName, istiodName } from '../istio/names';
import type { Logger } from '../util/log';
import { precheckArgs, uninstallArgs, type ClusterTarget, type UninstallScope } from './args';
import { ADDON_LABEL, describeObject } from './addons';
import type { InstallCluster } from './installCluster';
import { diffManifest, objectKey, type ManifestDiff } from './diff';
import { controlPlaneRevisions, deploymentReady, type ControlPlaneRevision } from './controlPlane';
import { istioctlClientVersion } from './istioctl';
import type { InstallOptions } from './options';
import { installRecordName, optionsFromRecord, type InstallPlan } from './plan';
import { checkPermissions, compatibilityFinding, parsePrecheckOutput, type PrecheckFinding } from './precheck';
import { runProcess, type RunOptions, type RunResult } from './process';
import { describeProgress, parseProgressLine } from './progress';
import { removalTargets, waitUntilGone, describeRef, type ObjectRef } from './removal';
import { checkKubernetesSupport, checkUpgrade } from './versions';
import { forEachBounded } from '../util/pool';
import { waitUntil } from '../util/wait';
import { errorMessage } from '../util/errors';

export type Runner = (exe: string, args: readonly string[], options?: RunOptions) => Promise<RunResult>;

export interface FlowDeps {
  readonly cluster: InstallCluster;
  readonly istioctlPath: string;
  readonly log: Logger;
  readonly run?: Runner;
  /** Every istioctl output line, for the output channel. */
  readonly onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
  /** Short progress sentences for the notification. */
  readonly onProgress?: (message: string) => void;
  readonly signal?: AbortSignal;
  /** Verification polling interval. */
  readonly pollIntervalMs?: number;
  /** How long an uninstall waits for what it removed to be gone (default 120 s). */
  readonly removalTimeoutMs?: number;
}

export type InstallErrorKind = 'cancelled' | 'istioctlFailed' | 'applyFailed' | 'readinessTimeout' | 'removalTimeout';

export class InstallError extends Error {
  readonly name = 'InstallError';
  constructor(
    readonly kind: InstallErrorKind,
    message: string,
    /** The last meaningful istioctl lines, for the message and the log. */
    readonly lastOutput: readonly string[] = [],
  ) {
    super(message);
  }
}

export interface ClusterInspection {
  readonly kubernetesVersion: string;
  readonly istioctlVersion: string;
  readonly existing: readonly ControlPlaneRevision[];
  readonly lastApplied?: InstallOptions;
  readonly findings: readonly PrecheckFinding[];
}

export async function listControlPlanes(cluster: InstallCluster, signal?: AbortSignal): Promise<ControlPlaneRevision[]> {
  return controlPlaneRevisions(await cluster.list('apps/v1', 'Deployment', { labelSelector: 'app=istiod' }, signal));
}

/** A read the user may not be allowed to do: a forbidden answer becomes the fallback, and a finding says so. */
async function readOrNote<T>(read: Promise<T>, fallback: T, what: string, notes: PrecheckFinding[]): Promise<T> {
  try {
    return await read;
  } catch (err) {
    if (!isClusterError(err, 'forbidden')) throw err;
    notes.push({ level: 'warning', source: 'permissions', message: `You may not ${what}: ${err.message}` });
    return fallback;
  }
}

/**
 * Everything known before asking for confirmation. Reads only; runs the checks side by side.
 * Forbidden reads become findings (so a user without rights hears which ones they lack); other
 * cluster errors (unreachable, unauthorized) propagate as the wrapper's typed errors.
 */
export async function inspectCluster(deps: FlowDeps, options: InstallOptions, target: ClusterTarget): Promise<ClusterInspection> {
  const run = deps.run ?? runProcess;
  const { cluster, signal } = deps;
  const notes: PrecheckFinding[] = [];
  // A cancelled check is a cancel, not "istioctl failed" nor a blocking precheck finding.
  const cancelled = () => new InstallError('cancelled', 'The check was cancelled; nothing was changed.');
  const [server, istioctlVersion, existing, records, permissions, precheck] = await Promise.all([
    cluster.version(signal),
    istioctlClientVersion(deps.istioctlPath, run, signal),
    readOrNote(listControlPlanes(cluster, signal), [], 'list Deployments cluster-wide (to find installed control planes)', notes),
    readOrNote(cluster.list('v1', 'ConfigMap', { namespace: IstioSystemNamespace, labelSelector: 'app.kubernetes.io/managed-by=istio-mesh' }, signal), [], `list ConfigMaps in ${IstioSystemNamespace}`, notes),
    checkPermissions(cluster, IstioSystemNamespace),
    run(deps.istioctlPath, precheckArgs(options.revision, target), { signal }),
  ]).catch((err: unknown) => {
    throw signal?.aborted ? cancelled() : err;
  });
  if (precheck.cancelled || signal?.aborted) throw cancelled();
  deps.log.info(`precheck: istioctl ${istioctlVersion}, Kubernetes ${server.gitVersion}, ${existing.length} control plane revision(s)`);
  const findings: PrecheckFinding[] = [...permissions, ...notes, ...parsePrecheckOutput(precheck.exitCode, precheck.stdout, precheck.stderr)];
  const kube = compatibilityFinding(checkKubernetesSupport(istioctlVersion, server.gitVersion));
  if (kube) findings.push(kube);
  const same = existing.find((r) => r.revision === (options.revision || 'default'));
  if (same?.version) {
    const upgrade = compatibilityFinding(checkUpgrade(istioctlVersion, same.version));
    if (upgrade) findings.push(upgrade);
  }
  // istioctl's precheck repeats our permission finding when both run: keep ours (it names every resource).
  const deduped = findings.filter((f, i) => !(f.source === 'istioctl' && f.code === 'IST0141' && findings.some((o, j) => j !== i && o.source === 'permissions' && o.code === 'IST0141')));
  const record = records.find((r) => r.metadata.name === installRecordName(options.revision));
  return { kubernetesVersion: server.gitVersion, istioctlVersion, existing, lastApplied: optionsFromRecord(record), findings: deduped };
}

/**
 * Runs istioctl, streaming its lines to `onLine` and progress to `onProgress`; a non-zero exit becomes an
 * `InstallError` with the last error lines.
 */
export async function runIstioctl(deps: FlowDeps, args: readonly string[], what: string): Promise<void> {
  const run = deps.run ?? runProcess;
  const errors: string[] = [];
  const tail: string[] = [];
  const result = await run(deps.istioctlPath, args, {
    signal: deps.signal,
    onLine: (line, stream) => {
      deps.onLine?.(line, stream);
      const event = parseProgressLine(line);
      if (!event) return;
      if (event.kind === 'componentFailed' || event.kind === 'error') errors.push(describeProgress(event)!);
      if (event.kind === 'text') tail.push(event.text);
      if (tail.length > 5) tail.shift();
      const message = describeProgress(event);
      if (message) deps.onProgress?.(message);
    },
  });
  if (result.cancelled) {
    throw new InstallError('cancelled', `${what} was cancelled. What istioctl applied so far stays; running it again finishes the job.`);
  }
  if (result.exitCode !== 0) {
    const last = errors.length ? errors : tail;
    throw new InstallError(
      'istioctlFailed',
      `${what} failed (istioctl exit code ${result.exitCode ?? result.signal}): ${last.at(-1) ?? 'see the output'}. Once the cause is fixed, running it again finishes the job.`,
      last,
    );
  }
}

async function applyObjects(deps: FlowDeps, objects: readonly UnstructuredObject[]): Promise<void> {
  for (const object of objects) {
    if (deps.signal?.aborted) throw new InstallError('cancelled', 'Cancelled before all objects were applied; running install again finishes the job.');
    try {
      await deps.cluster.apply(object, deps.signal);
      deps.log.info(`applied ${describeObject(object)}`);
    } catch (err) {
      throw new InstallError('applyFailed', `Applying ${describeObject(object)} failed: ${errorMessage(err)}. Running install again applies what is missing.`);
    }
  }
}

export interface VerifyResult {
  readonly revision: string;
  readonly istiodReady: boolean;
  readonly webhookPresent: boolean;
  /** istiod's image tag; compared with istioctl's version. */
  readonly version: string;
  readonly versionMatches: boolean;
}

function expectsIstiod(options: InstallOptions): boolean {
  return options.profile !== 'empty' && options.profile !== 'remote';
}

function expectsWebhook(options: InstallOptions): boolean {
  return options.profile !== 'empty';
}

/** Waits for istiod of the revision to be ready and its injector webhook to exist. */
async function verifyInstall(deps: FlowDeps, options: InstallOptions, istioctlVersion: string, timeoutMs: number): Promise<VerifyResult> {
  const revision = options.revision || 'default';
  const check = async (): Promise<VerifyResult> => {
    const [deployments, webhooks] = await Promise.all([
      deps.cluster.list('apps/v1', 'Deployment', { namespace: IstioSystemNamespace, labelSelector: 'app=istiod' }, deps.signal),
      deps.cluster.list('admissionregistration.k8s.io/v1', 'MutatingWebhookConfiguration', {}, deps.signal),
    ]);
    const istiod = deployments.find((d) => d.metadata.name === istiodName(options.revision));
    const version = istiod ? controlPlaneRevisions([istiod])[0].version : '';
    return {
      revision,
      istiodReady: !expectsIstiod(options) || (istiod !== undefined && deploymentReady(istiod)),
      // A webhook left terminating by an uninstall just before is not the new one.
      webhookPresent: !expectsWebhook(options) || webhooks.some((w) => w.metadata.name === injectorWebhookName(options.revision) && !w.metadata.deletionTimestamp),
      version,
      versionMatches: !expectsIstiod(options) || version === '' || version === istioctlVersion,
    };
  };
  let last: VerifyResult | undefined;
  let lastError: Error | undefined;
  const done = await waitUntil(async () => {
    try {
      last = await check();
      lastError = undefined;
    } catch (err) {
      // The API server may be restarting: keep waiting until the deadline, then say so.
      if (!isClusterError(err, 'unreachable')) throw err;
      lastError = err;
      return undefined;
    }
    return last.istiodReady && last.webhookPresent ? last : undefined;
  }, timeoutMs, deps.pollIntervalMs ?? 1000, deps.signal);
  if (done) return done;
  if (deps.signal?.aborted) throw new InstallError('cancelled', 'Verification was cancelled; the install itself finished.');
  const missing = lastError
    ? [`the API server does not answer (${lastError.message})`]
    : [
        ...(last?.istiodReady ? [] : [`deployment ${IstioSystemNamespace}/${istiodName(options.revision)} is not ready`]),
        ...(last?.webhookPresent ? [] : [`webhook ${injectorWebhookName(options.revision)} is missing`]),
      ];
  throw new InstallError('readinessTimeout', `Istio did not become ready within ${Math.round(timeoutMs / 1000)} s: ${missing.join('; ')}. Running install again continues from here.`);
}

export interface InstallOutcome {
  readonly verify: VerifyResult;
  readonly durationMs: number;
}

/** Runs the plan: istioctl install, then the objects, then verification. Only after the user confirmed. */
export async function executeInstall(plan: InstallPlan, deps: FlowDeps): Promise<InstallOutcome> {
  const started = Date.now();
  deps.log.info(`running: ${plan.commandLine}`);
  deps.onProgress?.('Running istioctl install');
  await runIstioctl(deps, plan.installArgs, 'istioctl install');
  if (plan.objects.length) deps.onProgress?.(`Applying ${plan.objects.length} objects`);
  await applyObjects(deps, plan.objects);
  deps.onProgress?.('Verifying the control plane');
  const verify = await verifyInstall(deps, plan.options, plan.istioctlVersion, plan.options.readinessTimeoutSeconds * 1000);
  return { verify, durationMs: Date.now() - started };
}

/** `istioctl manifest generate` with the plan's options: the manifest istioctl would apply. */
export async function generateManifest(plan: InstallPlan, deps: Pick<FlowDeps, 'istioctlPath' | 'run' | 'signal'>): Promise<string> {
  const run = deps.run ?? runProcess;
  const result = await run(deps.istioctlPath, plan.manifestArgs, { signal: deps.signal });
  if (result.cancelled) throw new InstallError('cancelled', 'Generating the manifest was cancelled.');
  if (result.exitCode !== 0) {
    const why = result.stderr.trim().split('\n').filter((l) => l.trim() !== '').pop() ?? `exit code ${result.exitCode}`;
    throw new InstallError('istioctlFailed', `istioctl manifest generate failed: ${why}`);
  }
  return result.stdout;
}

/** Parses a multi-document manifest into objects (skips empty documents and non-objects). */
export async function parseManifest(text: string): Promise<UnstructuredObject[]> {
  const { parseAllDocuments } = await import('yaml');
  return parseAllDocuments(text)
    .map((doc) => doc.toJS() as unknown)
    .filter((o): o is UnstructuredObject => typeof o === 'object' && o !== null && typeof (o as UnstructuredObject).metadata?.name === 'string');
}

/** What the plan's istioctl install would change: its manifest against the live objects. */
export async function manifestChanges(plan: InstallPlan, deps: FlowDeps): Promise<ManifestDiff> {
  const generated = await parseManifest(await generateManifest(plan, deps));
  const live = new Map<string, UnstructuredObject | undefined>();
  // A few at a time: a default profile is ~40 objects; the API server should not see a burst.
  await forEachBounded(generated, 4, async (o) => {
    live.set(objectKey(o), await deps.cluster.get(o.apiVersion ?? 'v1', o.kind ?? '', o.metadata.name, o.metadata.namespace ?? IstioSystemNamespace, deps.signal));
  });
  return diffManifest(generated, live);
}

const ADDON_KINDS: readonly (readonly [string, string, boolean])[] = [
  ['apps/v1', 'Deployment', true],
  ['v1', 'Service', true],
  ['v1', 'ConfigMap', true],
  ['v1', 'ServiceAccount', true],
  ['rbac.authorization.k8s.io/v1', 'ClusterRoleBinding', false],
  ['rbac.authorization.k8s.io/v1', 'ClusterRole', false],
];

/** Deletes addon objects the extension created (by label) and its install records; returns what was deleted. */
async function deleteOwnObjects(deps: FlowDeps): Promise<ObjectRef[]> {
  const kinds: (readonly [string, string, boolean, string])[] = [
    ['v1', 'ConfigMap', true, 'app.kubernetes.io/managed-by=istio-mesh'],
    ...ADDON_KINDS.map(([apiVersion, kind, namespaced]) => [apiVersion, kind, namespaced, ADDON_LABEL] as const),
  ];
  const deleted: ObjectRef[] = [];
  for (const [apiVersion, kind, namespaced, labelSelector] of kinds) {
    const objects = await deps.cluster.list(apiVersion, kind, { namespace: namespaced ? IstioSystemNamespace : undefined, labelSelector }, deps.signal);
    for (const o of objects) {
      if (await deps.cluster.delete(apiVersion, kind, o.metadata.name, o.metadata.namespace)) {
        deleted.push({ apiVersion, kind, name: o.metadata.name, namespace: o.metadata.namespace });
      }
    }
  }
  return deleted;
}

/**
 * `istioctl uninstall`, then the extension's own objects of that scope, then waiting (bounded, cancellable) until
 * everything removed is gone: istioctl returns once the deletes are accepted, while the garbage collector still
 * holds the objects for seconds. What is still there at the deadline is named in the error.
 */
export async function executeUninstall(scope: UninstallScope, target: ClusterTarget, deps: FlowDeps): Promise<void> {
  const args = uninstallArgs(scope, target);
  const targets = await removalTargets(scope, deps.cluster, deps.signal);
  deps.log.info(`running: istioctl ${args.join(' ')}`);
  await runIstioctl(deps, args, 'istioctl uninstall');
  if (scope.kind === 'purge') {
    const own = await deleteOwnObjects(deps);
    deps.log.info(`removed ${own.length} objects of this extension (install records and addons)`);
    targets.push(...own);
  } else if (await deps.cluster.delete('v1', 'ConfigMap', installRecordName(scope.revision), IstioSystemNamespace)) {
    targets.push({ apiVersion: 'v1', kind: 'ConfigMap', name: installRecordName(scope.revision), namespace: IstioSystemNamespace });
  }
  const timeoutMs = deps.removalTimeoutMs ?? 120_000;
  deps.onProgress?.(`Waiting for ${targets.length} removed objects to be gone`);
  const remaining = await waitUntilGone(deps.cluster, targets, { timeoutMs, intervalMs: deps.pollIntervalMs ?? 1000, signal: deps.signal, onProgress: deps.onProgress });
  if (deps.signal?.aborted) throw new InstallError('cancelled', 'Stopped waiting for the removal; the cluster goes on deleting what istioctl removed.');
  if (remaining.length) {
    const names = remaining.map(describeRef);
    deps.log.warn(`still terminating after ${Math.round(timeoutMs / 1000)} s: ${names.join(', ')}`);
    throw new InstallError('removalTimeout', `istioctl uninstall finished, but ${remaining.length} object(s) are still being deleted after ${Math.round(timeoutMs / 1000)} s: ${names.join(', ')}. Their finalizers may be waiting on something; check them before installing again.`);
  }
  deps.log.info(`uninstall: ${targets.length} objects gone`);
}
