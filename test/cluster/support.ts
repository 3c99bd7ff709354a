// Helpers for cluster tests: the testbed's kubeconfig, bounded waits, test objects, and
// ensureIstio() which turns the bare testbed into a meshed one (istioctl install + local istiod).
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import * as k8s from '@kubernetes/client-node';

export interface TestbedEnv {
  kubeconfig: string;
  dir: string;
  context: string;
  istioctl: string;
  istioSets: string[];
}

/** The running testbed, from the env the cluster tier's runner sets (see testbed/README.md). */
export function testbedEnv(): TestbedEnv {
  const kubeconfig = process.env.KUBECONFIG;
  const dir = process.env.ISTIO_MESH_TESTBED_DIR;
  if (!kubeconfig || !dir) {
    throw new Error('KUBECONFIG and ISTIO_MESH_TESTBED_DIR are not set: run cluster tests with `npm run test:cluster`.');
  }
  return {
    kubeconfig,
    dir,
    context: process.env.ISTIO_MESH_TESTBED_CONTEXT ?? 'istio-mesh-testbed',
    istioctl: process.env.ISTIO_MESH_TESTBED_ISTIOCTL ?? 'istioctl',
    istioSets: (process.env.ISTIO_MESH_TESTBED_ISTIO_SETS ?? '').split(' ').filter(Boolean),
  };
}

export function kubeConfig(env = testbedEnv()): k8s.KubeConfig {
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(env.kubeconfig);
  kc.setCurrentContext(env.context);
  return kc;
}

/** Polls `check` until it returns a value other than undefined/false; fails after `timeoutMs` with the last observation. */
export async function waitUntil<T>(what: string, check: () => Promise<T | undefined | false>, { timeoutMs = 60_000, intervalMs = 250 } = {}): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      const detail = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${detail}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** Runs a tool (argument array, no shell); resolves with its stdout and stderr, rejects with both on failure. */
export function execFileText(file: string, args: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolveRun, reject) => {
    execFile(file, args, { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${file} ${args.join(' ')} failed: ${err.message}\n${stdout}\n${stderr}`));
      else resolveRun(stdout + stderr);
    });
  });
}

export function isNotFound(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: number }).code === 404;
}

/** Installs Istio with istioctl (minimal profile) unless installed, and starts the local istiod unless running. */
export async function ensureIstio(env = testbedEnv()): Promise<{ installOutput?: string }> {
  const core = kubeConfig(env).makeApiClient(k8s.CoreV1Api);
  let installed = true;
  try {
    await core.readNamespacedConfigMap({ name: 'istio-sidecar-injector', namespace: 'istio-system' });
  } catch (err) {
    if (!isNotFound(err)) throw err;
    installed = false;
  }
  let installOutput: string | undefined;
  if (!installed) {
    const args = ['install', '-y', `--kubeconfig=${env.kubeconfig}`, `--context=${env.context}`, '--set', 'profile=minimal', ...env.istioSets.flatMap((s) => ['--set', s]), '--readiness-timeout=3m'];
    installOutput = await execFileText(env.istioctl, args, 5 * 60_000);
  }
  const cli = resolve(process.cwd(), 'testbed', 'testbed.mjs');
  if (!existsSync(cli)) throw new Error(`${cli} not found: run the cluster tests from the repository root.`);
  await execFileText(process.execPath, [cli, 'istiod', '--dir', env.dir], 3 * 60_000);
  return { installOutput };
}

// ------------------------------------------------------------------ test objects

export function namespace(name: string, labels: Record<string, string> = {}): k8s.V1Namespace {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } };
}

export function deployment(name: string, namespaceName: string, replicas = 2): k8s.V1Deployment {
  const labels = { app: name };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: namespaceName, labels },
    spec: {
      replicas,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: { containers: [{ name: 'app', image: 'registry.k8s.io/pause:3.10', ports: [{ containerPort: 8080 }] }] },
      },
    },
  };
}

/** A pod is "n/n ready" like kubectl shows: Running, and every container status ready. */
export function readyCount(pod: k8s.V1Pod): { ready: number; total: number } {
  const statuses = pod.status?.containerStatuses ?? [];
  return { ready: statuses.filter((s) => s.ready).length, total: pod.spec?.containers.length ?? 0 };
}

export function isFullyReady(pod: k8s.V1Pod): boolean {
  const { ready, total } = readyCount(pod);
  return pod.status?.phase === 'Running' && total > 0 && ready === total;
}
