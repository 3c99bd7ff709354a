// One kubeconfig file's clusters, users and contexts, read as kubectl and client-node read them: entries without a
// name (or a cluster without a server, a context without a cluster) are left out, relative file paths are taken from
// the file's directory. Pure apart from reading the file, so activation needs no Kubernetes library to list contexts.
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { load } from 'js-yaml';

export interface KubeCluster {
  readonly name: string;
  /** Without a trailing slash. */
  readonly server: string;
  readonly caData?: string;
  readonly caFile?: string;
  readonly skipTLSVerify: boolean;
  readonly tlsServerName?: string;
  readonly proxyUrl?: string;
}

export interface KubeUser {
  readonly name: string;
  readonly certData?: string;
  readonly certFile?: string;
  readonly keyData?: string;
  readonly keyFile?: string;
  readonly token?: string;
  /** Read again for each request, as kubectl does: projected ServiceAccount tokens rotate. */
  readonly tokenFile?: string;
  readonly username?: string;
  readonly password?: string;
  readonly impersonateUser?: string;
  /** A credential plugin (`exec`) or an `auth-provider` (OIDC, cloud plugins): left to client-node. */
  readonly exec?: unknown;
  readonly authProvider?: unknown;
}

export interface KubeContext {
  readonly name: string;
  readonly cluster: string;
  /** Empty: anonymous access. */
  readonly user: string;
  readonly namespace?: string;
}

export interface KubeconfigEntries {
  clusters: KubeCluster[];
  users: KubeUser[];
  contexts: KubeContext[];
  currentContext?: string;
}

/** Reads `file`; throws the YAML parser's error when it is not YAML. An empty file has no entries. */
export function readKubeconfigFile(file: string): KubeconfigEntries {
  return parseKubeconfig(readFileSync(file, 'utf8'), dirname(file));
}

/** The entries of a kubeconfig's text; `baseDir` resolves relative certificate, key and token paths. */
export function parseKubeconfig(text: string, baseDir: string): KubeconfigEntries {
  const doc = record(load(text));
  const path = (p: unknown) => (typeof p === 'string' && p !== '' ? (isAbsolute(p) ? p : join(baseDir, p)) : undefined);
  const clusters = entries(doc.clusters, 'cluster').flatMap(({ name, body }) => {
    const server = nonEmpty(body.server);
    if (!server) return [];
    return [{
      name, server: server.replace(/\/$/, ''),
      caData: nonEmpty(body['certificate-authority-data']), caFile: path(body['certificate-authority']),
      skipTLSVerify: body['insecure-skip-tls-verify'] === true,
      tlsServerName: nonEmpty(body['tls-server-name']), proxyUrl: nonEmpty(body['proxy-url']),
    }];
  });
  const users = entries(doc.users, 'user', true).map(({ name, body }) => ({
    name,
    certData: nonEmpty(body['client-certificate-data']), certFile: path(body['client-certificate']),
    keyData: nonEmpty(body['client-key-data']), keyFile: path(body['client-key']),
    token: nonEmpty(body.token), tokenFile: body.token ? undefined : path(body['token-file']),
    username: nonEmpty(body.username), password: nonEmpty(body.password), impersonateUser: nonEmpty(body.as),
    exec: body.exec ?? undefined, authProvider: body['auth-provider'] ?? undefined,
  }));
  const contexts = entries(doc.contexts, 'context').flatMap(({ name, body }) => {
    const cluster = nonEmpty(body.cluster);
    return cluster ? [{ name, cluster, user: nonEmpty(body.user) ?? '', namespace: nonEmpty(body.namespace) }] : [];
  });
  return { clusters, users, contexts, currentContext: nonEmpty(doc['current-context']) };
}

/** `[{ name, <key>: {...} }]` entries with a name; `optionalBody`: a missing body reads as empty (a user with no fields). */
function entries(list: unknown, key: string, optionalBody = false): { name: string; body: Record<string, unknown> }[] {
  if (!Array.isArray(list)) return [];
  return list.flatMap((item) => {
    const entry = record(item);
    const name = nonEmpty(entry.name);
    const body = entry[key];
    if (!name || (!optionalBody && (typeof body !== 'object' || body === null))) return [];
    return [{ name, body: record(body) }];
  });
}

function record(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/** A non-empty string value; kubeconfig writers put numbers where strings belong now and then (a numeric token). */
function nonEmpty(v: unknown): string | undefined {
  if (typeof v === 'string') return v === '' ? undefined : v;
  return typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;
}
