#!/usr/bin/env node
// `npm run bench`: every benchmark of the project, one after the other, each printing its figures and its
// ratios against a baseline measured in the same run. Figures are printed, never asserted.
//
//   node bench/run.mjs [yaml] [yaml-corpus] [activation] [view] [mesh] [mesh-clusters] [rollout] [install] [canary]     (default: all, in this order)
//
// Each benchmark that needs a cluster starts its own testbed (testbed/), so they never share state.
// TypeScript benchmarks are bundled with esbuild first, as the extension is, so client-node's lazy imports
// resolve the same way; extra arguments after `--` reach every benchmark run.
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * name → its entry file, what it measures, whether it reads the cluster of KUBECONFIG, and whether it runs under
 * tsx instead of as a bundle (the activation benchmark drives the test harness, whose modules find their files
 * from their own location).
 */
const BENCHES = {
  yaml: { entry: 'yaml.mjs', what: 'YAML checks on 1,000 documents vs yaml-language-server alone and istioctl analyze' },
  'yaml-corpus': { entry: 'yamlCorpus.ts', tsx: true, what: "lint over Istio's samples, manifests and analyzer testdata vs istioctl analyze and yaml-language-server alone" },
  activation: { entry: 'activation.ts', tsx: true, what: 'activate time, first level of the view and .vsix size vs an empty extension, in VS Code' },
  view: { entry: 'view.ts', tsx: true, what: 'the Mesh view on 200 namespaces / 5,000 pods in VS Code: first level, expanding, a 50-Deployment restart, memory vs an empty extension and one raw list' },
  mesh: { entry: 'mesh.ts', what: 'mesh view on 200 namespaces / 5,000 pods vs one raw list', cluster: true },
  'mesh-clusters': { entry: 'meshClusters.ts', what: 'mesh view across 2 clusters × 100 namespaces × 2,500 pods vs two raw lists in parallel, and one cluster alone' },
  rollout: { entry: 'rollout.ts', what: 'restart of 50 deployments vs kubectl rollout restart + status' },
  install: { entry: 'install.ts', what: 'install through the extension vs plain istioctl install' },
  canary: { entry: 'canary.ts', what: 'canary upgrade through the upgrade machine vs istioctl + kubectl by hand' },
};

const bundles = mkdtempSync(join(tmpdir(), 'istio-mesh-bench-build-'));

/** The node arguments that run a benchmark: `.mjs` as it is, `.ts` as an esbuild bundle. */
async function nodeArgs({ entry, tsx }) {
  if (entry.endsWith('.mjs')) return [join(root, 'bench', entry)];
  if (tsx) return ['--import', 'tsx', join(root, 'bench', entry)];
  const outfile = join(bundles, entry.replace(/\.ts$/, '.cjs'));
  await esbuild.build({
    entryPoints: [join(root, 'bench', entry)], outfile, bundle: true, platform: 'node', target: 'node20', format: 'cjs',
    mainFields: ['module', 'main'], external: ['vscode', 'playwright-core', 'esbuild'], logLevel: 'warning', sourcemap: 'inline',
  });
  // --expose-gc: the mesh benchmark collects garbage before it reads memory.
  return ['--enable-source-maps', '--expose-gc', outfile];
}

const dash = process.argv.indexOf('--');
const wanted = process.argv.slice(2, dash < 0 ? undefined : dash);
const passThrough = dash < 0 ? [] : process.argv.slice(dash + 1);
for (const name of wanted) if (!(name in BENCHES)) {
  console.error(`bench: unknown benchmark "${name}"; known: ${Object.keys(BENCHES).join(', ')}`);
  process.exit(2);
}

/** The mesh benchmark reads KUBECONFIG: give it a testbed of its own with Istio. */
async function withCluster(name, fn) {
  const { up, down, runDir } = await import(new URL('../testbed/lib.mjs', import.meta.url).href);
  const dir = await runDir(`run-bench-${name}`, { log: () => {} });
  try {
    return fn(await up({ dir, istio: true, log: (m) => console.log(m) }));
  } finally {
    await down({ dir, log: () => {} });
  }
}

const results = [];
for (const [name, bench] of Object.entries(BENCHES)) {
  if (wanted.length > 0 && !wanted.includes(name)) continue;
  console.log(`\n=== bench ${name}: ${bench.what}`);
  const started = Date.now();
  let status;
  try {
    const args = [...(await nodeArgs(bench)), ...passThrough];
    const runIt = (env = {}) => spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } }).status;
    status = bench.cluster ? await withCluster(name, runIt) : runIt();
  } catch (error) {
    console.error(`bench ${name}: ${error.message}`);
    status = 1;
  }
  results.push({ name, ok: status === 0, seconds: (Date.now() - started) / 1000 });
}

console.log('\nbenchmarks:');
for (const r of results) console.log(`  ${r.name.padEnd(13)} ${r.ok ? 'done' : 'FAILED'} in ${r.seconds.toFixed(0)} s`);
process.exit(results.every((r) => r.ok) ? 0 : 1);
