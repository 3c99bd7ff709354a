#!/usr/bin/env node
// `npm start`: builds the extension, starts the VS Code server on 127.0.0.1 and prints the URL that opens VS Code in
// a browser with the extension loaded from this folder (development mode). Beside it, the local testbed cluster with
// Istio is built (a cold build takes about 18 minutes) and started; the terminal and the Mesh view show each step, and
// the view connects by itself when the cluster is up. YAML checks work from the first second. Without a testbed
// (or with --no-testbed) the extension uses your current kubeconfig context. Ctrl+C stops everything it started.
//
//   node scripts/start.mjs [--vscode 1.139.1|1.100.3] [--folder DIR] [--no-testbed]
import { cpSync, existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startLocalCluster } from '../test/harness/cluster.mjs';
import { cleanupAll, run } from '../test/harness/processes.mjs';
import { NEWEST, ensureVSCode } from '../test/harness/setup.mjs';
import { createProfile, startServer, workbenchUrl } from '../test/harness/vscode-server.mjs';

const root = fileURLToPath(new URL('..', import.meta.url)).replace(/\/$/, '');
const started = Date.now();
const elapsed = () => `${Math.round((Date.now() - started) / 1000)} s`;
const log = (message) => console.log(message);

/**
 * The local cluster, started in the background, and the server environment that points at it: the testbed's
 * kubeconfig first (it does not exist until the cluster's certificates are made) and then yours, so a testbed that
 * cannot start leaves your own contexts usable; its istioctl on PATH; the status file the view follows.
 */
async function localCluster(useTestbed, statusFile) {
  if (!useTestbed) return { env: {} };
  if (!existsSync(join(root, 'testbed', 'lib.mjs'))) {
    log('start: no testbed in this checkout; the extension uses your current kubeconfig context');
    return { env: {} };
  }
  const cluster = await startLocalCluster('run-start', { statusFile, log });
  const yours = process.env.KUBECONFIG || join(homedir(), '.kube', 'config');
  const settled = { done: false };
  cluster.ready.then(
    () => log(`\nstart: the local cluster is up after ${elapsed()}; the Mesh view connects by itself (KUBECONFIG=${cluster.kubeconfig})`),
    (error) => log(`\nstart: the local cluster did not start: ${error.message}\nstart: the extension uses your own kubeconfig contexts instead`),
  ).finally(() => (settled.done = true));
  return {
    settled,
    env: {
      KUBECONFIG: [cluster.kubeconfig, yours].join(delimiter),
      PATH: [cluster.toolsDir, process.env.PATH].join(delimiter),
      ISTIO_MESH_LOCAL_CLUSTER_STATUS: statusFile,
    },
  };
}

async function main() {
  const { values } = parseArgs({
    options: { vscode: { type: 'string', default: NEWEST }, folder: { type: 'string' }, 'no-testbed': { type: 'boolean', default: false } },
  });
  await run(process.execPath, [join(root, 'scripts', 'build.mjs')], { cwd: root });
  const profile = createProfile('istio-mesh-start-');
  // The cluster builds and starts while code-server is installed (first run) and the server starts.
  const { env, settled } = await localCluster(!values['no-testbed'], join(profile.root, 'local-cluster.json'));
  const vscode = await ensureVSCode(values.vscode);
  let folder = values.folder && resolve(values.folder);
  if (!folder) {
    folder = profile.workspace; // a scratch folder with a sample to try the YAML checks on
    cpSync(join(root, 'media', 'walkthrough', 'sample.yaml'), join(folder, 'sample.yaml'));
  }
  const server = await startServer(vscode, profile, env);
  const url = workbenchUrl(server, folder, { extensionDevelopmentPath: root });
  console.log(`
Istio Mesh is running in VS Code ${vscode.version} (ready after ${elapsed()}).
Open this URL in a browser on this machine:

  ${url}
${settled && !settled.done ? '\nThe local cluster with Istio is still being built or started (steps below); the Mesh view shows the step\nand connects by itself when it is up.\n' : ''}
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
