import * as assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { isClusterError } from '../../../src/cluster/errors';
import { kubeconfigFiles, listContexts, loadKubeconfig } from '../../../src/cluster/kubeconfig';

function kubeconfig(dir: string, file: string, opts: { current?: string; contexts: [string, string][]; servers: [string, string][] }): string {
  const path = join(dir, file);
  writeFileSync(path, [
    'apiVersion: v1', 'kind: Config', ...(opts.current ? [`current-context: ${opts.current}`] : []),
    'clusters:', ...opts.servers.flatMap(([name, server]) => [`- name: ${name}`, '  cluster:', `    server: ${server}`]),
    'users:', '- name: u', '  user:', '    token: t',
    'contexts:', ...opts.contexts.flatMap(([name, cluster]) => [`- name: ${name}`, '  context:', `    cluster: ${cluster}`, '    user: u']),
  ].join('\n'));
  return path;
}

describe('kubeconfig loading', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'istio-mesh-kubeconfig-'));
  });

  it('uses the setting, then KUBECONFIG, then ~/.kube/config', () => {
    assert.deepEqual(kubeconfigFiles({ settingPath: '/a/config', env: { KUBECONFIG: '/b' } }), ['/a/config']);
    assert.deepEqual(kubeconfigFiles({ env: { KUBECONFIG: ['/b', '', '/c', '/b'].join(delimiter) } }), ['/b', '/c']);
    assert.deepEqual(kubeconfigFiles({ env: {}, home: '/home/me' }), ['/home/me/.kube/config']);
    assert.deepEqual(kubeconfigFiles({ settingPath: '~/k.yaml', home: '/home/me' }), ['/home/me/k.yaml']);
  });

  it('merges KUBECONFIG files: first definition and first current-context win, missing files are skipped', async () => {
    const a = kubeconfig(dir, 'a', { current: 'one', contexts: [['one', 'c1'], ['shared', 'c1']], servers: [['c1', 'https://one:6443']] });
    const b = kubeconfig(dir, 'b', { current: 'two', contexts: [['two', 'c2'], ['shared', 'c2']], servers: [['c2', 'https://two:6443'], ['c1', 'https://ignored']] });
    const loaded = await loadKubeconfig({ env: { KUBECONFIG: [join(dir, 'missing'), a, b].join(delimiter) } });
    assert.equal(loaded.currentContext, 'one');
    assert.deepEqual(loaded.files, [a, b]);
    assert.deepEqual(loaded.contexts.map((c) => [c.name, c.server]), [['one', 'https://one:6443'], ['shared', 'https://one:6443'], ['two', 'https://two:6443']]);
    assert.equal(loaded.cluster.server, 'https://one:6443');
  });

  it('switches to a given context', async () => {
    const a = kubeconfig(dir, 'a', { current: 'one', contexts: [['one', 'c1'], ['two', 'c2']], servers: [['c1', 'https://one'], ['c2', 'https://two']] });
    const loaded = await loadKubeconfig({ settingPath: a, context: 'two' });
    assert.equal(loaded.cluster.server, 'https://two');
  });

  it('reports a missing file, an unparsable file and an unknown context as kubeconfig errors', async () => {
    await assert.rejects(loadKubeconfig({ settingPath: join(dir, 'nope') }), (e) => isClusterError(e, 'kubeconfig') && e.reason === 'NoKubeconfig');
    await assert.rejects(loadKubeconfig({ env: {}, home: dir }), (e) => isClusterError(e, 'kubeconfig') && /No kubeconfig found/.test(e.message));
    const bad = join(dir, 'bad');
    writeFileSync(bad, 'clusters: [\n  - : :');
    await assert.rejects(loadKubeconfig({ settingPath: bad }), (e) => isClusterError(e, 'kubeconfig') && e.reason === 'Invalid' && e.message.includes(bad));
    const a = kubeconfig(dir, 'a', { current: 'one', contexts: [['one', 'c1']], servers: [['c1', 'https://one']] });
    await assert.rejects(loadKubeconfig({ settingPath: a, context: 'zzz' }), (e) => isClusterError(e, 'kubeconfig') && e.reason === 'NoContext');
  });

  it('never carries the file around a parse error into the error (it may hold tokens and keys)', async () => {
    const bad = join(dir, 'secret');
    writeFileSync(bad, ['users:', '- name: u', '  user:', '    token: eyJSECRET123', '    client-key-data: LS0tSECRET', 'clusters: [', '  - : :'].join('\n'));
    const error = await loadKubeconfig({ settingPath: bad }).then(() => undefined, (e: unknown) => e);
    assert.ok(isClusterError(error, 'kubeconfig'), String(error));
    assert.doesNotMatch(`${error.toLogString()} ${String(error.cause ?? '')}`, /SECRET/);
  });

  it('skips an empty kubeconfig file, as kubectl does', async () => {
    const empty = join(dir, 'empty');
    writeFileSync(empty, '\n');
    const a = kubeconfig(dir, 'a', { current: 'one', contexts: [['one', 'c1']], servers: [['c1', 'https://one']] });
    const loaded = await loadKubeconfig({ env: { KUBECONFIG: [empty, a].join(delimiter) } });
    assert.equal(loaded.currentContext, 'one');
  });

  it('refuses a context whose cluster or user is not defined, naming it', async () => {
    const a = kubeconfig(dir, 'a', { current: 'one', contexts: [['one', 'gone'], ['two', 'c1']], servers: [['c1', 'https://one']] });
    await assert.rejects(loadKubeconfig({ settingPath: a }), (e) => isClusterError(e, 'kubeconfig') && /context "one" names the cluster "gone"/.test(e.message));
    const b = join(dir, 'b');
    writeFileSync(b, ['current-context: one', 'clusters:', '- name: c1', '  cluster:', '    server: https://one', 'contexts:', '- name: one', '  context:', '    cluster: c1', '    user: nobody'].join('\n'));
    await assert.rejects(loadKubeconfig({ settingPath: b }), (e) => isClusterError(e, 'kubeconfig') && /names the user "nobody"/.test(e.message));
  });

  it('lists contexts even when no current context is set', async () => {
    const a = kubeconfig(dir, 'a', { contexts: [['one', 'c1']], servers: [['c1', 'https://one']] });
    await assert.rejects(loadKubeconfig({ settingPath: a }), (e) => isClusterError(e, 'kubeconfig') && e.reason === 'NoContext');
    const { contexts, currentContext } = await listContexts({ settingPath: a });
    assert.equal(currentContext, undefined);
    assert.deepEqual(contexts.map((c) => c.name), ['one']);
  });
});
