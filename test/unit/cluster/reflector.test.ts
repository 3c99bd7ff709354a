import * as assert from 'node:assert/strict';
import { Backoff } from '../../../src/cluster/backoff';
import { ClusterClient } from '../../../src/cluster/client';
import type { ClusterError } from '../../../src/cluster/errors';
import { Kinds } from '../../../src/cluster/kinds';
import { Reflector } from '../../../src/cluster/reflector';
import type { KubeObject } from '../../../src/cluster/types';
import { FakeApiServer, json, startWatch, until } from './fakeApiServer';

describe('Backoff', () => {
  it('doubles up to the maximum, with jitter between half and full delay', () => {
    const low = new Backoff(100, 1000, () => 0);
    assert.deepEqual([low.next(), low.next(), low.next(), low.next(), low.next(), low.next()], [50, 100, 200, 400, 500, 500]);
    const high = new Backoff(100, 1000, () => 1);
    assert.deepEqual([high.next(), high.next()], [100, 200]);
    high.reset();
    assert.equal(high.next(), 100);
  });
});

describe('Reflector', () => {
  let server: FakeApiServer;
  let client: ClusterClient;
  let reflector: Reflector | undefined;
  const names = new Map<string, string>();
  const errors: ClusterError[] = [];
  let lists = 0;
  const handlers = {
    onList(items: KubeObject[]) {
      lists++;
      names.clear();
      for (const i of items) names.set(i.metadata.name, i.metadata.resourceVersion ?? '');
    },
    onEvent(type: string, o: KubeObject) {
      if (type === 'DELETED') names.delete(o.metadata.name);
      else names.set(o.metadata.name, o.metadata.resourceVersion ?? '');
    },
    onError(e: ClusterError) {
      errors.push(e);
    },
  };
  const pod = (name: string, rv: string) => ({ metadata: { name, resourceVersion: rv } });

  beforeEach(async () => {
    server = await new FakeApiServer().start();
    client = await ClusterClient.connect({ settingPath: server.writeKubeconfig() });
    names.clear();
    errors.length = 0;
    lists = 0;
  });
  afterEach(async () => {
    await reflector?.stop();
    client.dispose();
    await server.stop();
  });

  it('lists, then watches from the list resourceVersion and follows bookmarks', async () => {
    const watches: ReturnType<typeof startWatch>[] = [];
    server.route = (req, res) => {
      if (req.query.get('watch') !== 'true') return json(res, 200, { metadata: { resourceVersion: '10' }, items: [pod('a', '9')] });
      watches.push(startWatch(res));
    };
    reflector = new Reflector(client, Kinds.Pod, handlers);
    reflector.start();
    await until(() => watches.length === 1, 3000, 'watch');
    assert.equal(server.requests[1]!.query.get('resourceVersion'), '10');
    watches[0]!.event('ADDED', pod('b', '11'));
    watches[0]!.event('BOOKMARK', { metadata: { resourceVersion: '15' } });
    watches[0]!.event('DELETED', pod('a', '16'));
    await until(() => !names.has('a') && names.has('b'));
    // The server ends the watch (its timeout): the reflector reopens it from the last resourceVersion.
    watches[0]!.end();
    await until(() => watches.length === 2, 3000, 'second watch');
    assert.equal(server.requests.at(-1)!.query.get('resourceVersion'), '16');
    assert.equal(lists, 1);
  });

  it('lists again when the watch answers 410 Gone', async () => {
    let listCount = 0;
    server.route = (req, res) => {
      if (req.query.get('watch') !== 'true') {
        listCount++;
        return json(res, 200, { metadata: { resourceVersion: String(listCount * 100) }, items: [pod(`gen${listCount}`, '1')] });
      }
      const w = startWatch(res);
      if (req.query.get('resourceVersion') === '100') w.event('ERROR', { kind: 'Status', code: 410, reason: 'Expired' });
    };
    reflector = new Reflector(client, Kinds.Pod, handlers);
    reflector.start();
    await until(() => names.has('gen2'), 3000, 'relist');
    assert.equal(errors.length, 0, '410 is handled without reporting an error');
  });

  it('backs off while the server is unreachable and resumes where it was', async () => {
    const watches: ReturnType<typeof startWatch>[] = [];
    let failures = 2;
    server.route = (req, res) => {
      if (req.query.get('watch') !== 'true') return json(res, 200, { metadata: { resourceVersion: '10' }, items: [] });
      if (watches.length > 0 && failures-- > 0) return json(res, 503, { code: 503, message: 'apiserver restarting' });
      watches.push(startWatch(res));
    };
    reflector = new Reflector(client, Kinds.Pod, handlers, { backoff: new Backoff(10, 50) });
    reflector.start();
    await until(() => watches.length === 1);
    watches[0]!.event('ADDED', pod('x', '12'));
    await until(() => names.has('x'));
    server.dropConnections();
    await until(() => watches.length === 2, 3000, 'reconnect');
    // The dropped stream and the two 503 answers are reported; the reflector kept going.
    assert.ok(errors.length >= 2 && errors.every((e) => e.kind === 'unreachable'), errors.map((e) => e.message).join('; '));
    assert.equal(server.requests.at(-1)!.query.get('resourceVersion'), '12');
    assert.equal(lists, 1, 'no relist needed after a disconnect');
  });

  it('relist() lists again at once', async () => {
    server.route = (req, res) => {
      if (req.query.get('watch') !== 'true') return json(res, 200, { metadata: { resourceVersion: '1' }, items: [] });
      startWatch(res);
    };
    reflector = new Reflector(client, Kinds.Pod, handlers);
    reflector.start();
    await until(() => lists === 1);
    reflector.relist();
    await until(() => lists === 2);
  });
});
