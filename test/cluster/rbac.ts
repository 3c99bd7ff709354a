// RBAC test support, shared by the cluster and VS Code tiers: a kubeconfig that logs in as a ServiceAccount with
// only the rights a test binds to it, so the API server answers with real 403s.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dump } from 'js-yaml';
import type { ClusterClient } from '../../src/cluster/client';

/** A kubeconfig (context "limited") for a ServiceAccount bound to the `admin` ClusterRole in `namespace` only. */
export async function namespaceAdminKubeconfig(admin: ClusterClient, namespace: string): Promise<string> {
  await admin.apply({
    apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'ns-admin', namespace },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'admin' },
    subjects: [{ kind: 'ServiceAccount', name: 'ns-admin', namespace }],
  }, { force: true });
  const file = join(mkdtempSync(join(tmpdir(), 'istio-mesh-rbac-')), 'kubeconfig');
  return serviceAccountKubeconfig(admin, file, { name: 'ns-admin', namespace, contextNamespace: namespace });
}

/**
 * A kubeconfig that logs in as a ServiceAccount (created if missing) with a fresh token, for RBAC tests: the
 * account has only what the test binds to it. `contextNamespace` becomes the context's namespace.
 */
export async function serviceAccountKubeconfig(admin: ClusterClient, file: string, account: { name: string; namespace: string; contextNamespace?: string }): Promise<string> {
  await admin.apply({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: account.name, namespace: account.namespace } }, { force: true });
  const bearer = await requestToken(admin, account.name, account.namespace);
  const cluster = admin.kubeconfig.cluster;
  writeFileSync(file, dump({
    apiVersion: 'v1', kind: 'Config', 'current-context': 'limited',
    clusters: [{ name: 'c', cluster: { server: cluster.server, ...(cluster.caData ? { 'certificate-authority-data': cluster.caData } : { 'certificate-authority': cluster.caFile }) } }],
    users: [{ name: 'u', user: { token: bearer } }],
    contexts: [{ name: 'limited', context: { cluster: 'c', user: 'u', ...(account.contextNamespace ? { namespace: account.contextNamespace } : {}) } }],
  }));
  return file;
}

/** TokenRequest is a subresource (`serviceaccounts/<name>/token`); the wrapper has no helper for it, so post it by path. */
async function requestToken(client: ClusterClient, name: string, namespace: string): Promise<string> {
  const opts: import('node:https').RequestOptions = {};
  await client.kubeconfig.access.applyTo(opts);
  const { request } = await import('node:https');
  const url = new URL(`${client.server}/api/v1/namespaces/${namespace}/serviceaccounts/${name}/token`);
  const body = JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 600 } });
  return new Promise((ok, fail) => {
    const req = request(url, { ...opts, method: 'POST', headers: { ...opts.headers, 'content-type': 'application/json' } }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => {
        const token = (JSON.parse(text) as { status?: { token?: string } }).status?.token;
        if (token) ok(token);
        else fail(new Error(`TokenRequest failed: ${res.statusCode} ${text}`));
      });
    });
    req.on('error', fail);
    req.end(body);
  });
}
