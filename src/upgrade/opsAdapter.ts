/**
 * The upgrade's port over the flows that already exist: the install flow (plan → istioctl install → verify), the
 * tag flow (plan → istioctl tag set → verify the webhook), the injection label change and the rollout restart, the
 * uninstall with its usage read. Every call goes to one context; istioctl gets it explicitly.
 */
import type { ClusterTarget } from '../install/args';
import { precheckArgs, type UninstallScope } from '../install/args';
import { executeInstall, executeUninstall, listControlPlanes, type FlowDeps } from '../install/installer';
import { DEFAULT_OPTIONS } from '../install/options';
import { buildPlan } from '../install/plan';
import { checkPermissions, parsePrecheckOutput } from '../install/precheck';
import { runProcess } from '../install/process';
import { executeTagPlan, planTagSet } from '../install/tags';
import { listRevisionTags, namespacesMatching, revisionUsers, tagUserSelectors } from '../install/usage';
import type { InjectionChange } from '../injection/labels';
import { changeNamespaceInjection } from '../injection/namespaceChange';
import { restartWorkloads, type WorkloadRollout } from '../injection/rollout';
import type { RolloutCluster } from '../injection/rolloutCluster';
import { refOf, workloadLabel } from '../injection/workloads';
import { InjectionEnabled, InjectionLabel, IstioSystemNamespace, RevisionLabel } from '../istio/names';
import type { UpgradeOps } from './ops';
import type { PodRevisionSource } from './verify';

export interface UpgradeOpsInput {
  /** The install flow's dependencies (cluster, istioctl, log, progress, signal are passed per call). */
  readonly deps: FlowDeps;
  readonly target: ClusterTarget;
  readonly rollouts: RolloutCluster;
  readonly pods: PodRevisionSource;
  /** The version istioctl installs: the new revision's. */
  readonly istioctlVersion: string;
  /** `istio.restart.concurrency`. */
  readonly restartConcurrency: number;
  readonly onRollout?: (state: WorkloadRollout) => void;
}

/** The injection a namespace has now, as the label change that would restore it. */
export function injectionFromLabels(labels: Readonly<Record<string, string>>): InjectionChange {
  if (labels[InjectionLabel] === InjectionEnabled) return { mode: 'default' };
  if (labels[RevisionLabel]) return { mode: 'revision', revision: labels[RevisionLabel] };
  return { mode: 'disabled' };
}

export function upgradeOpsFrom(input: UpgradeOpsInput): UpgradeOps {
  const { deps, target, rollouts } = input;
  const cluster = deps.cluster;
  const withSignal = (signal?: AbortSignal): FlowDeps => ({ ...deps, signal });
  return {
    context: target.context,
    podRevisions: (namespaces) => input.pods.podRevisions(namespaces),
    async precheck(fromVersion, signal) {
      const run = deps.run ?? runProcess;
      const [permissions, result] = await Promise.all([
        checkPermissions(cluster, IstioSystemNamespace),
        run(deps.istioctlPath, precheckArgs('', target, fromVersion), { signal }),
      ]);
      if (result.cancelled) throw new Error('The precheck was cancelled.');
      return [...permissions, ...parsePrecheckOutput(result.exitCode, result.stdout, result.stderr)];
    },
    revisions: (signal) => listControlPlanes(cluster, signal),
    tags: (signal) => listRevisionTags(cluster, signal),
    async install(revision, signal) {
      // The canary is istiod alone (profile minimal): gateways stay on their revision until moved on purpose.
      const options = { ...DEFAULT_OPTIONS, profile: 'minimal' as const, revision };
      const plan = buildPlan({ target, istioctlPath: deps.istioctlPath, istioctlVersion: input.istioctlVersion, options, existing: await listControlPlanes(cluster, signal), findings: [] });
      deps.log.info(`running: ${plan.commandLine}`);
      await executeInstall(plan, withSignal(signal));
    },
    async setTag(tag, revision, signal) {
      const tags = await listRevisionTags(cluster, signal);
      if (tags.find((t) => t.name === tag)?.revision === revision) return;
      const plan = planTagSet({
        tag, revision, revisions: await listControlPlanes(cluster, signal), tags,
        users: await namespacesMatching(cluster, tagUserSelectors(tag), signal), target, istioctlPath: deps.istioctlPath,
      });
      if ('refused' in plan) throw new Error(plan.refused);
      await executeTagPlan(plan, withSignal(signal));
    },
    injectionOf: async (namespace) => injectionFromLabels((await rollouts.getNamespace(namespace)).metadata?.labels ?? {}),
    async setInjection(namespace, change) {
      await changeNamespaceInjection(rollouts, namespace, change, { log: deps.log });
    },
    async restart(namespaces, signal) {
      const workloads = (await Promise.all(namespaces.map((ns) => rollouts.listWorkloads(ns)))).flat();
      const report = await restartWorkloads(rollouts, workloads.map(refOf), { concurrency: input.restartConcurrency, signal, log: deps.log, onUpdate: input.onRollout });
      if (report.cancelled) throw new Error('The restart was cancelled; restarts already sent continue in the cluster.');
      const failed = report.workloads.filter((w) => w.phase !== 'ready').map((w) => `${workloadLabel(w.ref)} in ${w.ref.namespace}: ${w.message}`);
      return { failed, restarted: report.workloads.length };
    },
    users: (revision, signal) => revisionUsers(cluster, { kind: 'revision', revision }, signal),
    uninstall: (revision, signal) => executeUninstall({ kind: 'revision', revision } satisfies UninstallScope, target, withSignal(signal)),
  };
}
