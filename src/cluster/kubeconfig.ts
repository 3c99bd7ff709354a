import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { contextAccess, type ContextAccess } from './contextAccess';
import { ClusterError } from './errors';
import { readKubeconfigFile, type KubeCluster, type KubeconfigEntries, type KubeContext, type KubeUser } from './kubeconfigEntries';
import { errorMessage } from '../util/errors';

/** Where to look for kubeconfig files. Defaults: the process environment and home directory. */
export interface KubeconfigSource {
  /** The `istio.kubeconfig` setting: when set, exactly this file is used (like `kubectl --kubeconfig`). */
  settingPath?: string;
  env?: Record<string, string | undefined>;
  home?: string;
  /** Overrides the file's current-context (the user picked another one). */
  context?: string;
}

export interface ContextInfo {
  name: string;
  cluster: string;
  user: string;
  namespace?: string;
  server?: string;
}

export interface LoadedKubeconfig {
  /** The chosen context's server and credentials. */
  readonly access: ContextAccess;
  readonly cluster: KubeCluster;
  readonly user?: KubeUser;
  readonly files: readonly string[];
  readonly contexts: readonly ContextInfo[];
  readonly currentContext: string;
}
/** The files to read, in precedence order, following kubectl's rules. */
export function kubeconfigFiles(source: KubeconfigSource = {}): string[] {
  if (source.settingPath) return [expandHome(source.settingPath, source.home)];
  const env = source.env ?? process.env;
  const fromEnv = (env.KUBECONFIG ?? '').split(delimiter).filter((p) => p.length > 0);
  if (fromEnv.length > 0) return [...new Set(fromEnv.map((p) => expandHome(p, source.home)))];
  return [join(source.home ?? homedir(), '.kube', 'config')];
}

function expandHome(path: string, home?: string): string {
  return path === '~' || path.startsWith('~/') ? join(home ?? homedir(), path.slice(1)) : path;
}

/**
 * Loads and merges kubeconfig files as kubectl does: files listed in KUBECONFIG that do not exist are skipped,
 * the first file to define a cluster, user or context wins, and the first `current-context` set wins.
 * Throws ClusterError `kubeconfig` with reason `NoKubeconfig`, `Invalid` or `NoContext`.
 */
export async function loadKubeconfig(source: KubeconfigSource = {}): Promise<LoadedKubeconfig> {
  const { present, clusters, users, contexts, currentContext } = readMerged(source);
  const chosen = source.context ?? currentContext;
  if (!chosen || !contexts.has(chosen)) {
    throw new ClusterError('kubeconfig', chosen
      ? `The context "${chosen}" is not defined in ${present.join(', ')}.`
      : `The kubeconfig (${present.join(', ')}) sets no current context. Select one.`, { reason: 'NoContext' });
  }
  const context = contexts.get(chosen)!;
  // As kubectl: a context must name a cluster and a user the kubeconfig defines (no user at all is anonymous access).
  const cluster = clusters.get(context.cluster);
  const user = context.user ? users.get(context.user) : undefined;
  const missing = !cluster ? `the cluster "${context.cluster}"` : context.user && !user ? `the user "${context.user}"` : undefined;
  if (missing || !cluster) {
    throw new ClusterError('kubeconfig', `The context "${chosen}" names ${missing}, which is not defined in ${present.join(', ')}.`, { reason: 'Invalid' });
  }
  return { access: contextAccess(chosen, cluster, user), cluster, user, files: present, contexts: contextInfos(contexts, clusters), currentContext: chosen };
}

/** The contexts of the merged kubeconfig and its current context, for a picker. Throws like `loadKubeconfig`. */
export async function listContexts(source: KubeconfigSource = {}): Promise<{ contexts: ContextInfo[]; currentContext?: string }> {
  const { clusters, contexts, currentContext } = readMerged(source);
  return { contexts: contextInfos(contexts, clusters), currentContext };
}

function contextInfos(contexts: Map<string, KubeContext>, clusters: Map<string, KubeCluster>): ContextInfo[] {
  return [...contexts.values()].map((c) => ({
    name: c.name, cluster: c.cluster, user: c.user, namespace: c.namespace, server: clusters.get(c.cluster)?.server,
  }));
}

function readMerged(source: KubeconfigSource) {
  const files = kubeconfigFiles(source);
  const present = files.filter((f) => existsSync(f));
  if (present.length === 0 || (source.settingPath && present.length !== files.length)) {
    throw new ClusterError('kubeconfig', source.settingPath
      ? `The kubeconfig file "${files[0]}" (setting istio.kubeconfig) does not exist.`
      : `No kubeconfig found (looked at ${files.join(', ')}).`, { reason: 'NoKubeconfig' });
  }
  const clusters = new Map<string, KubeCluster>();
  const users = new Map<string, KubeUser>();
  const contexts = new Map<string, KubeContext>();
  let currentContext: string | undefined;
  for (const file of present) {
    let one: KubeconfigEntries;
    try {
      one = readKubeconfigFile(file);
    } catch (err) {
      // Only the first line: the parser's next lines quote the file around the error, tokens and keys included.
      const firstLine = errorMessage(err).split('\n')[0];
      throw new ClusterError('kubeconfig', `The kubeconfig file "${file}" cannot be read: ${firstLine}`, { reason: 'Invalid' });
    }
    for (const c of one.clusters) if (!clusters.has(c.name)) clusters.set(c.name, c);
    for (const u of one.users) if (!users.has(u.name)) users.set(u.name, u);
    for (const c of one.contexts) if (!contexts.has(c.name)) contexts.set(c.name, c);
    currentContext ??= one.currentContext;
  }
  return { present, clusters, users, contexts, currentContext };
}
