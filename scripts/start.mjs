#!/usr/bin/env node
// `npm start`: builds the extension, starts the local testbed cluster with Istio when the testbed is
// there (else the extension uses your current kubeconfig context), starts the VS Code server on
// 127.0.0.1 and prints the URL that opens VS Code in a browser with the extension loaded from this
// folder (development mode). Ctrl+C stops everything it started.
//
//   node scripts/start.mjs [--vscode 1.139.1|1.100.3] [--folder DIR] [--no-testbed]
import { cpSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startTestCluster } from '../test/harness/cluster.mjs';
import { cleanupAll, run } from '../test/harness/processes.mjs';
import { NEWEST, ensureVSCode } from '../test/harness/setup.mjs';
import { createProfile, startServer, workbenchUrl } from '../test/harness/vscode-server.mjs';

const root = fileURLToPath(new URL('..', import.meta.url)).replace(/\/$/, '');

/** The testbed cluster with Istio, or the caller's own kubeconfig when there is no testbed. */
async function clusterEnv(useTestbed) {
  if (!useTestbed) return {};
  if (!existsSync(join(root, 'testbed', 'lib.mjs'))) {
    console.log('start: no testbed in this checkout; the extension uses your current kubeconfig context');
    return {};
  }
  try {
    return (await startTestCluster('run-start')).env;
  } catch (error) {
    console.log(`start: ${error.message}\nstart: going on with your current kubeconfig context instead`);
    return {};
  }
}

async function main() {
  const { values } = parseArgs({
    options: { vscode: { type: 'string', default: NEWEST }, folder: { type: 'string' }, 'no-testbed': { type: 'boolean', default: false } },
  });
  await run(process.execPath, [join(root, 'scripts', 'build.mjs')], { cwd: root });
  const vscode = await ensureVSCode(values.vscode);
  const env = await clusterEnv(!values['no-testbed']);
  const profile = createProfile('istio-mesh-start-');
  let folder = values.folder && resolve(values.folder);
  if (!folder) {
    folder = profile.workspace; // a scratch folder with a sample to try the YAML checks on
    cpSync(join(root, 'media', 'walkthrough', 'sample.yaml'), join(folder, 'sample.yaml'));
  }
  const server = await startServer(vscode, profile, env);
  const url = workbenchUrl(server, folder, { extensionDevelopmentPath: root });
  console.log(`
Istio Mesh is running in VS Code ${vscode.version}${env.KUBECONFIG ? ` against the testbed (KUBECONFIG=${env.KUBECONFIG})` : ''}.
Open this URL in a browser on this machine:

  ${url}

After a rebuild (npm run build), run "Developer: Reload Window" in VS Code.
Server log: ${server.logFile}
Press Ctrl+C to stop.`);
  await new Promise(() => {}); // until Ctrl+C: the signal handler cleans up and exits
}

main().catch(async (error) => {
  console.error(`start: ${error.message}`);
  await cleanupAll();
  process.exit(1);
});
