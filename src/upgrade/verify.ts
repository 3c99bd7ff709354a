/**
 * Which revision's proxy each pod actually runs, read from the injected pod (`sidecar.istio.io/status`, then the
 * `istio.io/rev` the injector writes), never from its namespace's label: a pod keeps its proxy until it is
 * re-created. The upgrade's verification and its uninstall refusal read pods only through `PodRevisionSource`, so
 * another per-revision computation can stand in for the live store later.
 */
import type { Pod } from '../cluster/types';
import { RevisionLabel, SidecarInjectLabel } from '../istio/names';
import { isLive, podSidecar } from '../istio/pods';

export interface PodRevision {
  readonly namespace: string;
  readonly name: string;
  /** The revision that injected its proxy; undefined for a pod without an injected proxy. */
  readonly revision?: string;
  /** The pod opted out (`sidecar.istio.io/inject: "false"`): it is expected to have no proxy. */
  readonly optedOut: boolean;
}

/** The pods of some namespaces with the revision of their proxy. */
export interface PodRevisionSource {
  podRevisions(namespaces: readonly string[]): Promise<readonly PodRevision[]>;
}

/** Live pods only: one being deleted is already replaced. */
export function podRevisionsOf(pods: Iterable<Pick<Pod, 'metadata' | 'spec' | 'status'>>): PodRevision[] {
  const result: PodRevision[] = [];
  for (const pod of pods) {
    if (!isLive(pod)) continue;
    const sidecar = podSidecar(pod);
    const labels = pod.metadata?.labels ?? {};
    const revision = sidecar.injected ? sidecar.injectedRevision ?? labels[RevisionLabel] : undefined;
    result.push({ namespace: pod.metadata?.namespace ?? '', name: pod.metadata?.name ?? '', ...(revision ? { revision } : {}), optedOut: labels[SidecarInjectLabel] === 'false' });
  }
  return result.sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));
}

/** A source over any pod list (the live store's pods, or a list read from the cluster). */
export function podRevisionSource(listPods: (namespace: string) => Promise<Iterable<Pick<Pod, 'metadata' | 'spec' | 'status'>>>): PodRevisionSource {
  return {
    async podRevisions(namespaces) {
      const lists = await Promise.all(namespaces.map(listPods));
      return podRevisionsOf(lists.flatMap((l) => [...l]));
    },
  };
}

export interface Verification {
  readonly total: number;
  readonly onRevision: number;
  /** `namespace/pod (revision X | no proxy)` for every pod not on the revision. */
  readonly stragglers: readonly string[];
}

/** Every pod that should have a proxy runs one injected by `revision`. */
export function verifyPods(pods: readonly PodRevision[], revision: string): Verification {
  const expected = pods.filter((p) => !p.optedOut);
  const stragglers = expected
    .filter((p) => p.revision !== revision)
    .map((p) => `${p.namespace}/${p.name} (${p.revision ? `revision ${p.revision}` : 'no proxy'})`);
  return { total: expected.length, onRevision: expected.length - stragglers.length, stragglers };
}
