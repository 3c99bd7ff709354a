// Wall time of installing Istio through the extension's install module against a plain
// `istioctl install` with the same options, in the same run, on an own bare testbed.
//
//   npm run bench -- install -- [--rounds 3] [--profile minimal] [--json FILE]
//
// Each round: plain istioctl install, purge, extension install (istioctl + applied objects +
// verification), purge; the order alternates between rounds so neither side always runs on a
// warmer cluster. "extension" excludes the checks before the confirmation (precheck, plan); they
// are reported separately as "precheck". Target: extension / plain < 1.1.
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ClusterClient } from '../src/cluster/client';
import { installArgs, uninstallArgs, type ClusterTarget } from '../src/install/args';
import { installClusterFrom } from '../src/install/installClusterAdapter';
import { executeInstall, inspectCluster, type FlowDeps } from '../src/install/installer';
import { DEFAULT_OPTIONS, PROFILES, type InstallOptions, type Profile } from '../src/install/options';
import { buildPlan } from '../src/install/plan';
import { silentLogger } from '../src/util/log';
import { recordResult } from './results.mjs';

const cli = resolve(process.cwd(), 'testbed', 'testbed.mjs');

function testbed(args: string[]): Promise<string> {
  return new Promise((ok, fail) =>
    execFile(process.execPath, [cli, ...args], { maxBuffer: 16 << 20 }, (err, out, errOut) => (err ? fail(new Error(`${err.message}\n${errOut}`)) : ok(out))),
  );
}

function istioctl(exe: string, args: string[]): Promise<void> {
  return new Promise((ok, fail) => {
    const child = spawn(exe, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (c) => (err += c));
    child.on('close', (code) => (code === 0 ? ok() : fail(new Error(`istioctl ${args.join(' ')} exited ${code}: ${err.slice(-2000)}`))));
  });
}

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '3' }, profile: { type: 'string', default: 'minimal' }, json: { type: 'string' } } });
const rounds = Number(values.rounds);
const profile = values.profile as Profile;
if (!PROFILES.includes(profile)) throw new Error(`--profile must be one of ${PROFILES.join(', ')}`);

async function main(): Promise<void> {
  const dir = join(mkdtempSync(join(tmpdir(), 'istio-mesh-bench-')), 'testbed');
  const env = JSON.parse(await testbed(['up', '--json', '--dir', dir])) as Record<string, string>;
  const client = await ClusterClient.connect({ settingPath: env.KUBECONFIG, context: env.ISTIO_MESH_TESTBED_CONTEXT });
  try {
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
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const summary = {
      profile,
      rounds,
      plainMedianMs: Math.round(median(results.map((r) => r.plainMs))),
      extensionMedianMs: Math.round(median(results.map((r) => r.extensionMs))),
      precheckMedianMs: Math.round(median(results.map((r) => r.precheckMs))),
      ratio: Number((median(results.map((r) => r.extensionMs)) / median(results.map((r) => r.plainMs))).toFixed(3)),
      target: 1.1,
      results,
    };
    console.log(`install bench (${profile}, ${rounds} rounds): plain ${summary.plainMedianMs} ms, extension ${summary.extensionMedianMs} ms, ratio ${summary.ratio} (target < 1.1); precheck+plan ${summary.precheckMedianMs} ms`);
    if (values.json) writeFileSync(values.json, JSON.stringify(summary, null, 2));
    const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
    console.log(`recorded for the README: ${recordResult('install', [
      { what: `Install (profile ${profile}, same options)`, ours: `${s(summary.extensionMedianMs)} (median of ${rounds})`, baseline: `\`istioctl install\`: ${s(summary.plainMedianMs)} (${summary.ratio}x)` },
    ], summary)}`);
  } finally {
    client.dispose();
    await testbed(['down', '--dir', dir]).catch((e: Error) => console.error(e.message));
    rmSync(resolve(dir, '..'), { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
