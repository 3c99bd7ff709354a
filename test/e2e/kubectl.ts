// The testbed's own kubectl for the end-to-end specs' fixtures: they arrange the cluster as a user's
// other tools would, so the extension sees it only through its watches. KUBECONFIG comes from the
// tier (`npm run test:e2e` starts the testbed and passes its environment).
import { execFile } from 'node:child_process';

const KUBECTL = process.env.ISTIO_MESH_TESTBED_KUBECTL;

/** Runs kubectl with an argument array; rejects with its stderr. */
function kubectl(...args: string[]): Promise<string> {
  if (!KUBECTL || !process.env.KUBECONFIG) {
    return Promise.reject(new Error('ISTIO_MESH_TESTBED_KUBECTL and KUBECONFIG are not set: run with `npm run test:e2e`'));
  }
  return new Promise((resolve, reject) => {
    execFile(KUBECTL, args, { timeout: 180_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`kubectl ${args.join(' ')}: ${stderr.trim() || error.message}`));
      else resolve(stdout);
    });
  });
}

/** A namespace with optional labels. */
export async function createNamespace(name: string, labels: Record<string, string> = {}): Promise<void> {
  await kubectl('create', 'namespace', name);
  if (Object.keys(labels).length) await labelNamespace(name, labels);
}

export async function labelNamespace(name: string, labels: Record<string, string>): Promise<void> {
  await kubectl('label', 'namespace', name, '--overwrite', ...Object.entries(labels).map(([k, v]) => `${k}=${v}`));
}

/** A Deployment, waited on until its rollout is complete (kwok marks its pods Running and Ready). */
export async function createDeployment(namespace: string, name: string, replicas = 1): Promise<void> {
  await kubectl('create', 'deployment', name, '-n', namespace, `--image=registry.example/${name}:1.0`, `--replicas=${replicas}`);
  await kubectl('rollout', 'status', `deployment/${name}`, '-n', namespace, '--timeout=120s');
}

/** Deletes namespaces without waiting for their finalizers. */
export async function deleteNamespaces(...names: string[]): Promise<void> {
  await kubectl('delete', 'namespace', '--ignore-not-found', '--wait=false', ...names);
}

/** kubectl against one context of the kubeconfig (the two-cluster testbed's `istio-mesh-testbed-1`, `-2`). */
export async function kubectlIn(context: string, ...args: string[]): Promise<string> {
  return kubectl(`--context=${context}`, ...args);
}
