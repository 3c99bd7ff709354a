// Wall time of a whole canary upgrade through the extension's upgrade machine against the same steps done by hand
// with istioctl + kubectl, in the same run, on an own testbed with Istio.
//
//   npm run bench -- canary -- [--rounds 3] [--deployments 5] [--replicas 2] [--json FILE]
//
// Each side gets its own tag (on `default`), namespace (labelled with the tag) and Deployments, all ready before the
// clock starts; then it moves them to a new revision:
//   extension: advance() from precheck to verify (precheck, install, ready, tag moved, restart, every pod verified);
//   by hand:   istioctl x precheck, install the revision, istioctl tag set --overwrite, kubectl rollout restart +
//              rollout status, kubectl get pods until every pod runs the new revision's proxy.
// The testbed's istiod runs as a local process, so "install the revision" is the testbed's install on both sides
// (istioctl install --revision + its istiod), as in test/cluster/canaryUpgrade.test.ts. The order alternates
// between rounds; the revision, tag and namespace are removed after each side. Target: extension / hand ≤ 1.1.
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import * as k8s from '@kubernetes/client-node';
import type { Pod } from '../src/cluster/types';
import { precheckArgs, tagRemoveArgs, tagSetArgs, uninstallArgs, type ClusterTarget } from '../src/install/args';
import { installClusterFrom } from '../src/install/installClusterAdapter';
import { istioctlClientVersion } from '../src/install/istioctl';
import { rolloutClusterFrom } from '../src/injection/rolloutClusterAdapter';
import { RevisionLabel } from '../src/istio/names';
import { advance } from '../src/upgrade/machine';
import { upgradeOpsFrom } from '../src/upgrade/opsAdapter';
import { currentStep, newUpgrade, type StepId, type UpgradeState } from '../src/upgrade/state';
import { podRevisionSource, podRevisionsOf, verifyPods } from '../src/upgrade/verify';
import { silentLogger } from '../src/util/log';
import { deployment, namespace } from '../test/cluster/support';
import { medians, run, runBench, seconds, testbed, withOwnTestbed } from './ownTestbed';
import { recordResult } from './results.mjs';

const { values } = parseArgs({ options: {
  rounds: { type: 'string', default: '3' }, deployments: { type: 'string', default: '5' }, replicas: { type: 'string', default: '2' }, json: { type: 'string' },
} });
const rounds = Number(values.rounds);
const deployments = Number(values.deployments);
const replicas = Number(values.replicas);

/** Polls without a fixed sleep budget: the condition decides, the timeout only stops a broken run. */
async function until<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 300_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

runBench(() => withOwnTestbed(['--istio'], async ({ env, dir, client }) => {
  const context = env.ISTIO_MESH_TESTBED_CONTEXT;
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(env.KUBECONFIG);
  kc.setCurrentContext(context);
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const apps = kc.makeApiClient(k8s.AppsV1Api);
  const istioctl = env.ISTIO_MESH_TESTBED_ISTIOCTL;
  const kubectl = env.ISTIO_MESH_TESTBED_KUBECTL;
  const target: ClusterTarget = { kubeconfig: env.KUBECONFIG, context };
  const kflags = [`--kubeconfig=${env.KUBECONFIG}`, `--context=${context}`];
  const version = await istioctlClientVersion(istioctl);
  const cluster = installClusterFrom(client);
  const rollouts = rolloutClusterFrom(client);
  const real = upgradeOpsFrom({
    deps: { cluster, istioctlPath: istioctl, log: silentLogger, pollIntervalMs: 250 }, target, rollouts,
    pods: podRevisionSource((ns) => rollouts.listPods(ns)), istioctlVersion: version, restartConcurrency: 4,
  });
  const installRevision = async (rev: string) => void (await testbed(['istio', '--revision', rev, '--dir', dir]));
  const ops = { ...real, install: installRevision };
  const onRevision = async (ns: string, rev: string) => {
    const pods = (JSON.parse(await run(kubectl, ['get', 'pods', '-n', ns, '-o', 'json', ...kflags])) as { items: Pod[] }).items;
    const v = verifyPods(podRevisionsOf(pods), rev);
    return v.total === deployments * replicas && v.stragglers.length === 0 ? v : undefined;
  };

  /** A tag on `default`, a namespace using it, Deployments whose pods all run the default revision's proxy. */
  const prepare = async (tag: string, ns: string) => {
    await real.setTag(tag, 'default');
    await core.createNamespace({ body: namespace(ns, { [RevisionLabel]: tag }) });
    for (let i = 0; i < deployments; i++) await apps.createNamespacedDeployment({ namespace: ns, body: deployment(`web-${i}`, ns, replicas) });
    await until(`pods of ${ns} on default`, () => onRevision(ns, 'default'));
  };
  const cleanUp = async (tag: string, ns: string, rev: string) => {
    await core.deleteNamespace({ name: ns });
    await until(`${ns} deleted`, () => core.readNamespace({ name: ns }).then(() => undefined, () => true));
    await run(istioctl, tagRemoveArgs(tag, target));
    await run(istioctl, uninstallArgs({ kind: 'revision', revision: rev }, target));
    await testbed(['istiod', '--stop', '--revision', rev, '--dir', dir]);
  };

  const extension = async (round: number) => {
    const [tag, ns, rev] = [`bx${round}`, `bench-ext-${round}`, `ext-${round}`];
    await prepare(tag, ns);
    const stepEnds: Partial<Record<StepId, number>> = {};
    const t0 = performance.now();
    const state: UpgradeState = await advance(
      newUpgrade({ context, from: { revision: 'default', version }, to: { revision: rev, version }, move: { kind: 'tag', tag, namespaces: [ns] } }),
      { ops, readyTimeoutMs: 300_000, verifyTimeoutMs: 300_000, pollIntervalMs: 250, log: silentLogger,
        save: (s) => { for (const [id, r] of Object.entries(s.steps)) if (r.status === 'done' && !stepEnds[id as StepId]) stepEnds[id as StepId] = performance.now() - t0; } },
    );
    const ms = performance.now() - t0;
    if (currentStep(state) !== 'uninstall') throw new Error(`the upgrade stopped before the uninstall step: ${JSON.stringify(state.steps)}`);
    if (!(await onRevision(ns, rev))) throw new Error(`extension side: pods of ${ns} are not all on ${rev}`);
    await cleanUp(tag, ns, rev);
    return { ms, stepEnds };
  };

  const byHand = async (round: number) => {
    const [tag, ns, rev] = [`bh${round}`, `bench-hand-${round}`, `hand-${round}`];
    await prepare(tag, ns);
    const t0 = performance.now();
    // istioctl x precheck exits non-zero when it reports findings: they are read, not a failure of the run.
    await run(istioctl, precheckArgs('', target, version)).catch(() => undefined);
    await installRevision(rev);
    await run(istioctl, tagSetArgs(tag, rev, true, target));
    await run(kubectl, ['rollout', 'restart', 'deployment', '-n', ns, ...kflags]);
    for (let i = 0; i < deployments; i++) await run(kubectl, ['rollout', 'status', `deployment/web-${i}`, '-n', ns, '--timeout=300s', ...kflags]);
    await until(`pods of ${ns} on ${rev}`, () => onRevision(ns, rev));
    const ms = performance.now() - t0;
    await cleanUp(tag, ns, rev);
    return { ms };
  };

  const results: { round: number; handMs: number; extensionMs: number; extensionSteps: Partial<Record<StepId, number>> }[] = [];
  for (let round = 1; round <= rounds; round++) {
    let handMs = 0;
    let ext = { ms: 0, stepEnds: {} as Partial<Record<StepId, number>> };
    if (round % 2 === 1) {
      handMs = (await byHand(round)).ms;
      ext = await extension(round);
    } else {
      ext = await extension(round);
      handMs = (await byHand(round)).ms;
    }
    results.push({ round, handMs, extensionMs: ext.ms, extensionSteps: ext.stepEnds });
    const steps = Object.entries(ext.stepEnds).map(([id, at]) => `${id} ${(at / 1000).toFixed(1)}`).join(', ');
    console.log(`round ${round}: by hand ${(handMs / 1000).toFixed(2)} s, extension ${(ext.ms / 1000).toFixed(2)} s (ratio ${(ext.ms / handMs).toFixed(3)}); extension steps done at (s): ${steps}`);
  }
  const { extensionMedianMs, baselineMedianMs, ratio } = medians(results, (r) => r.extensionMs, (r) => r.handMs);
  const summary = {
    rounds, deployments, replicas,
    handMedianMs: baselineMedianMs,
    extensionMedianMs,
    ratio,
    target: 1.1,
    results,
  };
  console.log(`canary bench (${deployments} Deployments × ${replicas} pods, ${rounds} rounds): by hand ${summary.handMedianMs} ms, extension ${summary.extensionMedianMs} ms, ratio ${summary.ratio} (target ≤ 1.1)`);
  if (values.json) writeFileSync(values.json, JSON.stringify(summary, null, 2));
  console.log(`recorded for the README: ${recordResult('canary', [
    { what: `Canary upgrade through a tag (${deployments} Deployments × ${replicas} pods): precheck to every pod verified`, ours: `${seconds(extensionMedianMs)} (median of ${rounds})`, baseline: `istioctl + kubectl by hand: ${seconds(baselineMedianMs)} (${ratio}x)` },
  ], summary)}`);
}));
