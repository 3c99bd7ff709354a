import assert from 'node:assert/strict';
import { ClusterError } from '../../../src/cluster/errors';
import type { UnstructuredObject } from '../../../src/cluster/types';
import { executeInstall, executeUninstall, inspectCluster, InstallError, manifestChanges, type FlowDeps, type Runner } from '../../../src/install/installer';
import { DEFAULT_OPTIONS, type InstallOptions } from '../../../src/install/options';
import { buildPlan } from '../../../src/install/plan';
import type { RunResult } from '../../../src/install/process';
import { silentLogger } from '../../../src/util/log';
import { istiodDeployment, webhook } from '../../builders/install';
import { MemoryCluster } from './memoryCluster';

const ok = (stdout = '', stderr = ''): RunResult => ({ exitCode: 0, signal: null, stdout, stderr, cancelled: false });

/** A scripted istioctl: answers version and precheck, and for install emits lines and creates istiod + webhook. */
function fakeIstioctl(cluster: MemoryCluster, script: { installExit?: number; installLines?: string[]; precheck?: RunResult; version?: string; removalReads?: number } = {}) {
  const calls: string[][] = [];
  const run: Runner = async (_exe, args, options) => {
    calls.push([...args]);
    if (args[0] === 'version') return ok(JSON.stringify({ clientVersion: { version: script.version ?? '1.29.0' } }));
    if (args[0] === 'x') return script.precheck ?? ok('', '✔ No issues found when checking the cluster.');
    if (args[0] === 'install') {
      for (const line of script.installLines ?? ['✔ Istio core installed ⛵️', '✔ Istiod installed 🧠', '✔ Installation complete']) {
        options?.onLine?.(line, 'stdout');
      }
      if ((script.installExit ?? 0) !== 0) return { ...ok(), exitCode: script.installExit! };
      const rev = args[args.indexOf('--revision') + 1];
      const revision = args.includes('--revision') ? rev : undefined;
      cluster.objects.push(istiodDeployment({ revision, image: `istio/pilot:${script.version ?? '1.29.0'}` }));
      cluster.objects.push(webhook(revision));
      return ok();
    }
    if (args[0] === 'uninstall') {
      // Like istioctl: the deletes are accepted, the garbage collector removes the objects a few reads later.
      const purge = args.includes('--purge');
      const revision = purge ? undefined : args[args.indexOf('--revision') + 1];
      const istioObjects = cluster.objects.filter((o) => ['Deployment', 'MutatingWebhookConfiguration'].includes(o.kind ?? '')
        && ['istiod', 'sidecar-injector'].includes(o.metadata.labels?.app ?? '')
        && (purge || (o.metadata.labels?.['istio.io/rev'] ?? 'default') === revision));
      cluster.deleteLater(istioObjects, script.removalReads ?? 2);
      return ok('  Removed Deployment:istio-system:istiod.\n✔ Uninstall complete');
    }
    return { ...ok(), exitCode: 64 };
  };
  return { run, calls };
}

function deps(cluster: MemoryCluster, run: Runner, extra: Partial<FlowDeps> = {}): FlowDeps {
  return { cluster, istioctlPath: '/bin/istioctl', log: silentLogger, run, pollIntervalMs: 5, ...extra };
}

const target = { kubeconfig: '', context: 'memory' };
const opts = (o: Partial<InstallOptions> = {}): InstallOptions => ({ ...DEFAULT_OPTIONS, ...o });

async function planFor(cluster: MemoryCluster, run: Runner, options: InstallOptions) {
  const inspection = await inspectCluster(deps(cluster, run), options, target);
  return { inspection, plan: buildPlan({ target, istioctlPath: '/bin/istioctl', istioctlVersion: inspection.istioctlVersion, options, existing: inspection.existing, lastApplied: inspection.lastApplied, findings: inspection.findings }) };
}

describe('install flow (scripted istioctl, in-memory cluster)', () => {
  it('installs, applies addons and mTLS, verifies, and re-running is a reconfigure with the same options', async () => {
    const cluster = new MemoryCluster();
    const { run, calls } = fakeIstioctl(cluster);
    const options = opts({ strictMtls: true, addons: ['grafana'] });
    const { inspection, plan } = await planFor(cluster, run, options);
    assert.deepEqual(inspection.findings, []);
    assert.equal(plan.action, 'install');
    const progress: string[] = [];
    const outcome = await executeInstall(plan, deps(cluster, run, { onProgress: (m) => progress.push(m) }));
    assert.deepEqual(outcome.verify, { revision: 'default', istiodReady: true, webhookPresent: true, version: '1.29.0', versionMatches: true });
    assert.ok(progress.includes('Istiod installed') && progress.includes('Installation complete'));
    assert.deepEqual(calls.find((c) => c[0] === 'install'), plan.installArgs);
    assert.deepEqual(cluster.applied, ['ConfigMap/grafana', 'Service/grafana', 'Deployment/grafana', 'PeerAuthentication/default', 'ConfigMap/istio-mesh-install']);

    const again = await planFor(cluster, run, options);
    assert.equal(again.plan.action, 'reconfigure');
    assert.equal(again.plan.summary[1], 'Same options as the last install.');
  });

  it('names every missing permission and keeps istioctl from repeating it', async () => {
    const cluster = new MemoryCluster();
    cluster.denied = new Set(['clusterroles', 'mutatingwebhookconfigurations']);
    const precheck = { ...ok(JSON.stringify([{ code: 'IST0141', level: 'Error', message: 'Missing required permission to create resource clusterroles (permission denied)', origin: 'Cluster' }])), exitCode: 1 };
    const { run } = fakeIstioctl(cluster, { precheck });
    const { inspection } = await planFor(cluster, run, opts());
    assert.equal(inspection.findings.length, 1);
    assert.equal(inspection.findings[0].level, 'error');
    assert.match(inspection.findings[0].message, /context "memory" may not create: clusterroles\.rbac\.authorization\.k8s\.io \(cluster-wide\), mutatingwebhookconfigurations\.admissionregistration\.k8s\.io \(cluster-wide\)/);
  });

  it('turns forbidden reads into findings instead of failing', async () => {
    const cluster = new MemoryCluster();
    cluster.denied = new Set(['customresourcedefinitions']);
    cluster.list = async () => {
      throw new ClusterError('forbidden', 'You may not list deployments.apps (cluster-wide).', { status: 403 });
    };
    const { run } = fakeIstioctl(cluster);
    const { inspection } = await planFor(cluster, run, opts());
    assert.deepEqual(inspection.existing, []);
    assert.deepEqual(inspection.findings.map((f) => f.level), ['error', 'warning', 'warning']);
    assert.ok(inspection.findings.some((f) => /^You may not list Deployments cluster-wide .*: You may not list deployments\.apps/.test(f.message)));
  });

  it('flags an istioctl too new for the cluster', async () => {
    const cluster = new MemoryCluster();
    cluster.gitVersion = 'v1.27.4';
    const { run } = fakeIstioctl(cluster);
    const { inspection } = await planFor(cluster, run, opts());
    assert.ok(inspection.findings.some((f) => f.level === 'error' && /too new for this cluster/.test(f.message)));
  });

  it('reports istioctl failures with its own error line, and a re-run completes', async () => {
    const cluster = new MemoryCluster();
    const failing = fakeIstioctl(cluster, { installExit: 1, installLines: ['✔ Istio core installed ⛵️', '✘ Istiod encountered an error: failed to wait for resource: resources not ready after 5m0s', 'Error: failed to install manifests'] });
    const { plan } = await planFor(cluster, failing.run, opts());
    await assert.rejects(executeInstall(plan, deps(cluster, failing.run)), (err: unknown) =>
      err instanceof InstallError && err.kind === 'istioctlFailed' && /exit code 1\): Error: failed to install manifests/.test(err.message) && err.lastOutput.length === 2);
    const working = fakeIstioctl(cluster);
    const outcome = await executeInstall(plan, deps(cluster, working.run));
    assert.equal(outcome.verify.istiodReady, true);
  });

  it('reports a cancelled istioctl as cancelled', async () => {
    const cluster = new MemoryCluster();
    const { run } = fakeIstioctl(cluster);
    const { plan } = await planFor(cluster, run, opts());
    const cancelledRun: Runner = async (exe, args, o) => (args[0] === 'install' ? { ...ok(), exitCode: null, signal: 'SIGTERM', cancelled: true } : run(exe, args, o));
    await assert.rejects(executeInstall(plan, deps(cluster, cancelledRun)), (err: unknown) => err instanceof InstallError && err.kind === 'cancelled');
  });

  it('reports a cancelled check as cancelled, not as a failed precheck or a missing istioctl', async () => {
    const cluster = new MemoryCluster();
    const { run } = fakeIstioctl(cluster);
    const controller = new AbortController();
    // As the process runner does: a run whose signal fired comes back cancelled, with no exit code.
    const cancelling: Runner = async (exe, args, o) => {
      if (args[0] === 'x') controller.abort();
      return o?.signal?.aborted ? { ...ok(), exitCode: null, cancelled: true } : run(exe, args, o);
    };
    await assert.rejects(inspectCluster(deps(cluster, cancelling, { signal: controller.signal }), opts(), target),
      (err: unknown) => err instanceof InstallError && err.kind === 'cancelled');
    const cancelledFirst = new AbortController();
    cancelledFirst.abort();
    await assert.rejects(inspectCluster(deps(cluster, cancelling, { signal: cancelledFirst.signal }), opts(), target),
      (err: unknown) => err instanceof InstallError && err.kind === 'cancelled');
  });

  it('keeps verifying while the API server is briefly away, and names it when it stays away', async () => {
    const cluster = new MemoryCluster();
    const { run } = fakeIstioctl(cluster);
    const { plan } = await planFor(cluster, run, opts({ readinessTimeoutSeconds: 0.3 }));
    const list = cluster.list.bind(cluster);
    let outages = 2;
    cluster.list = async (...args) => {
      if (outages-- > 0) throw new ClusterError('unreachable', 'Cannot reach the API server at https://127.0.0.1:6443.');
      return list(...args);
    };
    assert.equal((await executeInstall(plan, deps(cluster, run))).verify.istiodReady, true);

    cluster.list = async () => {
      throw new ClusterError('unreachable', 'Cannot reach the API server at https://127.0.0.1:6443.');
    };
    await assert.rejects(executeInstall(plan, deps(cluster, run)), (err: unknown) =>
      err instanceof InstallError && err.kind === 'readinessTimeout' && /the API server does not answer \(Cannot reach/.test(err.message) && /again continues/.test(err.message));
  });

  it('times out readiness with what is missing', async () => {
    const cluster = new MemoryCluster();
    const { run } = fakeIstioctl(cluster);
    const { plan } = await planFor(cluster, run, opts({ readinessTimeoutSeconds: 0.05 }));
    const noIstiod: Runner = async (exe, args, o) => (args[0] === 'install' ? ok() : run(exe, args, o));
    await assert.rejects(executeInstall(plan, deps(cluster, noIstiod)), (err: unknown) =>
      err instanceof InstallError && err.kind === 'readinessTimeout' && /istio-system\/istiod is not ready; webhook istio-sidecar-injector is missing/.test(err.message));
  });

  it('adds a canary revision and uninstalls it alone, then purges everything including addons', async () => {
    const cluster = new MemoryCluster();
    const { run, calls } = fakeIstioctl(cluster);
    await executeInstall((await planFor(cluster, run, opts({ addons: ['prometheus'] }))).plan, deps(cluster, run));
    const canary = await planFor(cluster, run, opts({ revision: 'canary' }));
    assert.equal(canary.plan.action, 'canary');
    const outcome = await executeInstall(canary.plan, deps(cluster, run));
    assert.equal(outcome.verify.revision, 'canary');

    await executeUninstall({ kind: 'revision', revision: 'canary' }, target, deps(cluster, run));
    assert.deepEqual(calls.at(-1), ['uninstall', '-y', '--revision', 'canary', '--context', 'memory']);
    assert.ok(cluster.deleted.includes('ConfigMap/istio-mesh-install-canary'));
    assert.ok(cluster.objects.some((o) => o.metadata.name === 'istio-mesh-install'), 'the default revision record stays');

    await executeUninstall({ kind: 'purge' }, target, deps(cluster, run));
    assert.deepEqual(calls.at(-1), ['uninstall', '-y', '--purge', '--context', 'memory']);
    assert.ok(cluster.deleted.includes('Deployment/prometheus') && cluster.deleted.includes('ClusterRole/prometheus'));
    assert.ok(!cluster.objects.some((o) => o.metadata.labels?.['app.kubernetes.io/managed-by'] === 'istio-mesh'));
  });

  it('returns from an uninstall only when what it removed is gone', async () => {
    const cluster = new MemoryCluster();
    const { run } = fakeIstioctl(cluster, { removalReads: 3 });
    await executeInstall((await planFor(cluster, run, opts())).plan, deps(cluster, run));
    const progress: string[] = [];
    await executeUninstall({ kind: 'revision', revision: 'default' }, target, deps(cluster, run, { onProgress: (m) => progress.push(m) }));
    assert.deepEqual(cluster.objects.filter((o) => o.kind !== 'ConfigMap').map((o) => o.metadata.name), [], 'istiod and its webhook are gone, not terminating');
    assert.ok(progress.some((m) => /^Waiting for 2 objects to be removed \(Deployment istio-system\/istiod, …\)$/.test(m)), progress.join('\n'));
  });

  it('names what is still terminating at the deadline instead of reporting done', async () => {
    const cluster = new MemoryCluster();
    const { run } = fakeIstioctl(cluster, { removalReads: Infinity });
    await executeInstall((await planFor(cluster, run, opts())).plan, deps(cluster, run));
    await assert.rejects(executeUninstall({ kind: 'purge' }, target, deps(cluster, run, { removalTimeoutMs: 30 })), (err: unknown) =>
      err instanceof InstallError && err.kind === 'removalTimeout'
      && /2 object\(s\) are still being deleted after 0 s: Deployment istio-system\/istiod, MutatingWebhookConfiguration istio-sidecar-injector\./.test(err.message));
  });

  it('stops waiting for the removal when cancelled, and says the cluster goes on', async () => {
    const cluster = new MemoryCluster();
    const { run } = fakeIstioctl(cluster, { removalReads: Infinity });
    await executeInstall((await planFor(cluster, run, opts())).plan, deps(cluster, run));
    const controller = new AbortController();
    const waiting = executeUninstall({ kind: 'purge' }, target, deps(cluster, run, { signal: controller.signal, onProgress: (m) => m.startsWith('Waiting for 2') && controller.abort() }));
    await assert.rejects(waiting, (err: unknown) => err instanceof InstallError && err.kind === 'cancelled' && /goes on deleting/.test(err.message));
  });

  it('does not take a terminating injector webhook for the new one', async () => {
    const cluster = new MemoryCluster();
    const { run } = fakeIstioctl(cluster);
    const stale = webhook();
    cluster.deleteLater([stale], Infinity);
    cluster.objects.push(stale);
    const { plan } = await planFor(cluster, run, opts({ readinessTimeoutSeconds: 0.05 }));
    const istiodOnly: Runner = async (exe, args, o) => {
      if (args[0] !== 'install') return run(exe, args, o);
      cluster.objects.push(istiodDeployment({}));
      return ok();
    };
    await assert.rejects(executeInstall(plan, deps(cluster, istiodOnly)), (err: unknown) =>
      err instanceof InstallError && err.kind === 'readinessTimeout' && /webhook istio-sidecar-injector is missing/.test(err.message));
  });

  it('reads the live objects of a generated manifest at most four at a time, every one of them', async () => {
    const cluster = new MemoryCluster();
    const { run } = fakeIstioctl(cluster);
    const { plan } = await planFor(cluster, run, opts());
    const names = Array.from({ length: 10 }, (_, i) => `cm-${i}`);
    cluster.objects.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm-0', namespace: 'istio-system' }, data: { a: '1' } } as UnstructuredObject);
    const manifest = names.map((name) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: istio-system\ndata:\n  a: "1"\n`).join('---\n');
    const generate: Runner = async (exe, args, o) => (args[0] === 'manifest' ? ok(manifest) : run(exe, args, o));
    let inFlight = 0;
    let peak = 0;
    const get = cluster.get.bind(cluster);
    cluster.get = async (...args: Parameters<MemoryCluster['get']>) => {
      peak = Math.max(peak, ++inFlight);
      await new Promise<void>((resolve) => setImmediate(resolve));
      inFlight--;
      return get(...args);
    };
    const diff = await manifestChanges(plan, deps(cluster, generate));
    assert.equal(peak, 4);
    assert.deepEqual(diff.added, names.slice(1).map((n) => `ConfigMap istio-system/${n}`));
    assert.equal(diff.unchanged, 1);
  });
});
