import * as assert from 'node:assert/strict';
import { ClusterClient } from '../../../src/cluster/client';
import { LiveMesh } from '../../../src/mesh/live';
import { controlPlaneCollections } from '../../../src/mesh/store';
import { silentLogger } from '../../../src/util/log';
import { injectorConfigMap, injectorWebhookConfiguration } from '../../builders/injection';
import { istiod, namespace, pod } from '../../builders/kube';
import { FakeApiServer, json, startWatch, until } from '../cluster/fakeApiServer';

describe('LiveMesh', () => {
  let server: FakeApiServer;
  let client: ClusterClient;
  let live: LiveMesh | undefined;
  beforeEach(async () => {
    server = await new FakeApiServer().start();
    client = await ClusterClient.connect({ settingPath: server.writeKubeconfig({ namespace: 'shop' }) });
  });
  afterEach(async () => {
    await live?.stop();
    client.dispose();
    await server.stop();
  });

  it('falls back to the context namespace when cluster-wide lists are forbidden, and says so', async () => {
    server.route = (req, res) => {
      const namespaced = req.path.includes('/namespaces/shop/') || req.path.includes('/namespaces/istio-system/');
      if (req.path === '/api/v1/namespaces/shop') return json(res, 200, namespace('shop', { 'istio-injection': 'enabled' }));
      if (req.path === '/api/v1/namespaces/istio-system') return json(res, 403, { code: 403 });
      if (!namespaced) return json(res, 403, { kind: 'Status', code: 403, reason: 'Forbidden' });
      if (req.query.get('watch') === 'true') return void startWatch(res);
      const items = req.path === '/api/v1/namespaces/shop/pods' ? [pod('web-1', { namespace: 'shop' })] : [];
      return json(res, 200, { metadata: { resourceVersion: '5' }, items });
    };
    live = new LiveMesh(client, silentLogger, { debounceMs: 1 });
    live.start();
    await live.whenSynced();
    assert.equal(live.status.state, 'ready');
    assert.match(live.status.limited ?? '', /You may not list namespaces, list pods.*showing namespaces shop, istio-system only/);
    assert.deepEqual(live.store.namespaces.map((n) => n.name), ['istio-system', 'shop']);
    const shop = live.store.namespace('shop')!;
    assert.equal(shop.injection.state, 'on');
    assert.equal(shop.restartNeeded, 1);
    assert.equal(live.controlPlaneHidden, false, 'istio-system was readable: "not installed" is known');
  });

  it('tells a control plane it may not see from one that is not installed', async () => {
    server.route = (req, res) => {
      if (req.path === '/api/v1/namespaces/shop') return json(res, 200, namespace('shop', { 'istio-injection': 'enabled' }));
      const inShop = req.path.includes('/namespaces/shop/');
      const istioPods = req.path === '/api/v1/namespaces/istio-system/pods';
      // The answer that hides the control plane comes last: "ready" must wait for it.
      if (req.path === '/apis/apps/v1/namespaces/istio-system/deployments') return void setTimeout(() => json(res, 403, { kind: 'Status', code: 403, reason: 'Forbidden' }), 150);
      if (!inShop && !istioPods) return json(res, 403, { kind: 'Status', code: 403, reason: 'Forbidden' });
      if (req.query.get('watch') === 'true') return void startWatch(res);
      return json(res, 200, { metadata: { resourceVersion: '5' }, items: [] });
    };
    live = new LiveMesh(client, silentLogger, { debounceMs: 1 });
    live.start();
    await live.whenSynced();
    assert.equal(live.store.controlPlane.installed, false);
    assert.equal(live.controlPlaneHidden, true);
    assert.match(live.status.limited ?? '', /list deployments in istio-system/);
  });

  it("watches istiod's injector ConfigMaps in istio-system and feeds their changes to the verdicts", async () => {
    let configMaps: ReturnType<typeof startWatch> | undefined;
    server.route = (req, res) => {
      const path = req.path;
      if (req.query.get('watch') === 'true') {
        const watch = startWatch(res);
        if (path === '/api/v1/namespaces/istio-system/configmaps') configMaps = watch;
        return;
      }
      const items = path === '/api/v1/namespaces' ? [namespace('shop', { 'istio-injection': 'enabled' })]
        : path === '/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations' ? [injectorWebhookConfiguration()]
          : path === '/api/v1/namespaces/istio-system/configmaps' ? [injectorConfigMap('default', { config: { policy: 'disabled' } })] : [];
      return json(res, 200, { metadata: { resourceVersion: '5' }, items });
    };
    live = new LiveMesh(client, silentLogger, { debounceMs: 1 });
    live.start();
    await live.whenSynced();
    assert.ok(!server.requests.some((r) => r.path === '/api/v1/configmaps'), 'never every ConfigMap of the cluster');
    assert.equal(live.store.namespace('shop')!.injection.plain.reason.code, 'policyDisabled');
    await until(() => configMaps !== undefined, 3000, 'the ConfigMap watch');
    configMaps!.event('MODIFIED', injectorConfigMap('default', { config: { policy: 'enabled' } }));
    await until(() => live!.store.namespace('shop')!.injection.plain.injected, 3000, 'the policy change');
  });

  it("keeps the view whole when RBAC refuses the ConfigMaps: the policy is unknown, and the verdicts say why", async () => {
    server.route = (req, res) => {
      if (req.path === '/api/v1/namespaces/istio-system/configmaps') return json(res, 403, { kind: 'Status', code: 403, reason: 'Forbidden' });
      if (req.query.get('watch') === 'true') return void startWatch(res);
      const items = req.path === '/api/v1/namespaces' ? [namespace('shop', { 'istio-injection': 'enabled' })]
        : req.path === '/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations' ? [injectorWebhookConfiguration()] : [];
      return json(res, 200, { metadata: { resourceVersion: '5' }, items });
    };
    live = new LiveMesh(client, silentLogger, { debounceMs: 1 });
    live.start();
    await live.whenSynced();
    assert.equal(live.status.state, 'ready');
    assert.equal(live.status.limited, undefined, 'no namespace is left out of the view');
    const plain = live.store.namespace('shop')!.injection.plain;
    assert.equal(plain.injected, true);
    assert.equal(plain.policyUnknown, 'you may not list ConfigMaps in istio-system');
  });

  it('announces the complete model together with the ready status, not after the debounce', async () => {
    server.route = (req, res) => {
      if (req.query.get('watch') === 'true') return void startWatch(res);
      const items = req.path === '/api/v1/namespaces' ? [namespace('shop')] : [];
      return json(res, 200, { metadata: { resourceVersion: '5' }, items });
    };
    live = new LiveMesh(client, silentLogger, { debounceMs: 60_000, maxWaitMs: 60_000 });
    const events: string[] = [];
    live.store.onDidChange(() => events.push('model'));
    live.onDidChangeStatus((s) => events.push(s.state));
    live.start();
    await live.whenSynced();
    assert.deepEqual(events.slice(-2), ['model', 'ready']);
    assert.ok(events.length <= 4, `at most the namespaces, the control plane and the rest: ${events.join()}`);
  });

  it('announces the namespaces and then the control plane while a slow pod list is still on its way', async () => {
    let podsAsked: (answer: () => void) => void = () => undefined;
    const releasePods = new Promise<() => void>((resolve) => (podsAsked = resolve));
    server.route = (req, res) => {
      if (req.query.get('watch') === 'true') return void startWatch(res);
      const items = req.path === '/api/v1/namespaces' ? [namespace('shop')] : req.path === '/apis/apps/v1/deployments' ? [istiod()] : [];
      const answer = () => json(res, 200, { metadata: { resourceVersion: '5' }, items });
      if (req.path === '/api/v1/pods') podsAsked(answer);
      else answer();
    };
    live = new LiveMesh(client, silentLogger, { debounceMs: 60_000, maxWaitMs: 60_000 });
    const store = live.store;
    const announced: string[] = [];
    const controlPlaneShown = new Promise<void>((resolve) => store.onDidChange(() => {
      announced.push(store.isSynced('pods') ? 'all' : store.isSynced(...controlPlaneCollections) ? 'control plane' : 'namespaces');
      if (store.isSynced(...controlPlaneCollections)) resolve();
    }));
    live.start();
    await controlPlaneShown;
    assert.equal(store.isSynced('pods'), false, 'the pods are still being listed');
    assert.equal(announced[0], 'namespaces', 'the namespaces went out first, without the debounce');
    assert.deepEqual(store.namespaces.map((n) => n.name), ['shop']);
    assert.equal(store.controlPlane.installed, true);
    (await releasePods)();
    await live.whenSynced();
    assert.equal(announced.at(-1), 'all');
  });

  it('asks for the namespaces alone first, and for the rest once they answered', async () => {
    // The server takes 100 ms over the namespaces (a busy API server); every other list must be asked after that.
    const asked: { path: string; namespacesAnswered: boolean }[] = [];
    let namespacesAnswered = false;
    server.route = (req, res) => {
      if (req.query.get('watch') === 'true') return void startWatch(res);
      asked.push({ path: req.path, namespacesAnswered });
      if (req.path !== '/api/v1/namespaces') return json(res, 200, { metadata: { resourceVersion: '5' }, items: [] });
      setTimeout(() => {
        namespacesAnswered = true;
        json(res, 200, { metadata: { resourceVersion: '5' }, items: [namespace('shop')] });
      }, 100);
    };
    live = new LiveMesh(client, silentLogger, { debounceMs: 1 });
    live.start();
    await live.whenSynced();
    assert.equal(asked[0].path, '/api/v1/namespaces');
    const early = asked.slice(1).filter((a) => !a.namespacesAnswered).map((a) => a.path);
    assert.deepEqual(early, [], 'asked while the namespaces were still on their way');
    assert.ok(asked.some((a) => a.path === '/api/v1/pods'), 'the pods were listed');
  });

  it('starts the other lists once the view has fetched the namespaces\' rows, leaving VS Code a moment to draw them', async () => {
    const asked: { path: string; at: number }[] = [];
    server.route = (req, res) => {
      if (req.query.get('watch') === 'true') return void startWatch(res);
      asked.push({ path: req.path, at: performance.now() });
      json(res, 200, { metadata: { resourceVersion: '5' }, items: req.path === '/api/v1/namespaces' ? [namespace('shop')] : [] });
    };
    live = new LiveMesh(client, silentLogger, { debounceMs: 1 });
    live.start();
    await until(() => live!.store.isSynced('namespaces'), 3000, 'the namespaces to be listed');
    // Past the head start the namespaces' answer gave (150 ms): VS Code's drawing is what the lists wait for now.
    const shownAt = performance.now();
    live.firstLevelShown();
    live.firstLevelShown(); // a redraw of the rows: no later start
    await live.whenSynced();
    const pods = asked.find((a) => a.path === '/api/v1/pods');
    assert.ok(pods, 'the pods were listed');
    assert.ok(pods.at - shownAt >= 195 && pods.at - shownAt < 400, `the pods were asked for ${(pods.at - shownAt).toFixed(0)} ms after the rows were fetched, before VS Code could draw them`);
  });

  it('starts the other lists after the head start when the namespaces do not answer', async () => {
    const asked: string[] = [];
    server.route = (req, res) => {
      if (req.query.get('watch') === 'true') return void startWatch(res);
      asked.push(req.path);
      if (req.path === '/api/v1/namespaces') return; // never answers
      json(res, 200, { metadata: { resourceVersion: '5' }, items: [] });
    };
    live = new LiveMesh(client, silentLogger, { debounceMs: 1 });
    live.start();
    await until(() => asked.includes('/api/v1/pods'), 3000, 'the pods to be asked for');
  });

  it('reports an unreachable server before the first sync', async () => {
    await server.stop();
    live = new LiveMesh(client, silentLogger);
    const state = new Promise((resolve) => live!.onDidChangeStatus((s) => resolve(s.state)));
    live.start();
    assert.equal(await state, 'unreachable');
    server = await new FakeApiServer().start();
  });

  it('leaves "connecting" when the server answers lists with an error page before the first sync', async () => {
    server.route = (_req, res) => {
      res.writeHead(500, { 'content-type': 'text/html' }).end('<html>proxy error</html>');
    };
    live = new LiveMesh(client, silentLogger);
    const state = new Promise((resolve) => live!.onDidChangeStatus((s) => resolve(s.state)));
    live.start();
    assert.equal(await state, 'unreachable');
    assert.ok(live.status.error, 'the error is kept for the log and the view');
  });

  it('reports expired credentials as unauthorized', async () => {
    server.route = (_req, res) => json(res, 401, { code: 401, message: 'Unauthorized' });
    live = new LiveMesh(client, silentLogger);
    const state = new Promise((resolve) => live!.onDidChangeStatus((s) => resolve(s.state)));
    live.start();
    assert.equal(await state, 'unauthorized');
    assert.match(live.status.error?.message ?? '', /missing or expired/);
  });
});
