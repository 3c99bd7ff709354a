import * as assert from 'node:assert/strict';
import { mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isClusterError } from '../../../src/cluster/errors';
import { PreparedKubeconfig } from '../../../src/cluster/preparedKubeconfig';

function write(path: string, server: string, current = 'one'): void {
  writeFileSync(path, [
    'apiVersion: v1', 'kind: Config', `current-context: ${current}`,
    'clusters:', '- name: c', '  cluster:', `    server: ${server}`,
    'users:', '- name: u', '  user:', '    token: t',
    'contexts:', '- name: one', '  context:', '    cluster: c', '    user: u', '- name: two', '  context:', '    cluster: c', '    user: u',
  ].join('\n'));
}

describe('a kubeconfig read ahead', () => {
  let path: string;
  beforeEach(() => {
    path = join(mkdtempSync(join(tmpdir(), 'istio-mesh-prepared-')), 'config');
    write(path, 'https://one:6443');
  });

  it('is handed to the next connection while its file is unchanged, once', async () => {
    const prepared = new PreparedKubeconfig();
    await prepared.prepare({ settingPath: path });
    const first = await prepared.load({ settingPath: path });
    assert.equal(first.cluster.server, 'https://one:6443');
    const again = await prepared.load({ settingPath: path });
    assert.notEqual(again, first, 'the next connection reads the file again');
    assert.equal(again.cluster.server, 'https://one:6443');
  });

  it('is read again when its file changed, or another context is asked for', async () => {
    const prepared = new PreparedKubeconfig();
    await prepared.prepare({ settingPath: path });
    write(path, 'https://changed:6443');
    utimesSync(path, new Date(), new Date(Date.now() + 5_000));
    assert.equal((await prepared.load({ settingPath: path })).cluster.server, 'https://changed:6443');
    await prepared.prepare({ settingPath: path });
    assert.equal((await prepared.load({ settingPath: path, context: 'two' })).currentContext, 'two');
  });

  it('waits for a reading still under way', async () => {
    const prepared = new PreparedKubeconfig();
    void prepared.prepare({ settingPath: path });
    assert.equal((await prepared.load({ settingPath: path })).cluster.server, 'https://one:6443');
  });

  it('never fails ahead: a kubeconfig that cannot be read fails when connecting, with the reason', async () => {
    const prepared = new PreparedKubeconfig();
    const missing = join(path, '..', 'missing');
    await prepared.prepare({ settingPath: missing });
    await assert.rejects(prepared.load({ settingPath: missing }), (e) => isClusterError(e, 'kubeconfig'));
  });
});
