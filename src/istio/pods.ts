/**
 * What a running pod says about its sidecar, and the two verdicts the tree and the commands show about it:
 * "needs restart" (the pod differs from what the injector would do now) and "proxy outdated".
 */
import type { ContainerStatus, Pod } from '../cluster/types';
import type { InjectionDecision } from './injection';
import { ProxyContainer, ProxyImageAnnotation, RevisionLabel, SidecarStatusAnnotation } from './names';
import { istioImageVersion } from './version';

export interface PodSidecar {
  /** `istio-proxy` runs: a container, or a native sidecar (an init container with restartPolicy Always). */
  readonly present: boolean;
  readonly native: boolean;
  /** The injector wrote `sidecar.istio.io/status`: the proxy was injected, not part of the pod's own spec (gateways). */
  readonly injected: boolean;
  /** The istiod revision that injected it: `sidecar.istio.io/status` `.revision`, else the `istio.io/rev` annotation. */
  readonly injectedRevision?: string;
  /** The proxy's image, as the kubelet reports it, else as the spec says. */
  readonly image?: string;
}

type PodLike = Pick<Pod, 'metadata' | 'spec' | 'status'>;

export function podSidecar(pod: PodLike): PodSidecar {
  const proxy = pod.spec?.containers?.find((c) => c.name === ProxyContainer);
  const nativeProxy = pod.spec?.initContainers?.find((c) => c.name === ProxyContainer && c.restartPolicy === 'Always');
  const annotations = pod.metadata?.annotations ?? {};
  const status = annotations[SidecarStatusAnnotation];
  const statuses = [...(pod.status?.containerStatuses ?? []), ...(pod.status?.initContainerStatuses ?? [])];
  const image = statuses.find((s) => s.name === ProxyContainer)?.image || (proxy ?? nativeProxy)?.image || undefined;
  // The injection template writes the annotation istio.io/rev: <revision> next to the status (injection-template.yaml).
  const injectedRevision = statusRevision(status) ?? annotations[RevisionLabel] ?? undefined;
  return {
    present: proxy !== undefined || nativeProxy !== undefined,
    native: proxy === undefined && nativeProxy !== undefined,
    injected: status !== undefined,
    ...(injectedRevision ? { injectedRevision } : {}),
    ...(image ? { image } : {}),
  };
}

/** `{"containers":["istio-proxy"],…,"revision":"canary"}` (pkg/kube/inject/webhook.go: the status annotation). */
function statusRevision(status: string | undefined): string | undefined {
  if (!status) return undefined;
  try {
    const revision = (JSON.parse(status) as { revision?: unknown }).revision;
    return typeof revision === 'string' && revision !== '' ? revision : undefined;
  } catch {
    return undefined; // A malformed annotation tells nothing about the revision.
  }
}

/** Pods being deleted or finished are not the workload's current pods. */
export function isLive(pod: Pick<Pod, 'metadata' | 'status'>): boolean {
  return !pod.metadata?.deletionTimestamp && pod.status?.phase !== 'Succeeded' && pod.status?.phase !== 'Failed';
}

/**
 * kubectl's READY column (k8s.io/kubernetes pkg/printers/internalversion/printers.go `printPod`): the total is the
 * containers plus the restartable init containers (native sidecars). Init containers are read in order until the
 * first that is neither finished (exit 0) nor a started native sidecar; a started native sidecar counts when ready.
 * Regular containers count when ready and running, once the pod is no longer initializing.
 */
export function podReadiness(pod: PodLike): { ready: number; total: number } {
  const restartable = new Set((pod.spec?.initContainers ?? []).filter((c) => c.restartPolicy === 'Always').map((c) => c.name));
  const total = (pod.spec?.containers?.length ?? 0) + restartable.size;
  let ready = 0;
  let initializing = false;
  for (const s of pod.status?.initContainerStatuses ?? []) {
    if (s.state?.terminated && (s.state.terminated.exitCode ?? 0) === 0) continue;
    if (restartable.has(s.name) && s.started === true) {
      if (s.ready) ready++;
      continue;
    }
    initializing = true;
    break;
  }
  const initialized = pod.status?.conditions?.some((c) => c.type === 'Initialized' && c.status === 'True') ?? false;
  if (!initializing || initialized) ready += (pod.status?.containerStatuses ?? []).filter(runningAndReady).length;
  return { ready, total };
}

function runningAndReady(s: ContainerStatus): boolean {
  return s.ready && s.state?.running !== undefined;
}

/**
 * Why re-creating the pod would change its sidecar:
 * `missing` — the injector would add one now and the pod has none;
 * `unwanted` — the injector put one there and would not now (injection turned off, an opt-out, a move to ambient);
 * `revisionChanged` — another revision would inject it now.
 */
export type RestartNeed = 'missing' | 'unwanted' | 'revisionChanged';

/**
 * `decision` is for the pod as its workload would create it now (the template's metadata; a bare pod's own).
 * `unwanted` and `revisionChanged` need the real webhooks (`confidence: exact`) and istiod's real config: with
 * assumed chart webhooks the revisions and tags are guesses, and with an unknown policy so is the verdict.
 */
export function restartNeed(decision: InjectionDecision, sidecar: PodSidecar): RestartNeed | undefined {
  if (decision.injected && !sidecar.present) return 'missing';
  if (decision.confidence !== 'exact' || decision.policyUnknown) return undefined;
  if (!decision.injected && sidecar.injected) return 'unwanted';
  if (decision.injected && sidecar.injected && sidecar.injectedRevision && decision.revision && sidecar.injectedRevision !== decision.revision) return 'revisionChanged';
  return undefined;
}

/** A proxy against its control plane: `orphaned` when the revision that injected it is not installed any more. */
export type ProxyState =
  | { readonly state: 'current'; readonly version: string }
  | { readonly state: 'outdated'; readonly version: string; readonly expected: string; readonly revision: string }
  | { readonly state: 'orphaned'; readonly version?: string; readonly revision: string }
  | { readonly state: 'unknown'; readonly version?: string };

export interface InstalledRevisions {
  /** The revision a revision or tag name stands for, undefined when neither is installed. */
  resolve(name: string): { readonly revision: string; readonly version?: string } | undefined;
  /** Whether any revision is known; without one nothing is called orphaned. */
  readonly any: boolean;
}

/**
 * The proxy's version against the version of the revision that injected it (its status annotation; else the pod's
 * `istio.io/rev` label, as gateways carry it; else the revision that would inject it now). Unlike IST0158, which reads
 * the namespace's label, this follows the pod's own revision and resolves tags. A pod naming its own proxy image
 * (`sidecar.istio.io/proxyImage`) is never outdated.
 */
export function proxyState(pod: PodLike, sidecar: PodSidecar, decision: InjectionDecision | undefined, installed: InstalledRevisions): ProxyState | undefined {
  if (!sidecar.present) return undefined;
  const version = istioImageVersion(sidecar.image);
  if (pod.metadata?.annotations?.[ProxyImageAnnotation]) return { state: 'unknown', version };
  const name = sidecar.injectedRevision ?? pod.metadata?.labels?.[RevisionLabel] ?? decision?.revision;
  if (!name) return { state: 'unknown', version };
  const revision = installed.resolve(name);
  if (!revision) return installed.any ? { state: 'orphaned', version, revision: name } : { state: 'unknown', version };
  if (!version || !revision.version) return { state: 'unknown', version };
  if (version === revision.version) return { state: 'current', version };
  return { state: 'outdated', version, expected: revision.version, revision: revision.revision };
}
