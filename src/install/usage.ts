/**
 * Who still uses a control plane revision or a revision tag: namespaces that point at it (by `istio.io/rev`,
 * through a tag, or by `istio-injection=enabled` for `default`), the tags that point at it, and the running pods
 * whose proxy it injected. The uninstall and tag-removal confirmations list them by name. Reads only.
 */
import { isClusterError } from '../cluster/errors';
import type { UnstructuredObject } from '../cluster/types';
import { InjectionEnabled, InjectionLabel, RevisionLabel, TagLabel, revisionTag } from '../istio/names';
import { isLive, podSidecar } from '../istio/pods';
import type { ControlPlane, NamespaceModel } from '../mesh/model';
import { revisionUsage } from '../mesh/revisionUsage';
import type { UninstallScope } from './args';
import { namespacesUsingSelectors } from './controlPlane';
import type { InstallCluster } from './installCluster';

const MUTATING = ['admissionregistration.k8s.io/v1', 'MutatingWebhookConfiguration'] as const;

export interface RevisionTag {
  readonly name: string;
  readonly revision: string;
}

/** Revision tags, from their MutatingWebhookConfigurations (`istio.io/tag` → `istio.io/rev`), sorted by name; those being deleted are gone. */
export async function listRevisionTags(cluster: InstallCluster, signal?: AbortSignal): Promise<RevisionTag[]> {
  const webhooks = await cluster.list(...MUTATING, { labelSelector: TagLabel }, signal);
  return webhooks
    .filter((w) => !w.metadata.deletionTimestamp)
    .map((w) => revisionTag(w.metadata.labels))
    .filter((t) => t !== undefined)
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** Label selectors of the namespaces a tag serves: `istio.io/rev=<tag>`, and `istio-injection=enabled` for `default`. */
export function tagUserSelectors(tag: string): string[] {
  return [`${RevisionLabel}=${tag}`, ...(tag === 'default' ? [`${InjectionLabel}=${InjectionEnabled}`] : [])];
}

/** Names of the namespaces matching any of the selectors, sorted, each once. Namespaces being deleted count: they still run pods. */
export async function namespacesMatching(cluster: InstallCluster, selectors: readonly string[], signal?: AbortSignal): Promise<string[]> {
  const lists = await Promise.all(selectors.map((labelSelector) => cluster.list('v1', 'Namespace', { labelSelector }, signal)));
  return [...new Set(lists.flat().map((n) => n.metadata.name))].sort();
}

export interface PodCount {
  readonly namespace: string;
  readonly pods: number;
}

export interface RevisionUsers {
  readonly namespaces: readonly string[];
  readonly tags: readonly RevisionTag[];
  /** Live pods whose proxy the revision injected, per namespace; undefined when pods may not be read. */
  readonly pods?: readonly PodCount[];
}

/** Live pods injected by `revision` (any revision for a purge), counted per namespace, sorted by namespace. */
function injectedPodCounts(pods: readonly UnstructuredObject[], scope: UninstallScope): PodCount[] {
  const counts = new Map<string, number>();
  for (const pod of pods as Parameters<typeof podSidecar>[0][]) {
    if (!isLive(pod)) continue;
    const sidecar = podSidecar(pod);
    const ours = scope.kind === 'purge' ? sidecar.injected : sidecar.injectedRevision === scope.revision;
    if (!ours) continue;
    const namespace = pod.metadata?.namespace ?? '';
    counts.set(namespace, (counts.get(namespace) ?? 0) + 1);
  }
  return [...counts].sort(([a], [b]) => a.localeCompare(b)).map(([namespace, count]) => ({ namespace, pods: count }));
}

/** A read the user may not be allowed: forbidden becomes `fallback` (the confirmation then says what is unknown). */
async function unlessForbidden<T>(read: Promise<T>, fallback: T): Promise<T> {
  try {
    return await read;
  } catch (err) {
    if (isClusterError(err, 'forbidden')) return fallback;
    throw err;
  }
}

/** Everything that still uses the scope's revision (or anything of Istio, for a purge). */
export async function revisionUsers(cluster: InstallCluster, scope: UninstallScope, signal?: AbortSignal): Promise<RevisionUsers> {
  const allTags = await unlessForbidden(listRevisionTags(cluster, signal), []);
  const tags = scope.kind === 'purge' ? allTags : allTags.filter((t) => t.revision === scope.revision);
  const [namespaces, pods] = await Promise.all([
    namespacesMatching(cluster, namespacesUsingSelectors(scope, tags), signal),
    unlessForbidden<UnstructuredObject[] | undefined>(cluster.list('v1', 'Pod', {}, signal), undefined),
  ]);
  return { namespaces, tags, pods: pods && injectedPodCounts(pods, scope) };
}

/**
 * The same answer from the Mesh view's live model, which its watches keep current: nothing is listed again, and the
 * pods are those `revisionUsage` counts (by the revision that injected them). Namespaces are those whose labels name
 * the revision or one of its tags (`istio-injection=enabled` for `default`), as `namespacesUsingSelectors` asks the
 * API server, plus any the injection engine says select it.
 */
export function revisionUsersOf(cp: ControlPlane, namespaces: readonly NamespaceModel[], scope: UninstallScope): RevisionUsers {
  const tags = (scope.kind === 'purge' ? cp.tags : cp.tags.filter((t) => t.revision === scope.revision)).map((t) => ({ name: t.name, revision: t.revision }));
  const names = scope.kind === 'purge' ? undefined : new Set([scope.revision, ...tags.map((t) => t.name)]);
  const labelled = (labels: Readonly<Record<string, string>>) => {
    const rev = labels[RevisionLabel];
    const enabled = labels[InjectionLabel] === InjectionEnabled;
    return names === undefined ? rev !== undefined || enabled : (rev !== undefined && names.has(rev)) || (enabled && names.has('default'));
  };
  const uses = revisionUsage(cp, namespaces).filter((u) => scope.kind === 'purge' || u.revision === scope.revision);
  const users = new Set(namespaces.filter((n) => labelled(n.labels)).map((n) => n.name));
  const pods = new Map<string, number>();
  for (const use of uses) {
    for (const n of use.namespaces) {
      if (n.selection) users.add(n.namespace);
      if (n.onRevision) pods.set(n.namespace, (pods.get(n.namespace) ?? 0) + n.onRevision);
    }
  }
  return {
    namespaces: [...users].sort(),
    tags,
    pods: [...pods].sort(([a], [b]) => a.localeCompare(b)).map(([namespace, count]) => ({ namespace, pods: count })),
  };
}

/** True when nothing is known to use it: then the confirmation needs no list. Pods that could not be read count as users. */
export function unused(users: RevisionUsers): boolean {
  return users.namespaces.length === 0 && users.tags.length === 0 && users.pods?.length === 0;
}

/** The confirmation's lines naming every user; the pods line says when pods could not be read. */
export function describeUsers(users: RevisionUsers): string[] {
  const lines: string[] = [];
  if (users.namespaces.length) lines.push(`Namespaces still using it (their sidecars lose their control plane): ${users.namespaces.join(', ')}`);
  if (users.tags.length) lines.push(`Revision tags pointing at it: ${users.tags.map((t) => `${t.name} → ${t.revision}`).join(', ')}`);
  if (users.pods === undefined) lines.push('Running pods: unknown (you may not list pods).');
  else if (users.pods.length) {
    const total = users.pods.reduce((sum, p) => sum + p.pods, 0);
    lines.push(`Running pods with its proxy (${total}): ${users.pods.map((p) => `${p.namespace} ${p.pods}`).join(', ')}`);
  }
  return lines;
}
