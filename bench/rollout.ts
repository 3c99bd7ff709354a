// Wall time of restarting 50 Deployments in one injected namespace until all are rolled out: through the
// extension's injection module against `kubectl rollout restart` + `kubectl rollout status`, in the same
// run, on an own testbed with Istio. Also shows that restart requests ran concurrently within the bound.
//
//   npm run bench -- rollout -- [--deployments 50] [--rounds 3] [--concurrency 8] [--json FILE]
//
// Rounds alternate which side goes first so neither always meets a warmer cluster. Target: extension /
// kubectl < 1.1.
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Kinds } from '../src/cluster/kinds';
import type { Pod } from '../src/cluster/types';
import { rolloutClusterFrom } from '../src/injection/rolloutClusterAdapter';
import { isLive } from '../src/istio/pods';
import { restartWorkloads } from '../src/injection/rollout';
import type { WorkloadRef } from '../src/injection/workloads';
import { deployment, namespace } from '../test/builders/kube';
import { medians, run, runBench, seconds, withOwnTestbed } from './ownTestbed';
import { recordResult } from './results.mjs';

const { values } = parseArgs({
  options: { deployments: { type: 'string', default: '50' }, rounds: { type: 'string', default: '3' }, concurrency: { type: 'string', default: '8' }, json: { type: 'string' } },
});
const count = Number(values.deployments);
const rounds = Number(values.rounds);
const concurrency = Number(values.concurrency);

runBench(() => withOwnTestbed(['--istio'], async ({ env, client }) => {
  const kubectl = env.ISTIO_MESH_TESTBED_KUBECTL || 'kubectl';
  const ns = 'bench-rollout';
  const kube = (...args: string[]) => run(kubectl, [`--kubeconfig=${env.KUBECONFIG}`, `--context=${env.ISTIO_MESH_TESTBED_CONTEXT}`, '-n', ns, ...args]);
  await client.create(namespace(ns, { 'istio-injection': 'enabled' }));
  const refs: WorkloadRef[] = [];
  for (let i = 0; i < count; i++) {
    const name = `web-${String(i).padStart(2, '0')}`;
    await client.create(deployment(name, { namespace: ns, replicas: 1, labels: { bench: 'rollout' } }));
    refs.push({ kind: 'Deployment', namespace: ns, name });
  }
  await kube('rollout', 'status', 'deployment', '-l', 'bench=rollout', '--timeout=5m');
  const cluster = rolloutClusterFrom(client);
  const results: { round: number; kubectlMs: number; extensionMs: number; maxInFlight: number }[] = [];
  for (let round = 1; round <= rounds; round++) {
    let kubectlMs = 0;
    let extensionMs = 0;
    let maxInFlight = 0;
    const viaKubectl = async () => {
      const t0 = performance.now();
      await kube('rollout', 'restart', 'deployment', '-l', 'bench=rollout');
      await kube('rollout', 'status', 'deployment', '-l', 'bench=rollout', '--timeout=10m');
      kubectlMs = performance.now() - t0;
    };
    const viaExtension = async () => {
      const t0 = performance.now();
      const report = await restartWorkloads(cluster, refs, { concurrency });
      extensionMs = performance.now() - t0;
      maxInFlight = report.maxInFlight;
      const failed = report.workloads.filter((w) => w.phase !== 'ready');
      if (failed.length) throw new Error(`${failed.length} rollouts did not finish: ${failed[0].message}`);
    };
    // restartedAt has second precision: a restart in the same second as the previous one would be a no-op.
    const nextSecond = () => new Promise((r) => setTimeout(r, 1000 - (Date.now() % 1000) + 10));
    if (round % 2 === 1) { await viaKubectl(); await nextSecond(); await viaExtension(); }
    else { await viaExtension(); await nextSecond(); await viaKubectl(); }
    await nextSecond();
    results.push({ round, kubectlMs, extensionMs, maxInFlight });
    console.log(`round ${round}: kubectl ${(kubectlMs / 1000).toFixed(2)} s, extension ${(extensionMs / 1000).toFixed(2)} s (ratio ${(extensionMs / kubectlMs).toFixed(3)}), restarts in flight at most ${maxInFlight} (bound ${concurrency})`);
  }
  const pods = (await client.list<Pod>(Kinds.Pod, { namespace: ns })).items.filter(isLive);
  const injected = pods.filter((p) => p.spec.containers.some((c) => c.name === 'istio-proxy') || p.spec.initContainers?.some((c) => c.name === 'istio-proxy')).length;
  const { extensionMedianMs, baselineMedianMs, ratio } = medians(results, (r) => r.extensionMs, (r) => r.kubectlMs);
  const summary = {
    deployments: count,
    rounds,
    concurrency,
    kubectlMedianMs: baselineMedianMs,
    extensionMedianMs,
    ratio,
    maxInFlight: Math.max(...results.map((r) => r.maxInFlight)),
    podsWithSidecar: `${injected}/${pods.length}`,
    target: 1.1,
    results,
  };
  console.log(`rollout bench (${count} deployments, ${rounds} rounds): kubectl ${summary.kubectlMedianMs} ms, extension ${summary.extensionMedianMs} ms, ratio ${summary.ratio} (target < 1.1); restarts in flight at most ${summary.maxInFlight} (bound ${concurrency}); pods with sidecar ${summary.podsWithSidecar}`);
  if (values.json) writeFileSync(values.json, JSON.stringify(summary, null, 2));
  console.log(`recorded for the README: ${recordResult('rollout', [
    { what: `Restart of ${count} Deployments until rolled out`, ours: `${seconds(extensionMedianMs, 1)} (median of ${rounds})`, baseline: `\`kubectl rollout restart\` + \`rollout status\`: ${seconds(baselineMedianMs, 1)} (${ratio}x)` },
  ], summary)}`);
}));
