// Our kubeconfig reader and request credentials against client-node's (the oracle): for each kind of user and
// cluster entry, the TLS options and headers of a request must be the same; only plugins and proxies go to client-node.
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import type * as https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { dump } from 'js-yaml';
import { loadKubeconfig } from '../../../src/cluster/kubeconfig';
import { parseKubeconfig } from '../../../src/cluster/kubeconfigEntries';

const b64 = (s: string) => Buffer.from(s).toString('base64');

/** What a request is given: the fields both implementations set. */
function requestFacts(opts: https.RequestOptions): Record<string, unknown> {
  const headers = (opts.headers ?? {}) as Record<string, string>;
  return {
    ca: opts.ca?.toString(), cert: opts.cert?.toString(), key: opts.key?.toString(),
    rejectUnauthorized: opts.rejectUnauthorized, servername: opts.servername, auth: opts.auth,
    authorization: headers.Authorization, impersonate: headers['Impersonate-User'],
  };
}

describe('kubeconfig credentials against client-node', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'istio-mesh-access-'));
    mkdirSync(join(dir, 'certs'));
    writeFileSync(join(dir, 'certs', 'ca.crt'), 'CA FROM FILE');
    writeFileSync(join(dir, 'certs', 'client.crt'), 'CERT FROM FILE');
    writeFileSync(join(dir, 'certs', 'client.key'), 'KEY FROM FILE');
  });

  const clusters: Record<string, Record<string, unknown>> = {
    'ca data': { server: 'https://a:6443/', 'certificate-authority-data': b64('CA DATA') },
    'relative ca file': { server: 'https://b:6443', 'certificate-authority': 'certs/ca.crt' },
    'skip verify, server name': { server: 'https://c', 'insecure-skip-tls-verify': true, 'tls-server-name': 'kubernetes.default' },
  };
  const users: Record<string, Record<string, unknown>> = {
    'client certificate data': { 'client-certificate-data': b64('CERT DATA'), 'client-key-data': b64('KEY DATA') },
    'client certificate files (relative)': { 'client-certificate': 'certs/client.crt', 'client-key': 'certs/client.key' },
    token: { token: 'tok-123' },
    'token and impersonation': { token: 'tok-456', as: 'jane' },
    'basic auth': { username: 'admin', password: 'secret' },
    'no fields': {},
  };

  for (const [clusterCase, cluster] of Object.entries(clusters)) {
    for (const [userCase, user] of Object.entries(users)) {
      it(`${clusterCase} × ${userCase}: the same TLS options and headers`, async () => {
        const file = join(dir, `${clusterCase}-${userCase}`.replace(/\W+/g, '-'));
        writeFileSync(file, dump({ apiVersion: 'v1', kind: 'Config', 'current-context': 'ctx', clusters: [{ name: 'c', cluster }], users: [{ name: 'u', user }], contexts: [{ name: 'ctx', context: { cluster: 'c', user: 'u' } }] }));
        const kc = new k8s.KubeConfig();
        kc.loadFromFile(file);
        const theirs: https.RequestOptions = {};
        await kc.applyToHTTPSOptions(theirs);
        const loaded = await loadKubeconfig({ settingPath: file });
        const ours: https.RequestOptions = {};
        await loaded.access.applyTo(ours);
        const expected = requestFacts(theirs);
        // client-node sends basic auth as `auth`, which our transport turns into the same Authorization header.
        assert.deepEqual(requestFacts(ours), expected);
        assert.equal(loaded.access.server, kc.getCurrentCluster()?.server);
      });
    }
  }

  it('reads a token file again on every request, as kubectl does (projected tokens rotate)', async () => {
    const tokenFile = join(dir, 'token');
    writeFileSync(tokenFile, 'first\n');
    const file = join(dir, 'token-file-config');
    writeFileSync(file, dump({ 'current-context': 'ctx', clusters: [{ name: 'c', cluster: { server: 'https://t' } }], users: [{ name: 'u', user: { 'token-file': 'token' } }], contexts: [{ name: 'ctx', context: { cluster: 'c', user: 'u' } }] }));
    const { access } = await loadKubeconfig({ settingPath: file });
    const header = async () => {
      const opts: https.RequestOptions = {};
      await access.applyTo(opts);
      return (opts.headers as Record<string, string>).Authorization;
    };
    assert.equal(await header(), 'Bearer first');
    writeFileSync(tokenFile, 'second\n');
    assert.equal(await header(), 'Bearer second');
  });

  it('hands exec plugins to client-node, which runs the plugin for the token', async () => {
    const plugin = join(dir, 'plugin.js');
    writeFileSync(plugin, `process.stdout.write(JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status: { token: 'from-plugin' } }));`);
    const file = join(dir, 'exec-config');
    writeFileSync(file, dump({ 'current-context': 'ctx', clusters: [{ name: 'c', cluster: { server: 'https://e', 'certificate-authority-data': b64('CA DATA') } }],
      users: [{ name: 'u', user: { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: process.execPath, args: [plugin], interactiveMode: 'Never' } } }],
      contexts: [{ name: 'ctx', context: { cluster: 'c', user: 'u' } }] }));
    const { access } = await loadKubeconfig({ settingPath: file });
    const opts: https.RequestOptions = {};
    await access.applyTo(opts);
    assert.equal((opts.headers as Record<string, string>).Authorization, 'Bearer from-plugin');
    assert.equal(opts.ca?.toString(), 'CA DATA');
  });

  it('leaves out entries kubectl leaves out: no name, a cluster without server, a context without cluster', () => {
    const entries = parseKubeconfig(dump({
      clusters: [{ cluster: { server: 'https://x' } }, { name: 'no-server', cluster: {} }, { name: 'ok', cluster: { server: 'https://ok/' } }],
      users: [{ user: { token: 't' } }, { name: 'bare' }],
      contexts: [{ name: 'no-cluster', context: { user: 'bare' } }, { name: 'ctx', context: { cluster: 'ok', user: 'bare', namespace: 'ns' } }],
      'current-context': 'ctx',
    }), '/base');
    assert.deepEqual(entries.clusters.map((c) => [c.name, c.server]), [['ok', 'https://ok']]);
    assert.deepEqual(entries.users.map((u) => u.name), ['bare']);
    assert.deepEqual(entries.contexts, [{ name: 'ctx', cluster: 'ok', user: 'bare', namespace: 'ns' }]);
    assert.equal(entries.currentContext, 'ctx');
    assert.deepEqual(parseKubeconfig('', '/base'), { clusters: [], users: [], contexts: [], currentContext: undefined });
  });
});
