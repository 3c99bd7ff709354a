// Installs Istio into a BARE testbed of its own through the extension's install module (the same
// functions the `Istio: Install…` command runs), and checks the objects and readiness the cluster
// ends up with: install, re-run, canary revision, uninstall of a revision, cancel and re-run,
// a forbidden user, purge. Its own testbed (own --dir) so other suites' meshes are not disturbed.
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ClusterClient } from '../../src/cluster/client';
import { Kinds } from '../../src/cluster/kinds';
import type { UnstructuredObject } from '../../src/cluster/types';
import type { ClusterTarget } from '../../src/install/args';
import type { InstallCluster } from '../../src/install/installCluster';
import { installClusterFrom } from '../../src/install/installClusterAdapter';
import { deploymentReady } from '../../src/install/controlPlane';
import { executeInstall, executeUninstall, inspectCluster, InstallError, listControlPlanes, manifestChanges, type FlowDeps } from '../../src/install/installer';
import { DEFAULT_OPTIONS, type InstallOptions } from '../../src/install/options';
import { buildPlan, type InstallPlan } from '../../src/install/plan';
import { consoleLogger, silentLogger } from '../../src/util/log';
import { serviceAccountKubeconfig } from './rbac';

const TESTBED_CLI = resolve(process.cwd(), 'testbed', 'testbed.mjs');

function node(args: string[], timeoutMs: number): Promise<string> {
  return new Promise((ok, fail) => {
    execFile(process.execPath, [TESTBED_CLI, ...args], { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) fail(new Error(`testbed ${args.join(' ')} failed: ${err.message}\n${stderr}`));
      else ok(stdout);
    });
  });
}

type TestbedEnv = Record<string, string>;


describe('install through the extension (own bare testbed)', function () {
  this.timeout(10 * 60_000);
  const stateDir = join(mkdtempSync(join(tmpdir(), 'istio-mesh-install-')), 'testbed');
  let env: TestbedEnv;
  let client: ClusterClient;
  let cluster: InstallCluster;
  let target: ClusterTarget;
  let sets: string[];
  const log = process.env.ISTIO_MESH_TEST_VERBOSE ? consoleLogger() : silentLogger;

  before(async function () {
    this.timeout(15 * 60_000);
    env = JSON.parse(await node(['up', '--json', '--dir', stateDir], 14 * 60_000)) as TestbedEnv;
    client = await ClusterClient.connect({ settingPath: env.KUBECONFIG, context: env.ISTIO_MESH_TESTBED_CONTEXT });
    cluster = installClusterFrom(client);
    target = { kubeconfig: env.KUBECONFIG, context: env.ISTIO_MESH_TESTBED_CONTEXT };
    // istiod runs as a local process in the testbed: its webhooks are URLs, passed as free --set values.
    sets = env.ISTIO_MESH_TESTBED_ISTIO_SETS.split(' ').filter(Boolean);
  });

  after(async () => {
    client?.dispose();
    await node(['down', '--dir', stateDir], 2 * 60_000).catch((err: Error) => console.error(err.message));
    rmSync(resolve(stateDir, '..'), { recursive: true, force: true });
  });

  const deps = (extra: Partial<FlowDeps> = {}): FlowDeps => ({ cluster, istioctlPath: env.ISTIO_MESH_TESTBED_ISTIOCTL, log, pollIntervalMs: 250, ...extra });
  const options = (o: Partial<InstallOptions>): InstallOptions => ({ ...DEFAULT_OPTIONS, readinessTimeoutSeconds: 180, setValues: sets, ...o });

  async function plan(o: InstallOptions, flow = deps()): Promise<InstallPlan> {
    const i = await inspectCluster(flow, o, target);
    return buildPlan({ target, istioctlPath: flow.istioctlPath, istioctlVersion: i.istioctlVersion, options: o, existing: i.existing, lastApplied: i.lastApplied, findings: i.findings });
  }

  async function get(kind: keyof typeof Kinds, name: string, namespace?: string): Promise<UnstructuredObject | undefined> {
    try {
      return (await client.get(Kinds[kind], name, namespace)) as UnstructuredObject;
    } catch (err) {
      if ((err as { kind?: string }).kind === 'notFound') return undefined;
      throw err;
    }
  }

  // A function: the testbed's --set values are known only once `before` ran.
  const classic = () => options({ gatewayServiceType: 'NodePort', strictMtls: true, addons: ['prometheus', 'kiali'] });

  it('installs the classic setup: default profile, NodePort gateway, strict mTLS, addons', async () => {
    const p = await plan(classic());
    assert.equal(p.action, 'install');
    assert.deepEqual(p.findings.filter((f) => f.level === 'error'), []);
    const progress: string[] = [];
    const lines: string[] = [];
    const outcome = await executeInstall(p, deps({ onProgress: (m) => progress.push(m), onLine: (l) => lines.push(l) }));
    assert.equal(outcome.verify.istiodReady, true);
    assert.equal(outcome.verify.webhookPresent, true);
    assert.ok(progress.includes('Istiod installed'), `progress: ${progress.join(' | ')}`);
    assert.ok(lines.length > 0, 'istioctl output was streamed');

    const istiod = await get('Deployment', 'istiod', 'istio-system');
    assert.ok(istiod && deploymentReady(istiod), 'istiod is rolled out');
    assert.ok(await get('MutatingWebhookConfiguration', 'istio-sidecar-injector'));
    const gateway = await get('Service', 'istio-ingressgateway', 'istio-system');
    assert.equal((gateway?.spec as { type?: string }).type, 'NodePort');
    const peer = await get('PeerAuthentication', 'default', 'istio-system');
    assert.deepEqual(peer?.spec, { mtls: { mode: 'STRICT' } });
    const managers = (peer?.metadata.managedFields as { manager: string; operation: string }[]).map((m) => `${m.manager}/${m.operation}`);
    assert.ok(managers.includes('istio-mesh/Apply'), `server-side applied by istio-mesh: ${managers.join(', ')}`);
    for (const addon of ['prometheus', 'kiali']) {
      const d = await get('Deployment', addon, 'istio-system');
      assert.ok(d, `addon ${addon} deployed`);
      assert.ok(await get('Service', addon, 'istio-system'), `addon ${addon} has a Service`);
    }
    assert.ok(await get('ConfigMap', 'istio-mesh-install', 'istio-system'), 'options recorded on the cluster');
  });

  it('says what is installed on a re-run and re-applies safely', async () => {
    const p = await plan(classic());
    assert.equal(p.action, 'reconfigure');
    assert.match(p.summary[0], /already installed: .*\(revision default, 1\/1 ready\)/);
    assert.equal(p.summary[1], 'Same options as the last install.');
    const changed = await plan({ ...classic(), addons: ['prometheus', 'kiali', 'grafana'] });
    assert.match(changed.summary[1], /addons added: grafana/);
    const toLoadBalancer = await manifestChanges(await plan({ ...classic(), gatewayServiceType: 'LoadBalancer' }), deps());
    const gatewayChange = toLoadBalancer.changed.find((c) => c.object === 'Service istio-system/istio-ingressgateway');
    assert.ok(gatewayChange?.fields.includes('spec.type'), JSON.stringify(toLoadBalancer.changed));
    assert.ok(toLoadBalancer.unchanged > 10, `most objects unchanged: ${toLoadBalancer.unchanged}`);
    const outcome = await executeInstall(p, deps());
    assert.equal(outcome.verify.istiodReady, true);
  });

  it('adds a canary revision beside the default one and removes it alone', async () => {
    const canary = options({ profile: 'minimal', revision: 'canary' });
    const p = await plan(canary);
    assert.equal(p.action, 'canary');
    const outcome = await executeInstall(p, deps());
    assert.equal(outcome.verify.revision, 'canary');
    assert.deepEqual((await listControlPlanes(cluster)).map((r) => [r.revision, r.ready]), [['canary', true], ['default', true]]);
    assert.ok(await get('MutatingWebhookConfiguration', 'istio-sidecar-injector-canary'));

    // The uninstall returns only once what it removed is gone (the garbage collector deletes it after istioctl
    // returns): no waiting here, the objects must already be absent.
    await executeUninstall({ kind: 'revision', revision: 'canary' }, target, deps());
    assert.equal(await get('Deployment', 'istiod-canary', 'istio-system'), undefined);
    assert.deepEqual((await listControlPlanes(cluster)).map((r) => r.revision), ['default']);
    assert.equal(await get('MutatingWebhookConfiguration', 'istio-sidecar-injector-canary'), undefined);
    assert.ok(await get('Deployment', 'istiod', 'istio-system'), 'the default revision stays');
  });

  it('names the missing permissions of a user who may not install', async () => {
    // A ServiceAccount with no roles, and a kubeconfig that logs in with its token.
    const kubeconfig = await serviceAccountKubeconfig(client, join(resolve(stateDir, '..'), 'no-rights.kubeconfig'), { name: 'no-rights', namespace: 'default' });
    const limited = await ClusterClient.connect({ settingPath: kubeconfig });
    try {
      const flow = deps({ cluster: installClusterFrom(limited) });
      const i = await inspectCluster(flow, options({}), { kubeconfig, context: 'limited' });
      const error = i.findings.find((f) => f.source === 'permissions');
      assert.ok(error, `findings: ${JSON.stringify(i.findings)}`);
      assert.equal(error.level, 'error');
      assert.match(error.message, /context "limited" may not create: .*customresourcedefinitions\.apiextensions\.k8s\.io \(cluster-wide\).*deployments\.apps in namespace istio-system/);
    } finally {
      limited.dispose();
    }
  });

  it('purges everything, then a cancelled install leaves a state that a re-run completes', async () => {
    // 300 s rather than the product's 120 s: once in three full cluster-tier runs on a loaded two-core machine, the
    // testbed's kube-apiserver took over 120 s to finalize the deleted CRD proxyconfigs.networking.istio.io (alone, the
    // purge takes about 9 s). The assertions below still require everything gone, not terminating.
    await executeUninstall({ kind: 'purge' }, target, deps({ removalTimeoutMs: 300_000 }));
    assert.deepEqual(await listControlPlanes(cluster), []);
    assert.equal(await get('MutatingWebhookConfiguration', 'istio-sidecar-injector'), undefined);
    assert.equal(await get('Deployment', 'kiali', 'istio-system'), undefined, 'addons removed with the purge');
    assert.equal(await get('ConfigMap', 'istio-mesh-install', 'istio-system'), undefined);
    // Gone, not terminating: an install started now must not meet a CRD or webhook still being deleted.
    assert.equal(await get('CustomResourceDefinition', 'virtualservices.networking.istio.io'), undefined);
    assert.equal(await get('ValidatingWebhookConfiguration', 'istio-validator-istio-system'), undefined);

    const p = await plan(options({ profile: 'minimal' }));
    assert.equal(p.action, 'install');
    const controller = new AbortController();
    await assert.rejects(
      executeInstall(p, deps({ signal: controller.signal, onProgress: (m) => m.endsWith('installed') && controller.abort() })),
      (err: unknown) => err instanceof InstallError && err.kind === 'cancelled',
    );
    const outcome = await executeInstall(p, deps());
    assert.equal(outcome.verify.istiodReady, true);
    assert.equal(outcome.verify.webhookPresent, true);
  });
});
