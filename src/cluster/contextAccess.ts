// How requests reach one kubeconfig context's API server: its URL, its TLS material and its Authorization header.
// Certificates, keys, tokens and basic auth are ours (read again on every request, so rotated files are picked up);
// credential plugins (`exec`), `auth-provider`s and proxies are client-node's, loaded only for a context that has one,
// so the common kubeconfig never pays for the library at activation.
import { readFileSync } from 'node:fs';
import type * as https from 'node:https';
import type { KubeCluster, KubeUser } from './kubeconfigEntries';

export interface ContextAccess {
  readonly server: string;
  readonly proxyUrl?: string;
  /** Sets `ca`, `cert`, `key`, `rejectUnauthorized`, `servername`, headers (and an `agent` for a proxy) on `opts`. */
  applyTo(opts: https.RequestOptions): Promise<void>;
}

export function contextAccess(context: string, cluster: KubeCluster, user: KubeUser | undefined): ContextAccess {
  const needsLibrary = cluster.proxyUrl !== undefined || user?.exec !== undefined || user?.authProvider !== undefined;
  return needsLibrary ? new LibraryAccess(context, cluster, user) : new StaticAccess(cluster, user);
}

class StaticAccess implements ContextAccess {
  readonly server: string;

  constructor(private readonly cluster: KubeCluster, private readonly user: KubeUser | undefined) {
    this.server = cluster.server;
  }

  async applyTo(opts: https.RequestOptions): Promise<void> {
    applyTls(opts, this.cluster, this.user);
    const user = this.user;
    if (!user) return;
    const headers = (opts.headers ??= {}) as Record<string, string>;
    if (user.impersonateUser) headers['Impersonate-User'] = user.impersonateUser;
    const token = tokenOf(user);
    if (token) headers.Authorization = `Bearer ${token}`;
    else if (user.username) opts.auth = `${user.username}:${user.password ?? ''}`;
  }
}

function applyTls(opts: https.RequestOptions, cluster: KubeCluster, user: KubeUser | undefined): void {
  if (cluster.skipTLSVerify) opts.rejectUnauthorized = false;
  if (cluster.tlsServerName) opts.servername = cluster.tlsServerName;
  const ca = fileOrData(cluster.caFile, cluster.caData);
  if (ca) opts.ca = ca;
  const cert = fileOrData(user?.certFile, user?.certData);
  if (cert) opts.cert = cert;
  const key = fileOrData(user?.keyFile, user?.keyData);
  if (key) opts.key = key;
}

/** The user's token, its `token-file` read now (kubectl reads it again too: projected tokens rotate). */
function tokenOf(user: KubeUser): string | undefined {
  return user.token ?? (user.tokenFile ? readFileSync(user.tokenFile, 'utf8').trim() : undefined);
}

/** As kubectl: a file named wins over inline data. */
function fileOrData(file: string | undefined, data: string | undefined): Buffer | undefined {
  if (file) return readFileSync(file);
  return data ? Buffer.from(data, 'base64') : undefined;
}

/** client-node's KubeConfig for the one context, made on the first request. */
class LibraryAccess implements ContextAccess {
  readonly server: string;
  readonly proxyUrl?: string;
  private kc: Promise<import('@kubernetes/client-node').KubeConfig> | undefined;

  constructor(private readonly context: string, private readonly cluster: KubeCluster, private readonly user: KubeUser | undefined) {
    this.server = cluster.server;
    this.proxyUrl = cluster.proxyUrl;
  }

  async applyTo(opts: https.RequestOptions): Promise<void> {
    this.kc ??= this.load().catch((err: unknown) => {
      this.kc = undefined; // a token file that appears later is read on the next request
      throw err;
    });
    await (await this.kc).applyToHTTPSOptions(opts);
    // client-node applies nothing, not even the CA, for a context without a user.
    if (!this.user) applyTls(opts, this.cluster, undefined);
  }

  private async load(): Promise<import('@kubernetes/client-node').KubeConfig> {
    const { KubeConfig } = await import('./kubernetesClient');
    const kc = new KubeConfig();
    const user = this.user && { ...this.user, token: tokenOf(this.user) };
    kc.loadFromOptions({
      clusters: [this.cluster],
      users: user ? [user] : [],
      contexts: [{ name: this.context, cluster: this.cluster.name, user: user?.name ?? '' }],
      currentContext: this.context,
    });
    return kc;
  }
}
