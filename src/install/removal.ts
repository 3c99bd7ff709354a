/**
 * What an uninstall removes, and waiting until it is really gone. `istioctl uninstall` returns as soon as the
 * API server accepted the deletes; the garbage collector removes the objects (and their foreground-deletion
 * finalizers) seconds later. Reporting "removed" before that lets an install started at once collide with a
 * terminating webhook or CRD ("customresourcedefinitions ... not found").
 */
import type { UnstructuredObject } from '../cluster/types';
import { IstioSystemNamespace, RevisionLabel, TagLabel, injectorWebhookName, istiodName } from '../istio/names';
import type { UninstallScope } from './args';
import type { InstallCluster } from './installCluster';
import { waitUntil } from '../util/wait';

export interface ObjectRef {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
}

const MUTATING = ['admissionregistration.k8s.io/v1', 'MutatingWebhookConfiguration'] as const;
const VALIDATING = ['admissionregistration.k8s.io/v1', 'ValidatingWebhookConfiguration'] as const;
const CRD = ['apiextensions.k8s.io/v1', 'CustomResourceDefinition'] as const;

function refs(apiVersion: string, kind: string, objects: readonly UnstructuredObject[]): ObjectRef[] {
  return objects.map((o) => ({ apiVersion, kind, name: o.metadata.name, namespace: o.metadata.namespace }));
}

export function describeRef(ref: ObjectRef): string {
  return `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`;
}

/**
 * The objects the scope's uninstall removes, read before it runs: for a revision its istiod Deployment, injector
 * webhook and validating webhooks (labelled `istio.io/rev`, `default` for the default revision); for a purge
 * every istiod, every Istio injector, tag and validating webhook, and Istio's CRDs.
 */
export async function removalTargets(scope: UninstallScope, cluster: InstallCluster, signal?: AbortSignal): Promise<ObjectRef[]> {
  const get = async (apiVersion: string, kind: string, name: string, namespace?: string) => {
    const found = await cluster.get(apiVersion, kind, name, namespace, signal);
    return found ? refs(apiVersion, kind, [found]) : [];
  };
  const list = async (apiVersion: string, kind: string, labelSelector: string, namespace?: string) =>
    refs(apiVersion, kind, await cluster.list(apiVersion, kind, { labelSelector, namespace }, signal));

  if (scope.kind === 'revision') {
    const revision = scope.revision || 'default';
    const groups = await Promise.all([
      get('apps/v1', 'Deployment', istiodName(revision), IstioSystemNamespace),
      get(...MUTATING, injectorWebhookName(revision)),
      list(...VALIDATING, `${RevisionLabel}=${revision}`),
    ]);
    return groups.flat();
  }
  const groups = await Promise.all([
    list('apps/v1', 'Deployment', 'app=istiod', IstioSystemNamespace),
    list(...MUTATING, 'app=sidecar-injector'),
    list(...MUTATING, TagLabel),
    list(...VALIDATING, 'app=istiod'),
    cluster.list(...CRD, {}, signal).then((crds) => refs(...CRD, crds.filter((c) => c.metadata.name.endsWith('.istio.io')))),
  ]);
  const unique = new Map(groups.flat().map((r) => [describeRef(r), r]));
  return [...unique.values()];
}

export interface RemovalWait {
  readonly timeoutMs: number;
  readonly intervalMs: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (message: string) => void;
}

/** Waits until none of `targets` exists any more; returns those still there (being deleted) at the deadline. */
export async function waitUntilGone(cluster: InstallCluster, targets: readonly ObjectRef[], wait: RemovalWait): Promise<ObjectRef[]> {
  let remaining = [...targets];
  const gone = await waitUntil(async () => {
    const present = await Promise.all(remaining.map((r) => cluster.get(r.apiVersion, r.kind, r.name, r.namespace, wait.signal)));
    remaining = remaining.filter((_, i) => present[i] !== undefined);
    if (remaining.length === 0) return true;
    wait.onProgress?.(`Waiting for ${remaining.length} object${remaining.length === 1 ? '' : 's'} to be removed (${describeRef(remaining[0])}${remaining.length > 1 ? ', …' : ''})`);
    return undefined;
  }, wait.timeoutMs, wait.intervalMs, wait.signal);
  return gone ? [] : remaining;
}
