// Wall time of installing Istio through the extension's install module against a plain
// `istioctl install` with the same options, in the same run, on an own bare testbed.
//
//   npm run bench -- install -- [--rounds 3] [--profile minimal] [--json FILE]
//
// Each round: plain istioctl install, purge, extension install (istioctl + applied objects +
// verification), purge; the order alternates between rounds so neither side always runs on a
// warmer cluster. "extension" excludes the checks before the confirmation (precheck, plan); they
// are reported separately as "precheck". Target: extension / plain < 1.1.
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { installArgs, uninstallArgs, type ClusterTarget } from '../src/install/args';
import { installClusterFrom } from '../src/install/installClusterAdapter';
import { executeInstall, inspectCluster, type FlowDeps } from '../src/install/installer';
import { DEFAULT_OPTIONS, PROFILES, type InstallOptions, type Profile } from '../src/install/options';
import { buildPlan } from '../src/install/plan';
import { silentLogger } from '../src/util/log';
import { median, medians, run, runBench, seconds, withOwnTestbed } from './ownTestbed';
import { recordResult } from './results.mjs';

const istioctl = (exe: string, args: string[]) => run(exe, args).then(() => undefined);

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '3' }, profile: { type: 'string', default: 'minimal' }, json: { type: 'string' } } });
const rounds = Number(values.rounds);
const profile = values.profile as Profile;
if (!PROFILES.includes(profile)) throw new Error(`--profile must be one of ${PROFILES.join(', ')}`);

runBench(() => withOwnTestbed([], async ({ env, client }) => {
  const exe = env.ISTIO_MESH_TESTBED_ISTIOCTL;
  const target: ClusterTarget = { kubeconfig: env.KUBECONFIG, context: env.ISTIO_MESH_TESTBED_CONTEXT };
  const options: InstallOptions = { ...DEFAULT_OPTIONS, profile, setValues: env.ISTIO_MESH_TESTBED_ISTIO_SETS.split(' ').filter(Boolean) };
  const deps: FlowDeps = { cluster: installClusterFrom(client), istioctlPath: exe, log: silentLogger, pollIntervalMs: 100 };
  const purge = () => istioctl(exe, uninstallArgs({ kind: 'purge' }, target));
  const results: { round: number; plainMs: number; extensionMs: number; precheckMs: number }[] = [];

  for (let round = 1; round <= rounds; round++) {
    let plainMs = 0;
    let extensionMs = 0;
    let precheckMs = 0;
    const plain = async () => {
      const t0 = performance.now();
      await istioctl(exe, installArgs(options, target));
      plainMs = performance.now() - t0;
      await purge();
    };
    const extension = async () => {
      const t0 = performance.now();
      const i = await inspectCluster(deps, options, target);
      const plan = buildPlan({ target, istioctlPath: exe, istioctlVersion: i.istioctlVersion, options, existing: i.existing, lastApplied: i.lastApplied, findings: i.findings });
      const t1 = performance.now();
      await executeInstall(plan, deps);
      extensionMs = performance.now() - t1;
      precheckMs = t1 - t0;
      await purge();
    };
    if (round % 2 === 1) {
      await plain();
      await extension();
    } else {
      await extension();
      await plain();
    }
    results.push({ round, plainMs, extensionMs, precheckMs });
    console.log(`round ${round}: plain istioctl ${(plainMs / 1000).toFixed(2)} s, extension ${(extensionMs / 1000).toFixed(2)} s (ratio ${(extensionMs / plainMs).toFixed(3)}), precheck+plan ${(precheckMs / 1000).toFixed(2)} s`);
  }
  const { extensionMedianMs, baselineMedianMs, ratio } = medians(results, (r) => r.extensionMs, (r) => r.plainMs);
  const summary = {
    profile,
    rounds,
    plainMedianMs: baselineMedianMs,
    extensionMedianMs,
    precheckMedianMs: Math.round(median(results.map((r) => r.precheckMs))),
    ratio,
    target: 1.1,
    results,
  };
  console.log(`install bench (${profile}, ${rounds} rounds): plain ${summary.plainMedianMs} ms, extension ${summary.extensionMedianMs} ms, ratio ${summary.ratio} (target < 1.1); precheck+plan ${summary.precheckMedianMs} ms`);
  if (values.json) writeFileSync(values.json, JSON.stringify(summary, null, 2));
  console.log(`recorded for the README: ${recordResult('install', [
    { what: `Install (profile ${profile}, same options)`, ours: `${seconds(extensionMedianMs)} (median of ${rounds})`, baseline: `\`istioctl install\`: ${seconds(baselineMedianMs)} (${ratio}x)` },
  ], summary)}`);
}));
