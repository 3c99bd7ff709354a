// The one seam between the VS Code tiers and the local cluster (testbed/, issue 2): start a
// testbed with Istio in the tier's own state dir, hand its environment (KUBECONFIG,
// ISTIO_MESH_TESTBED_*) to the VS Code server, stop it at the end. A testbed that cannot start fails
// the tier with the testbed's own reason; it is never skipped silently.
import { existsSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { onCleanup } from './processes.mjs';

const LIB = fileURLToPath(new URL('../../testbed/lib.mjs', import.meta.url));
const MESH = fileURLToPath(new URL('../../testbed/mesh.mjs', import.meta.url));

/**
 * Starts the testbed with Istio in `<testbed cache>/<name>-<pid>` (e.g. "run-integration-4242") and returns
 * `{ env, stop() }`. `{ cluster: false }` (the `--no-cluster` flag) returns the current
 * environment instead, saying so loudly, for quick local runs of suites that need no cluster.
 */
export function startTestCluster(name, { cluster = true } = {}) {
  return startInRunDir(name, {
    cluster,
    withoutCluster: 'suites that need the testbed cluster will fail or use your current kubeconfig',
    up: (testbed, dir, log) => testbed.up({ dir, istio: true, log }),
    started: 'testbed with Istio',
    failed: 'the testbed cluster',
  });
}

/**
 * Starts a two-cluster mesh testbed (testbed/mesh.mjs: two control planes, one multi-primary Istio mesh, one kubeconfig
 * with contexts `istio-mesh-testbed-1` and `-2`) in `<testbed cache>/<name>-<pid>` and returns `{ env, stop() }`;
 * `env` is meshEnv()'s (KUBECONFIG, ISTIO_MESH_TESTBED_DIR, ISTIO_MESH_TESTBED_CONTEXTS, the tools).
 */
export function startTestMesh(name, { cluster = true } = {}) {
  return startInRunDir(name, {
    cluster,
    withoutCluster: 'the two-cluster suites will fail',
    up: async (testbed, dir, log) => (await import(MESH)).upMesh({ dir, clusters: 2, istio: true, log }),
    started: 'two-cluster mesh',
    failed: 'the two-cluster testbed',
  });
}

/**
 * The frame both share: this run's own dir (what runs killed hard left behind is cleared first), `up` in it, and a
 * `stop` that lib.mjs's `down` does for every testbed nested in the dir (both clusters of a mesh), also at exit.
 */
async function startInRunDir(name, { cluster, withoutCluster, up, started, failed }) {
  if (!cluster) {
    console.log(`harness: --no-cluster: ${withoutCluster}`);
    return { env: {}, stop: async () => {} };
  }
  if (!existsSync(LIB)) throw new Error(`the testbed (testbed/lib.mjs) is missing; it is needed for the cluster suites`);
  const testbed = await import(LIB);
  const log = (message) => console.log(message);
  const dir = await testbed.runDir(name, { log });
  const stop = () => testbed.down({ dir, log });
  onCleanup(stop);
  const t0 = Date.now();
  try {
    const env = await up(testbed, dir, log);
    console.log(`harness: ${started} up in ${((Date.now() - t0) / 1000).toFixed(1)} s (KUBECONFIG=${env.KUBECONFIG})`);
    return { env, stop };
  } catch (error) {
    throw new Error(`${failed} could not start: ${error.message}`);
  }
}

/**
 * For `npm start`: starts building and starting the testbed with Istio in the background and returns at once with
 * the kubeconfig it will write, the folder of its tools (istioctl, kubectl) and `ready`, which settles when it is up
 * (its environment) or failed. Each step is written to `statusFile` (`{state, text, step, total}`, replaced by a
 * rename) for the extension to show, and to `log`.
 */
export async function startLocalCluster(name, { statusFile, log }) {
  if (!existsSync(LIB)) throw new Error('the testbed (testbed/lib.mjs) is missing');
  const testbed = await import(LIB);
  const dir = await testbed.runDir(name, { log });
  onCleanup(() => testbed.down({ dir, log }));
  const write = (status) => {
    writeFileSync(`${statusFile}.tmp`, JSON.stringify(status));
    renameSync(`${statusFile}.tmp`, statusFile);
  };
  write({ state: 'starting', text: 'preparing', step: 0 });
  const onStep = ({ text, step, total }) => {
    write({ state: 'starting', text, step, total });
    log(`local cluster: ${text} (${step}/${total})`);
  };
  const ready = testbed.up({ dir, istio: true, log, onStep }).then(
    (env) => {
      write({ state: 'ready', text: 'up' });
      return env;
    },
    (error) => {
      write({ state: 'failed', text: error.message.split('\n')[0] });
      throw error;
    },
  );
  return { kubeconfig: join(dir, 'kubeconfig'), toolsDir: dirname(testbed.binaries().istioctl), ready };
}
