// `npm start` reports its local cluster's progress through a status file; the view follows it instead of saying
// "no cluster" for the minutes a fresh machine spends building it.
import * as assert from 'node:assert/strict';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeLocalCluster, LocalClusterWatch, parseLocalClusterStatus, type LocalClusterStatus } from '../../../src/cluster/localCluster';

describe('local cluster status', () => {
  it('reads what npm start writes, and nothing else', () => {
    assert.deepEqual(parseLocalClusterStatus('{"state":"starting","text":"building kube-apiserver","step":3,"total":15}'),
      { state: 'starting', text: 'building kube-apiserver', step: 3, total: 15 });
    assert.deepEqual(parseLocalClusterStatus('{"state":"ready","text":"up","step":-1}'), { state: 'ready', text: 'up', step: undefined, total: undefined });
    for (const text of ['', '{"state":"starting"', '[]', 'null', '{"state":"done","text":"x"}', '{"state":"ready","text":1}']) {
      assert.equal(parseLocalClusterStatus(text), undefined, text);
    }
  });

  it('says the step and how far along it is', () => {
    assert.equal(describeLocalCluster({ state: 'starting', text: 'building kube-apiserver', step: 3, total: 15 }), 'Local cluster starting — building kube-apiserver (3/15)…');
    assert.equal(describeLocalCluster({ state: 'starting', text: 'preparing' }), 'Local cluster starting — preparing…');
    assert.equal(describeLocalCluster({ state: 'failed', text: 'Go is missing' }), 'The local cluster failed to start: Go is missing');
  });

  describe('watch', () => {
    let dir: string;
    let watch: LocalClusterWatch | undefined;
    beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'local-cluster-'))));
    afterEach(() => {
      watch?.dispose();
      rmSync(dir, { recursive: true, force: true });
    });
    const write = (status: LocalClusterStatus) => {
      // As the writer does it: a whole new file renamed over the old one.
      writeFileSync(join(dir, 'status.json.tmp'), JSON.stringify(status));
      renameSync(join(dir, 'status.json.tmp'), join(dir, 'status.json'));
    };
    const next = (w: LocalClusterWatch) => new Promise<LocalClusterStatus | undefined>((resolve) => {
      const subscription = w.onDidChange((s) => {
        subscription.dispose();
        resolve(s);
      });
    });

    it('has the status at once and follows each rewrite until ready', async () => {
      write({ state: 'starting', text: 'building etcd', step: 1, total: 3 });
      watch = new LocalClusterWatch(join(dir, 'status.json'));
      assert.equal(watch.current?.text, 'building etcd');
      let changed = next(watch);
      write({ state: 'starting', text: 'starting etcd', step: 2, total: 3 });
      assert.equal((await changed)?.step, 2);
      changed = next(watch);
      write({ state: 'ready', text: 'up' });
      assert.equal((await changed)?.state, 'ready');
      assert.equal(watch.current?.state, 'ready');
    });

    it('has no status without the file, and one once it appears', async () => {
      watch = new LocalClusterWatch(join(dir, 'status.json'));
      assert.equal(watch.current, undefined);
      const changed = next(watch);
      write({ state: 'starting', text: 'preparing' });
      assert.equal((await changed)?.text, 'preparing');
    });

    it('follows nothing when the folder does not exist', () => {
      watch = new LocalClusterWatch(join(dir, 'gone', 'status.json'));
      assert.equal(watch.current, undefined);
    });
  });
});
