import type { Pod } from '../cluster/types';
import { SIDECAR_CONTAINER } from './labels';

/** A sidecar is either a regular container or, with native sidecars, an init container that keeps running. */
export function hasSidecar(pod: Pod): boolean {
  const spec = pod.spec;
  return (spec?.containers ?? []).some((c) => c.name === SIDECAR_CONTAINER)
    || (spec?.initContainers ?? []).some((c) => c.name === SIDECAR_CONTAINER);
}

/** Pods being deleted or finished are not the workload's current pods. */
export function isLive(pod: Pod): boolean {
  return !pod.metadata?.deletionTimestamp && pod.status?.phase !== 'Succeeded' && pod.status?.phase !== 'Failed';
}

/** kubectl's READY column: ready/total over regular containers and native sidecars (restartable init containers). */
export function readyContainers(pod: Pod): { ready: number; total: number } {
  const sidecars = new Set((pod.spec?.initContainers ?? []).filter((c) => c.restartPolicy === 'Always').map((c) => c.name));
  const total = (pod.spec?.containers?.length ?? 0) + sidecars.size;
  const ready = (pod.status?.containerStatuses ?? []).filter((s) => s.ready).length
    + (pod.status?.initContainerStatuses ?? []).filter((s) => sidecars.has(s.name) && s.ready).length;
  return { ready, total };
}

export function podName(pod: Pod): string {
  return pod.metadata?.name ?? '';
}
