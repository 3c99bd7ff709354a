import * as assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { ClusterClient } from '../../../src/cluster/client';
import { isClusterError } from '../../../src/cluster/errors';
import { Kinds } from '../../../src/cluster/kinds';
import { FakeApiServer, json } from './fakeApiServer';

describe('ClusterClient against a local API server', () => {
  let server: FakeApiServer;
  let client: ClusterClient;
  beforeEach(async () => {
    server = await new FakeApiServer().start();
    client = await ClusterClient.connect({ settingPath: server.writeKubeconfig({ namespace: 'shop' }) });
  });
  afterEach(async () => {
    client.dispose();
    await server.stop();
  });

  it('sends the bearer token and follows list pages', async () => {
    server.route = (req, res) => {
      const page = req.query.get('continue') ? 2 : 1;
      json(res, 200, {
        kind: 'PodList', metadata: { resourceVersion: '42', continue: page === 1 ? 'next' : undefined },
        items: [{ metadata: { name: `pod-${page}` } }],
      });
    };
    const list = await client.list(Kinds.Pod, { namespace: 'shop', pageSize: 1 });
    assert.deepEqual(list.items.map((p) => [p.kind, p.metadata.name]), [['Pod', 'pod-1'], ['Pod', 'pod-2']]);
    assert.equal(list.resourceVersion, '42');
    assert.equal(server.requests[0]!.path, '/api/v1/namespaces/shop/pods');
    assert.equal(server.requests[0]!.query.get('limit'), '1');
    assert.equal(server.requests[0]!.headers.authorization, 'Bearer secret-token');
    assert.equal(server.requests[1]!.query.get('continue'), 'next');
  });

  it('leaves no abort listener behind on a long-lived signal, however many pages it lists', async () => {
    server.route = (req, res) => {
      const page = Number(req.query.get('continue') ?? 0);
      json(res, 200, { kind: 'PodList', metadata: { resourceVersion: '1', continue: page < 29 ? String(page + 1) : undefined }, items: [] });
    };
    const session = new AbortController();
    await client.list(Kinds.Pod, { pageSize: 1, signal: session.signal });
    assert.equal(server.requests.length, 30);
    assert.equal(getEventListeners(session.signal, 'abort').length, 0);
  });

  it('creates without the resourceVersion the server would refuse, keeping everything else', async () => {
    server.route = (req, res) => json(res, 201, JSON.parse(req.body));
    await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', resourceVersion: '7', labels: { team: 'a' } } });
    const sent = JSON.parse(server.requests[0]!.body);
    assert.equal(server.requests[0]!.method, 'POST');
    assert.equal(server.requests[0]!.path, '/api/v1/namespaces');
    assert.deepEqual(sent.metadata, { name: 'shop', labels: { team: 'a' } });
  });

  it('uses the context namespace as default', () => {
    assert.equal(client.namespace, 'shop');
    assert.equal(client.context, 'fake');
  });

  it('sends each patch flavour with its content type and the field manager', async () => {
    server.route = (req, res) => json(res, 200, { metadata: { name: 'x' }, echo: req.body });
    await client.patch(Kinds.Deployment, 'web', 'shop', { spec: { template: { metadata: { annotations: { a: 'b' } } } } }, 'strategic');
    await client.labelNamespace('shop', { 'istio-injection': 'enabled', 'istio.io/rev': null });
    await client.patch(Kinds.Namespace, 'shop', undefined, [{ op: 'remove', path: '/metadata/labels/istio-injection' }], 'json', { dryRun: true });
    const [strategic, merge, jsonPatch] = server.requests;
    assert.equal(strategic!.method, 'PATCH');
    assert.equal(strategic!.path, '/apis/apps/v1/namespaces/shop/deployments/web');
    assert.equal(strategic!.headers['content-type'], 'application/strategic-merge-patch+json');
    assert.equal(strategic!.query.get('fieldManager'), 'istio-mesh');
    assert.equal(merge!.path, '/api/v1/namespaces/shop');
    assert.equal(merge!.headers['content-type'], 'application/merge-patch+json');
    assert.deepEqual(JSON.parse(merge!.body), { metadata: { labels: { 'istio-injection': 'enabled', 'istio.io/rev': null } } });
    assert.equal(jsonPatch!.headers['content-type'], 'application/json-patch+json');
    assert.equal(jsonPatch!.query.get('dryRun'), 'All');
  });

  it('server-side applies with field manager istio-mesh, resolving unknown kinds with discovery', async () => {
    server.route = (req, res) => {
      if (req.method === 'GET' && req.path === '/apis/security.istio.io/v1beta1') {
        return json(res, 200, { resources: [{ name: 'peerauthentications', kind: 'PeerAuthentication', namespaced: true }, { name: 'peerauthentications/status', kind: 'PeerAuthentication', namespaced: true }] });
      }
      return json(res, 200, JSON.parse(req.body));
    };
    const pa = { apiVersion: 'security.istio.io/v1beta1', kind: 'PeerAuthentication', metadata: { name: 'default', namespace: 'istio-system' }, spec: { mtls: { mode: 'STRICT' } } };
    await client.apply(pa, { force: true });
    await client.apply({ ...pa, metadata: { name: 'other', namespace: 'istio-system' } });
    const applies = server.requests.filter((r) => r.method === 'PATCH');
    assert.equal(server.requests.filter((r) => r.method === 'GET').length, 1, 'discovery is cached');
    assert.equal(applies[0]!.path, '/apis/security.istio.io/v1beta1/namespaces/istio-system/peerauthentications/default');
    assert.equal(applies[0]!.headers['content-type'], 'application/apply-patch+yaml');
    assert.equal(applies[0]!.query.get('fieldManager'), 'istio-mesh');
    assert.equal(applies[0]!.query.get('force'), 'true');
    assert.equal(applies[1]!.query.get('force'), null);
  });

  it('turns a 403 into a forbidden error naming what was denied', async () => {
    server.route = (_req, res) => json(res, 403, { kind: 'Status', code: 403, reason: 'Forbidden', message: 'pods is forbidden' });
    await assert.rejects(client.list(Kinds.Pod), (e) => isClusterError(e, 'forbidden') && e.message === 'You may not list pods (cluster-wide) for context "fake".');
  });

  it('delete resolves false for a missing object and true otherwise', async () => {
    server.route = (req, res) => (req.path.endsWith('/gone') ? json(res, 404, { code: 404 }) : json(res, 200, { kind: 'Status' }));
    assert.equal(await client.delete(Kinds.ConfigMap, 'gone', 'shop'), false);
    assert.equal(await client.delete(Kinds.ConfigMap, 'here', 'shop', { propagationPolicy: 'Foreground' }), true);
    assert.deepEqual(JSON.parse(server.requests[1]!.body).propagationPolicy, 'Foreground');
  });

  it('answers canI with a SelfSubjectAccessReview', async () => {
    server.route = (req, res) => json(res, 201, { status: { allowed: JSON.parse(req.body).spec.resourceAttributes.verb === 'list' } });
    assert.equal(await client.canI('list', { resource: 'pods' }, 'shop'), true);
    assert.equal(await client.canI('delete', { resource: 'pods' }), false);
  });

  it('reports a stopped server as unreachable', async () => {
    await server.stop();
    await assert.rejects(client.version(), (e) => isClusterError(e, 'unreachable') && /Cannot reach the API server/.test(e.message));
    server = await new FakeApiServer().start();
  });

  it('handles a burst of watch events in slices: every event, in order, before the end, and other work runs in between', async () => {
    const count = 3000;
    server.route = (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      const lines: string[] = [];
      for (let i = 0; i < count; i++) lines.push(JSON.stringify({ type: 'MODIFIED', object: { metadata: { name: `p${i}`, resourceVersion: String(i) } } }));
      // One write, then the end: the whole burst arrives before the stream ends.
      res.end(`${lines.join('\n')}\n`);
    };
    const seen: number[] = [];
    // Each event costs its handler 0.4 ms (a pod's model rebuilt): a chunk of hundreds of events at once would hold
    // the event loop for over a hundred milliseconds.
    const busy = (ms: number) => {
      for (const until = performance.now() + ms; performance.now() < until;);
    };
    let last = performance.now();
    let longestGap = 0;
    const ticker = setInterval(() => {
      const now = performance.now();
      longestGap = Math.max(longestGap, now - last);
      last = now;
    }, 1);
    try {
      await client.watch(Kinds.Pod, { resourceVersion: '1' }, (e) => {
        seen.push(Number(e.object.metadata.name!.slice(1)));
        busy(0.4);
      });
    } finally {
      clearInterval(ticker);
    }
    assert.equal(seen.length, count);
    assert.ok(seen.every((n, i) => n === i), 'events out of order');
    assert.ok(longestGap < 80, `the event loop waited ${longestGap.toFixed(0)} ms at once`);
  });

  it('delivers watch events and rejects on an ERROR event with its status', async () => {
    server.route = (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.write(`${JSON.stringify({ type: 'ADDED', object: { metadata: { name: 'a', resourceVersion: '5' } } })}\n`);
      res.write(`${JSON.stringify({ type: 'ERROR', object: { kind: 'Status', code: 410, reason: 'Expired', message: 'too old resource version' } })}\n`);
    };
    const seen: string[] = [];
    await assert.rejects(client.watch(Kinds.Pod, { resourceVersion: '1' }, (e) => seen.push(`${e.type} ${e.object.metadata.name}`)), (e) => isClusterError(e) && e.status === 410);
    assert.deepEqual(seen, ['ADDED a']);
    assert.equal(server.requests[0]!.query.get('allowWatchBookmarks'), 'true');
    assert.equal(server.requests[0]!.query.get('resourceVersion'), '1');
  });
});
