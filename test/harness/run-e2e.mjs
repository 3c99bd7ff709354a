#!/usr/bin/env node
// The end-to-end tier (`npm run test:e2e`): packages the .vsix, installs it into the VS Code server
// of code-server, starts the server (with the testbed cluster's KUBECONFIG) and runs the mocha
// specs test/e2e/*.e2e.ts, which drive headless chromium through test/e2e/workbench.ts.
// Screenshots land in test-output/screenshots/ (ignored by git): a test run leaves the checkout clean.
// `npm run screenshots` runs the same tier with `--screenshots media/screenshots` to refresh the README's pictures.
//
// With `--clusters 2` it runs test/e2e/multicluster.e2e.ts alone, against a two-cluster mesh testbed; without, every
// other spec against one cluster.
//
//   node test/harness/run-e2e.mjs [--vscode 1.139.1] [--grep TEXT] [--no-cluster] [--screenshots DIR] [--clusters 2]
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startTestCluster, startTestMesh } from './cluster.mjs';
import { cleanupAll, run } from './processes.mjs';
import { NEWEST, ensureVSCode } from './setup.mjs';
import { createProfile, installExtension, startServer } from './vscode-server.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url)).replace(/\/$/, '');
const require = createRequire(import.meta.url);

async function main() {
  const { values } = parseArgs({
    options: {
      vscode: { type: 'string', default: NEWEST },
      grep: { type: 'string' },
      'no-cluster': { type: 'boolean', default: false },
      screenshots: { type: 'string', default: join('test-output', 'screenshots') },
      clusters: { type: 'string', default: '1' },
    },
  });
  const started = Date.now();
  const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
  const vscode = await ensureVSCode(values.vscode);
  const profile = createProfile('istio-mesh-e2e-');
  // The .vsix goes to the run's temp dir: out/ is rebuilt (and wiped) by every build. `npm test`
  // has type-checked already; what is tested here is the bundle as users get it.
  const vsix = join(profile.root, 'istio-mesh.vsix');
  await run(process.execPath, [join(root, 'scripts', 'package.mjs'), '--out', vsix, '--no-typecheck'], { cwd: root });
  await installExtension(vscode, profile, vsix);
  console.log(`harness: packaged and installed the .vsix at ${elapsed()}`);
  if (values.clusters !== '1' && values.clusters !== '2') throw new Error(`--clusters ${values.clusters}: 1 or 2`);
  const two = values.clusters === '2';
  const cluster = two
    ? await startTestMesh('run-e2e-mesh', { cluster: !values['no-cluster'] })
    : await startTestCluster('run-e2e', { cluster: !values['no-cluster'] });
  const server = await startServer(vscode, profile, cluster.env);
  console.log(`\n=== end-to-end tests on VS Code ${vscode.version} (${server.origin}, server up at ${elapsed()}) ===`);

  const specs = readdirSync(join(root, 'test', 'e2e')).filter((f) => f.endsWith('.e2e.ts') && (f === 'multicluster.e2e.ts') === two)
    .sort().map((f) => join('test', 'e2e', f));
  if (specs.length === 0) throw new Error('no specs in test/e2e/*.e2e.ts');
  const mocha = require.resolve('mocha/bin/mocha.js');
  try {
    await run(process.execPath, ['--import', 'tsx', mocha, '--ui', 'bdd', '--timeout', '120000', '--reporter', 'spec',
      ...(values.grep ? ['--grep', values.grep] : []), ...specs], {
      cwd: root,
      env: { ...process.env, ...cluster.env, ISTIO_MESH_E2E_URL: server.origin, ISTIO_MESH_SCREENSHOTS: resolve(root, values.screenshots) },
    });
    console.log(`screenshots: ${resolve(root, values.screenshots)}`);
    return 0;
  } catch {
    console.error(`--- VS Code server log (last lines) ---\n${server.logTail()}`);
    return 1;
  } finally {
    console.log(`end-to-end tier: ${elapsed()} in all`);
  }
}

let code = 1;
try {
  code = await main();
} catch (error) {
  console.error(`end-to-end tier failed: ${error.message}`);
} finally {
  await cleanupAll();
}
process.exit(code);
