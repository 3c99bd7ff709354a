/**
 * The multi-cluster flow without any UI: inspect every chosen context, run the plan step by step with progress per
 * cluster, verify with the mesh checks; unlink two clusters. The commands (src/commands/*MultiCluster*.ts,
 * linkCluster.ts, unlinkCluster.ts) add the questions; the cluster tier drives these functions directly.
 *
 * Order matters: every `cacerts` is written before any istiod starts (istiod reads its CA once, at start), Istio is
 * installed cluster by cluster, then the remote secrets. A failure stops the run and the report says exactly which
 * step of which context failed and what was not run; running the same plan again continues (each step is safe to
 * repeat).
 */
import { createRemoteSecretArgs, type ClusterTarget } from '../install/args';
import type { InstallCluster } from '../install/installCluster';
import { executeInstall, inspectCluster, InstallError, parseManifest, type FlowDeps, type Runner } from '../install/installer';
import { istioctlClientVersion } from '../install/istioctl';
import { runProcess } from '../install/process';
import { IstioSystemNamespace, MultiClusterSecretLabel, NetworkLabel } from '../istio/names';
import type { ClusterFacts } from '../mesh/clusterFacts';
import { meshFindings, type MeshFinding } from '../mesh/meshChecks';
import { errorMessage } from '../util/errors';
import { waitUntil } from '../util/wait';
import type { Logger } from '../util/log';
import { cacertsSecret, issueIntermediate, type RootCa } from './ca';
import { readClusterFacts } from './facts';
import { planMesh, primaryInstallOptions, type ClusterState, type MeshOptions, type MeshPlan } from './plan';
import { remoteSecretObject, unlinkTargets, type SecretLike } from './remoteSecret';

/** One chosen context: the install port on it, and how istioctl reaches it. */
export interface MeshMember {
  readonly cluster: InstallCluster;
  readonly target: ClusterTarget;
  /** The context's API server URL. */
  readonly server: string;
  /** istiod's sync state of each remote cluster, by cluster ID (src/mesh/clusterFactsReader.ts); throws when unreadable. */
  readonly syncState?: (signal?: AbortSignal) => Promise<(clusterId: string) => string | undefined>;
}

export interface MeshDeps {
  /** By context. */
  readonly members: ReadonlyMap<string, MeshMember>;
  readonly istioctlPath: string;
  readonly log: Logger;
  readonly run?: Runner;
  /** istioctl install's lines, for the output channel (never create-remote-secret's: they hold a token). */
  readonly onLine?: (context: string, line: string, stream: 'stdout' | 'stderr') => void;
  /** Short progress sentences, each naming its context. */
  readonly onProgress?: (message: string) => void;
  readonly signal?: AbortSignal;
  readonly pollIntervalMs?: number;
  /** How long the closing check waits for each istiod to sync the clusters it was linked to (default 60 s). */
  readonly syncWaitMs?: number;
}

function member(deps: MeshDeps, context: string): MeshMember {
  const m = deps.members.get(context);
  if (!m) throw new Error(`No connection to context "${context}".`);
  return m;
}

function flowDeps(deps: MeshDeps, context: string): FlowDeps {
  return {
    cluster: member(deps, context).cluster, istioctlPath: deps.istioctlPath, log: deps.log, run: deps.run, signal: deps.signal,
    pollIntervalMs: deps.pollIntervalMs,
    onLine: deps.onLine && ((line, stream) => deps.onLine!(context, line, stream)),
    onProgress: deps.onProgress && ((message) => deps.onProgress!(`"${context}": ${message}`)),
  };
}

/** Reads every chosen context (side by side) and plans; reads only. */
export async function inspectMesh(options: MeshOptions, root: RootCa | undefined, deps: MeshDeps, rootKeptAt?: string): Promise<MeshPlan> {
  const istioctlVersion = await istioctlClientVersion(deps.istioctlPath, deps.run ?? runProcess, deps.signal);
  const states = await Promise.all(options.clusters.map(async (choice): Promise<ClusterState> => {
    const m = member(deps, choice.context);
    const read = await readClusterFacts(m.cluster, m.server, deps.signal);
    const inspected = choice.role === 'primary'
      ? await inspectCluster(flowDeps(deps, choice.context), primaryInstallOptions(options, choice), m.target)
      : undefined;
    return {
      target: m.target, server: m.server, cacertsRoot: read.cacertsRoot, facts: read.facts,
      existing: inspected?.existing ?? [], findings: inspected?.findings ?? [], lastApplied: inspected?.lastApplied,
    };
  }));
  return planMesh({ options, states, root, rootKeptAt, istioctlPath: deps.istioctlPath, istioctlVersion });
}

export type StepStatus = 'done' | 'kept' | 'failed' | 'not run';

export interface StepReport {
  readonly context: string;
  readonly step: string;
  status: StepStatus;
  detail?: string;
}

export interface MeshRunReport {
  readonly steps: readonly StepReport[];
  /** The mesh checks over every chosen cluster after the run; undefined when the run stopped before. */
  readonly findings?: readonly MeshFinding[];
  /** Why the run stopped; undefined when it finished. */
  readonly error?: string;
  readonly cancelled: boolean;
}

interface Step extends StepReport {
  readonly action: () => Promise<StepStatus>;
}

/** Runs an accepted plan. Never throws for a failed step: the report says which one, and what was not run. */
export async function executeMeshPlan(plan: MeshPlan, root: RootCa | undefined, deps: MeshDeps): Promise<MeshRunReport> {
  if (plan.refusals.length) throw new Error(`The plan cannot run: ${plan.refusals.join(' ')}`);
  const steps = planSteps(plan, root, deps);
  for (const step of steps) {
    if (deps.signal?.aborted) return finish(steps, 'Cancelled.', true);
    deps.onProgress?.(`"${step.context}": ${step.step}`);
    try {
      step.status = await step.action();
      deps.log.info(`multi-cluster: context "${step.context}": ${step.step}: ${step.status}`);
    } catch (err) {
      step.status = 'failed';
      step.detail = errorMessage(err);
      deps.log.error(`multi-cluster: context "${step.context}": ${step.step} failed: ${step.detail}`);
      return finish(steps, `${step.step} in "${step.context}" failed: ${step.detail}`, err instanceof InstallError && err.kind === 'cancelled');
    }
  }
  deps.onProgress?.('Checking the mesh across every cluster');
  const facts = await Promise.all(plan.clusters.map((c) => readClusterFacts(member(deps, c.choice.context).cluster, c.state.server, deps.signal)));
  const synced = await waitForSync(plan.clusters.map((c, i) => [member(deps, c.choice.context), facts[i].facts] as const), deps);
  return { ...finish(steps, undefined, false), findings: meshFindings(synced) };
}

/**
 * Each cluster's facts with istiod's sync state of its remote secrets, read until every one is `synced` or the wait is
 * over: a link just made takes istiod a moment. A cluster whose istiod cannot be read keeps its states unknown (the
 * checks then judge no sync), and says so in the log.
 */
async function waitForSync(clusters: readonly (readonly [MeshMember, ClusterFacts])[], deps: MeshDeps): Promise<ClusterFacts[]> {
  let read: ClusterFacts[] = clusters.map(([, facts]) => facts);
  await waitUntil(async () => {
    read = await Promise.all(clusters.map(([m, facts]) => withSyncState(m, facts, deps)));
    const waiting = read.flatMap((f) => f.remoteSecrets.filter((r) => r.syncStatus !== undefined && r.syncStatus !== 'synced').map((r) => `${f.context}: ${r.clusterName} ${r.syncStatus}`));
    if (waiting.length === 0) return true;
    deps.onProgress?.(`Waiting for istiod to sync (${waiting.join(', ')})`);
    return undefined;
  }, deps.syncWaitMs ?? 60_000, deps.pollIntervalMs ?? 2000, deps.signal);
  return read;
}

async function withSyncState(m: MeshMember, facts: ClusterFacts, deps: MeshDeps): Promise<ClusterFacts> {
  if (!m.syncState || facts.remoteSecrets.length === 0) return facts;
  try {
    const state = await m.syncState(deps.signal);
    return { ...facts, remoteSecrets: facts.remoteSecrets.map((r) => ({ ...r, syncStatus: state(r.clusterName) })) };
  } catch (err) {
    deps.log.info(`multi-cluster: istiod's sync state in "${facts.context}" is unknown: ${errorMessage(err)}`);
    return facts;
  }
}

function finish(steps: readonly Step[], error: string | undefined, cancelled: boolean): MeshRunReport {
  return { steps: steps.map(({ context, step, status, detail }) => ({ context, step, status, detail })), error, cancelled };
}

function planSteps(plan: MeshPlan, root: RootCa | undefined, deps: MeshDeps): Step[] {
  const steps: Step[] = [];
  const add = (context: string, step: string, action: () => Promise<StepStatus>) => steps.push({ context, step, status: 'not run', action });
  const primaries = plan.clusters.filter((c) => c.choice.role === 'primary');
  // Every CA first: an istiod started before its cacerts exists signs with a self-signed root.
  for (const c of primaries) {
    const { cluster } = member(deps, c.choice.context);
    add(c.choice.context, `namespace ${IstioSystemNamespace} with ${NetworkLabel}=${c.choice.network}`, async () => {
      await cluster.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: IstioSystemNamespace, labels: { [NetworkLabel]: c.choice.network } } }, deps.signal);
      return 'done';
    });
    add(c.choice.context, `Secret ${IstioSystemNamespace}/cacerts`, async () => {
      if (c.cacerts === 'keep') return 'kept';
      await cluster.apply(cacertsSecret(root!, issueIntermediate(root!, c.choice.clusterName)), deps.signal);
      return 'done';
    });
  }
  for (const c of primaries) {
    add(c.choice.context, 'istioctl install and wait for istiod', async () => {
      await executeInstall(c.install!, flowDeps(deps, c.choice.context));
      return 'done';
    });
  }
  const secrets = new Map<string, Promise<Record<string, unknown>>>();
  const secretOf = (remote: string) => {
    const name = plan.clusters.find((c) => c.choice.context === remote)!.choice.clusterName;
    let made = secrets.get(remote);
    if (!made) secrets.set(remote, (made = createRemoteSecret(name, member(deps, remote).target, deps)));
    return made;
  };
  for (const [local, remote] of plan.links) {
    add(local, `remote secret for "${remote}"`, async () => {
      await member(deps, local).cluster.apply((await secretOf(remote)) as Parameters<InstallCluster['apply']>[0], deps.signal);
      return 'done';
    });
  }
  return steps;
}

/** Runs `istioctl create-remote-secret` for the cluster of `remote`; its output (a token) goes nowhere but the Secret. */
async function createRemoteSecret(clusterName: string, remote: ClusterTarget, deps: MeshDeps): Promise<Record<string, unknown>> {
  const run = deps.run ?? runProcess;
  const result = await run(deps.istioctlPath, createRemoteSecretArgs(clusterName, remote), { signal: deps.signal });
  if (result.cancelled) throw new InstallError('cancelled', 'Cancelled while creating a remote secret.');
  if (result.exitCode !== 0) {
    const why = result.stderr.trim().split('\n').filter((l) => l.trim() !== '').pop() ?? `exit code ${result.exitCode}`;
    throw new Error(`istioctl create-remote-secret --context ${remote.context} failed: ${why}`);
  }
  return remoteSecretObject(await parseManifest(result.stdout), clusterName);
}

/** Lines for the user: each step of each context with its outcome, then the findings. */
export function describeReport(report: MeshRunReport): string[] {
  const lines = report.steps.map((s) => `"${s.context}": ${s.step}: ${s.status}${s.detail ? ` (${s.detail})` : ''}`);
  if (report.findings) {
    lines.push(report.findings.length ? `Mesh checks: ${report.findings.length} finding(s):` : 'Mesh checks: no problem found across the clusters.');
    lines.push(...report.findings.map((f) => `  ${f.severity}: ${f.message} Fix: ${f.fix}`));
  }
  return lines;
}

export interface UnlinkReport {
  /** `<context>: <namespace>/<name>` of each Secret deleted. */
  readonly removed: readonly string[];
  /** Secrets that also hold other clusters: left as they are. */
  readonly left: readonly string[];
}

/**
 * Removes the link between two clusters both ways: in each, the remote secrets for the other (found by the other's
 * cluster ID or API server). Istio itself, `cacerts` and the other's reader service account stay.
 */
export async function unlinkClusters(a: string, b: string, deps: MeshDeps): Promise<UnlinkReport> {
  const removed: string[] = [];
  const left: string[] = [];
  const names = new Map<string, string>();
  for (const ctx of [a, b]) {
    const m = member(deps, ctx);
    names.set(ctx, (await readClusterFacts(m.cluster, m.server, deps.signal)).facts.clusterName ?? '');
  }
  for (const [local, remote] of [[a, b], [b, a]]) {
    const { cluster } = member(deps, local);
    const secrets = await cluster.list('v1', 'Secret', { namespace: IstioSystemNamespace, labelSelector: `${MultiClusterSecretLabel}=true` }, deps.signal);
    const targets = unlinkTargets(secrets as SecretLike[], { clusterName: names.get(remote)!, server: member(deps, remote).server });
    for (const name of targets.remove) {
      deps.onProgress?.(`"${local}": deleting Secret ${IstioSystemNamespace}/${name}`);
      if (await cluster.delete('v1', 'Secret', name, IstioSystemNamespace)) removed.push(`"${local}": ${IstioSystemNamespace}/${name}`);
    }
    left.push(...targets.shared.map((name) => `"${local}": ${IstioSystemNamespace}/${name}`));
  }
  deps.log.info(`unlink "${a}" ↔ "${b}": removed ${removed.join(', ') || 'nothing'}${left.length ? `; left (they hold other clusters too): ${left.join(', ')}` : ''}`);
  return { removed, left };
}
