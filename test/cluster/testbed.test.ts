// Proves the testbed is a real control plane: the apiserver is ready, controllers, scheduler and
// kwok turn a Deployment into Running pods, istioctl installs Istio, and Istio's own injector adds
// istio-proxy to pods of a namespace labelled istio-injection=enabled.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { deployment, ensureIstio, isFullyReady, kubeConfig, namespace, readyCount, testbedEnv, waitUntil } from './support';

const RUN = Date.now().toString(36);

describe('testbed cluster', function () {
  this.timeout(5 * 60_000);
  const env = testbedEnv();
  const kc = kubeConfig(env);
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const apps = kc.makeApiClient(k8s.AppsV1Api);
  const admission = kc.makeApiClient(k8s.AdmissionregistrationV1Api);
  const created: string[] = [];

  async function createNamespace(name: string, labels: Record<string, string> = {}): Promise<void> {
    await core.createNamespace({ body: namespace(name, labels) });
    created.push(name);
    // ServiceAccount admission rejects pods until the controller-manager made the default SA.
    await waitUntil(`ServiceAccount ${name}/default`, async () => (await core.readNamespacedServiceAccount({ name: 'default', namespace: name })) && true);
  }

  async function podsOf(ns: string, app: string): Promise<k8s.V1Pod[]> {
    return (await core.listNamespacedPod({ namespace: ns, labelSelector: `app=${app}` })).items;
  }

  /** Waits until the Deployment's rollout is complete and returns its pods (only the current ones). */
  async function waitRolledOut(ns: string, name: string): Promise<k8s.V1Pod[]> {
    return waitUntil(`Deployment ${ns}/${name} rolled out with all pods ready`, async () => {
      const d = await apps.readNamespacedDeployment({ name, namespace: ns });
      const want = d.spec?.replicas ?? 1;
      const s = d.status;
      const done = (s?.observedGeneration ?? 0) >= (d.metadata?.generation ?? 1) && s?.updatedReplicas === want && s?.availableReplicas === want && (s?.replicas ?? 0) === want;
      if (!done) return undefined;
      const pods = (await podsOf(ns, name)).filter((p) => !p.metadata?.deletionTimestamp);
      return pods.length === want && pods.every(isFullyReady) ? pods : undefined;
    }, { timeoutMs: 120_000 });
  }

  after(async () => {
    for (const name of created) await core.deleteNamespace({ name }).catch(() => undefined);
  });

  it('answers /readyz with ok', async () => {
    const cluster = kc.getCurrentCluster();
    assert.ok(cluster, 'kubeconfig has a current cluster');
    const opts: import('node:https').RequestOptions = {};
    await kc.applyToHTTPSOptions(opts);
    const body = await new Promise<string>((resolve, reject) => {
      const req = request(new URL('/readyz', cluster.server), opts, (res) => {
        let data = '';
        res.on('data', (c: Buffer) => (data += c.toString()));
        res.on('end', () => (res.statusCode === 200 ? resolve(data) : reject(new Error(`HTTP ${res.statusCode}: ${data}`))));
      });
      req.on('error', reject);
      req.end();
    });
    assert.equal(body, 'ok');
  });

  it('listens on ports below the kernel ephemeral range, so no outgoing connection takes one before its server binds it', () => {
    const state = JSON.parse(readFileSync(join(env.dir, 'state.json'), 'utf8')) as { ports: Record<string, number> };
    const [low] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    const ports = Object.values(state.ports);
    assert.ok(ports.length >= 13, `state.ports: ${JSON.stringify(state.ports)}`);
    assert.equal(new Set(ports).size, ports.length, 'every port distinct');
    for (const port of ports) assert.ok(port >= 10_000 && port < low, `port ${port} outside [10000, ${low})`);
  });

  it('has Ready kwok nodes', async () => {
    const nodes = (await core.listNode()).items;
    assert.ok(nodes.length >= 1, 'at least one node');
    for (const n of nodes) {
      assert.equal(n.metadata?.annotations?.['kwok.x-k8s.io/node'], 'fake');
      assert.equal(n.status?.conditions?.find((c) => c.type === 'Ready')?.status, 'True', `node ${n.metadata?.name} Ready`);
    }
  });

  it('turns a Deployment into a ReplicaSet and Running pods on the fake nodes', async () => {
    const ns = `plain-${RUN}`;
    await createNamespace(ns);
    await apps.createNamespacedDeployment({ namespace: ns, body: deployment('web', ns, 3) });
    const pods = await waitRolledOut(ns, 'web');
    const rs = (await apps.listNamespacedReplicaSet({ namespace: ns })).items;
    assert.equal(rs.length, 1);
    assert.equal(rs[0].metadata?.ownerReferences?.[0]?.name, 'web');
    const nodes = new Set((await core.listNode()).items.map((n) => n.metadata?.name));
    for (const p of pods) {
      assert.equal(p.status?.phase, 'Running');
      assert.ok(nodes.has(p.spec?.nodeName), `pod ${p.metadata?.name} is bound to a testbed node (${p.spec?.nodeName})`);
      assert.equal(p.metadata?.ownerReferences?.[0]?.name, rs[0].metadata?.name);
      assert.deepEqual(p.spec?.containers.map((c) => c.name), ['app'], 'no sidecar outside the mesh');
    }
  });

  describe('with Istio', function () {
    before(async function () {
      this.timeout(8 * 60_000);
      await ensureIstio(env);
    });

    it('has istiod ready and the sidecar injector webhook pointing at it', async () => {
      const istiod = await apps.readNamespacedDeployment({ name: 'istiod', namespace: 'istio-system' });
      assert.equal(istiod.status?.availableReplicas, istiod.spec?.replicas);
      const hook = await admission.readMutatingWebhookConfiguration({ name: 'istio-sidecar-injector' });
      assert.ok((hook.webhooks ?? []).length > 0, 'injector has webhooks');
      for (const w of hook.webhooks ?? []) {
        assert.match(w.clientConfig.url ?? '', /^https:\/\/localhost:\d+\/inject/);
        assert.ok(w.clientConfig.caBundle, `${w.name} has the caBundle istiod patched in`);
      }
      const injector = await core.readNamespacedConfigMap({ name: 'istio-sidecar-injector', namespace: 'istio-system' });
      assert.ok(injector.data?.config?.includes('istio-proxy'), "Istio's injection template is installed");
    });

    it('injects istio-proxy into pods created in a namespace labelled istio-injection=enabled, 2/2 ready', async () => {
      const ns = `mesh-${RUN}`;
      await createNamespace(ns, { 'istio-injection': 'enabled' });
      await apps.createNamespacedDeployment({ namespace: ns, body: deployment('reviews', ns, 2) });
      const pods = await waitRolledOut(ns, 'reviews');
      for (const p of pods) {
        assert.deepEqual(p.spec?.containers.map((c) => c.name), ['app', 'istio-proxy']);
        assert.deepEqual(readyCount(p), { ready: 2, total: 2 });
        assert.equal(p.metadata?.labels?.['security.istio.io/tlsMode'], 'istio');
        const injected = JSON.parse(p.metadata?.annotations?.['sidecar.istio.io/status'] ?? '{}') as { containers?: string[] };
        assert.deepEqual(injected.containers, ['istio-proxy'], "the injector's status annotation names what it added");
        const proxy = p.spec?.containers.find((c) => c.name === 'istio-proxy');
        assert.match(proxy?.image ?? '', /proxyv2/);
        assert.ok(proxy?.args?.includes('proxy'), 'istio-proxy runs pilot-agent proxy');
      }
    });

    it('injects istio-proxy after labelling an existing namespace and restarting its Deployment', async () => {
      const ns = `restart-${RUN}`;
      await createNamespace(ns);
      await apps.createNamespacedDeployment({ namespace: ns, body: deployment('ratings', ns, 2) });
      const before = await waitRolledOut(ns, 'ratings');
      for (const p of before) assert.deepEqual(p.spec?.containers.map((c) => c.name), ['app']);

      await core.patchNamespace(
        { name: ns, body: { metadata: { labels: { 'istio-injection': 'enabled' } } } },
        k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
      );
      // What `kubectl rollout restart` does.
      await apps.patchNamespacedDeployment(
        { name: 'ratings', namespace: ns, body: { spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': new Date().toISOString() } } } } } },
        k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.StrategicMergePatch),
      );
      const oldNames = new Set(before.map((p) => p.metadata?.name));
      const after = await waitUntil('restarted pods with istio-proxy', async () => {
        const pods = await waitRolledOut(ns, 'ratings');
        return pods.every((p) => !oldNames.has(p.metadata?.name)) ? pods : undefined;
      }, { timeoutMs: 120_000 });
      for (const p of after) {
        assert.deepEqual(p.spec?.containers.map((c) => c.name), ['app', 'istio-proxy']);
        assert.deepEqual(readyCount(p), { ready: 2, total: 2 });
      }
    });

    it('does not inject into a namespace labelled istio-injection=true (only "enabled" counts)', async () => {
      const ns = `wronglabel-${RUN}`;
      await createNamespace(ns, { 'istio-injection': 'true' });
      await apps.createNamespacedDeployment({ namespace: ns, body: deployment('details', ns, 1) });
      const pods = await waitRolledOut(ns, 'details');
      assert.deepEqual(pods[0].spec?.containers.map((c) => c.name), ['app']);
    });
  });
});
