#!/usr/bin/env node
// `npm run bench`: every benchmark of the project, one after the other, each printing its figures and its
// ratios against a baseline measured in the same run. Figures are printed, never asserted.
//
//   node bench/run.mjs [yaml] [activation] [mesh] [rollout] [install]     (default: all, in this order)
//
// Each benchmark that needs a cluster starts its own testbed (testbed/), so they never share state.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const root = fileURLToPath(new URL('..', import.meta.url));
const tsx = ['--import', 'tsx'];

/** name → how to run it (node arguments), and what it measures. */
const BENCHES = {
  yaml: { args: [join('bench', 'yaml.mjs')], what: 'YAML checks on 1,000 documents vs yaml-language-server alone and istioctl analyze' },
  activation: { args: [...tsx, join('bench', 'activation.ts')], what: 'activate time, first level of the view and .vsix size vs an empty extension, in VS Code' },
  mesh: { args: [join('bench', 'mesh.mjs')], what: 'mesh view on 200 namespaces / 5,000 pods vs one raw list', cluster: true },
  rollout: { args: [...tsx, join('bench', 'rollout.ts')], what: 'restart of 50 deployments vs kubectl rollout restart + status' },
  install: { args: [...tsx, join('bench', 'install.ts')], what: 'install through the extension vs plain istioctl install' },
};

const wanted = process.argv.slice(2);
for (const name of wanted) if (!(name in BENCHES)) {
  console.error(`bench: unknown benchmark "${name}"; known: ${Object.keys(BENCHES).join(', ')}`);
  process.exit(2);
}

/** The mesh benchmark reads KUBECONFIG: give it a testbed of its own with Istio. */
async function withCluster(name, fn) {
  const { up, down } = await import(new URL('../testbed/lib.mjs', import.meta.url).href);
  const { cacheRoot } = await import(new URL('../testbed/util.mjs', import.meta.url).href);
  const dir = join(cacheRoot(), `run-bench-${name}`);
  await down({ dir, log: () => {} });
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
  const runIt = (env = {}) => spawnSync(process.execPath, bench.args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } }).status;
  let status;
  try {
    status = bench.cluster ? await withCluster(name, runIt) : runIt();
  } catch (error) {
    console.error(`bench ${name}: ${error.message}`);
    status = 1;
  }
  results.push({ name, ok: status === 0, seconds: (Date.now() - started) / 1000 });
}

console.log('\nbenchmarks:');
for (const r of results) console.log(`  ${r.name.padEnd(10)} ${r.ok ? 'done' : 'FAILED'} in ${r.seconds.toFixed(0)} s`);
process.exit(results.every((r) => r.ok) ? 0 : 1);
