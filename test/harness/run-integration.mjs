#!/usr/bin/env node
// The integration tier (`npm run test:integration`): the mocha suites of test/integration run inside
// a real VS Code extension host, once per VS Code version (oldest supported and newest), through
// @vscode/test-electron's runTests with our launcher as the "VS Code executable". The testbed
// cluster (with Istio) is started once for all versions and its KUBECONFIG reaches the host.
// Each version runs twice: alone (test/integration/ but companions/), then "with companions": the stand-ins of
// Red Hat YAML and the Kubernetes extension (test/companions/) installed beside it, running test/integration/companions/;
// then "multicluster": test/integration/multicluster/ against a two-cluster mesh testbed (testbed/mesh.mjs, started
// for each such run and stopped after it), whose kubeconfig holds both contexts.
//
//   node test/harness/run-integration.mjs [--vscode 1.100.3] [--grep TEXT] [--no-cluster] [--run alone|companions|multicluster]
import { runTests } from '@vscode/test-electron';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startTestCluster, startTestMesh } from './cluster.mjs';
import { packStandIns } from './companions.mjs';
import { cleanupAll, run } from './processes.mjs';
import { VSCODE_VERSIONS, ensureVSCode } from './setup.mjs';
import { createProfile, installExtension } from './vscode-server.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url)).replace(/\/$/, '');
const launcher = fileURLToPath(new URL('./launcher.mjs', import.meta.url));

async function main() {
  const { values } = parseArgs({
    options: {
      vscode: { type: 'string', multiple: true },
      grep: { type: 'string' },
      'no-cluster': { type: 'boolean', default: false },
      run: { type: 'string', multiple: true },
    },
  });
  const versions = values.vscode ?? Object.keys(VSCODE_VERSIONS);
  const runs = values.run ?? ['alone', 'companions', 'multicluster'];
  const unknown = runs.filter((r) => r !== 'alone' && r !== 'companions' && r !== 'multicluster');
  if (unknown.length) throw new Error(`unknown --run ${unknown.join(', ')}: alone, companions or multicluster`);
  const installed = {};
  for (const version of versions) installed[version] = await ensureVSCode(version);
  await run(process.execPath, [join(root, 'scripts', 'build.mjs')], { cwd: root });
  const standIns = runs.includes('companions') ? await packStandIns() : [];
  const cluster = runs.some((r) => r !== 'multicluster') ? await startTestCluster('run-integration', { cluster: !values['no-cluster'] }) : { env: {} };
  // Two more control planes, started only when their run comes, for each version afresh: its suite stops an API server.
  let mesh;

  const outcomes = [];
  for (const version of versions) for (const which of runs) {
    const companions = which === 'companions';
    const multicluster = which === 'multicluster';
    if (multicluster) mesh = await startTestMesh('run-integration-mesh', { cluster: !values['no-cluster'] });
    console.log(`\n=== integration tests on VS Code ${version}${companions ? ', with companions (stand-ins, not the real extensions)' : multicluster ? ', two clusters' : ''} ===`);
    const profile = createProfile('istio-mesh-integration-');
    for (const vsix of companions ? standIns : []) await installExtension(installed[version], profile, vsix);
    const started = Date.now();
    let passed = true;
    try {
      await runTests({
        vscodeExecutablePath: launcher,
        extensionDevelopmentPath: root,
        extensionTestsPath: join(root, 'out', 'test', 'integration', 'index'),
        launchArgs: [profile.workspace, `--user-data-dir=${profile.userDataDir}`, `--extensions-dir=${profile.extensionsDir}`],
        extensionTestsEnv: {
          ...(multicluster ? mesh.env : cluster.env),
          ...(multicluster ? { ISTIO_MESH_MULTICLUSTER: '1' } : {}),
          ISTIO_MESH_VSCODE_VERSION: version,
          ...(companions ? { ISTIO_MESH_COMPANIONS: '1' } : {}),
          ...(values.grep ? { ISTIO_MESH_TEST_GREP: values.grep } : {}),
        },
      });
    } catch {
      passed = false; // runTests already printed the exit code; the launcher printed the results
    }
    profile.dispose();
    if (multicluster) await mesh.stop();
    outcomes.push({ version: `${version}${companions ? ' with companions' : multicluster ? ' with two clusters' : ''}`, passed, seconds: (Date.now() - started) / 1000 });
  }
  console.log('\nintegration tier:');
  for (const o of outcomes) console.log(`  VS Code ${o.version}: ${o.passed ? 'passed' : 'FAILED'} in ${o.seconds.toFixed(1)} s`);
  return outcomes.every((o) => o.passed) ? 0 : 1;
}

let code = 1;
try {
  code = await main();
} catch (error) {
  console.error(`integration tier failed: ${error.message}`);
} finally {
  await cleanupAll();
}
process.exit(code);
