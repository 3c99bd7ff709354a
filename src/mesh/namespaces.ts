import type { Namespace, Pod, Workload } from '../cluster/types';
import { resolveRevision } from './controlPlane';
import { namespaceInjection, podInjectOverride, podShouldHaveSidecar, type NamespaceInjection } from './injection';
import { ProxyContainer, RevisionLabel, SidecarStatusAnnotation, versionFromImage } from './labels';
import type { ControlPlane, NamespaceModel, PodModel, WorkloadKind, WorkloadModel } from './model';

export interface NamespaceInputs {
  namespace: Namespace;
  pods: Iterable<Pod>;
  workloads: Iterable<Workload & { kind?: string }>;
}

/** Builds one namespace of the model: injection state, workloads with their pods, restart and version flags. */
export function buildNamespace({ namespace, pods, workloads }: NamespaceInputs, cp: ControlPlane): NamespaceModel {
  const name = namespace.metadata.name;
  const injection = namespaceInjection(name, namespace.metadata.labels, new Set(cp.namespaces));
  const byKey = new Map<string, WorkloadModel>();
  const templates = new Map<string, Workload>();
  for (const w of workloads) {
    const kind = (w.kind ?? 'Deployment') as WorkloadKind;
    const model: WorkloadModel = {
      kind, name: w.metadata.name, namespace: name, desired: desiredReplicas(w, kind), ready: readyReplicas(w, kind), pods: [],
      withSidecar: 0, needsRestart: false, proxyVersionMismatch: false, paused: w.spec.paused === true,
      optedOut: podInjectOverride({ metadata: { name: '', ...w.spec.template.metadata } }) === false,
      hostNetwork: w.spec.template.spec?.hostNetwork === true,
    };
    byKey.set(`${kind}/${model.name}`, model);
    templates.set(`${kind}/${model.name}`, w);
  }
  const otherPods: PodModel[] = [];
  let podCount = 0, sidecarPods = 0, restartNeeded = 0, versionMismatches = 0;
  for (const pod of pods) {
    const model = buildPod(pod, injection, cp);
    podCount++;
    if (model.hasSidecar) sidecarPods++;
    if (model.needsRestart) restartNeeded++;
    if (model.expectedProxyVersion) versionMismatches++;
    const owner = model.owner ? byKey.get(`${model.owner.kind}/${model.owner.name}`) : undefined;
    if (!owner) {
      otherPods.push(model);
      continue;
    }
    owner.pods.push(model);
    if (model.hasSidecar) owner.withSidecar++;
    if (model.needsRestart) owner.needsRestart = true;
    if (model.expectedProxyVersion) owner.proxyVersionMismatch = true;
  }
  const workloadList = [...byKey.values()].sort((a, b) => a.name.localeCompare(b.name) || a.kind.localeCompare(b.kind));
  for (const w of workloadList) w.pods.sort((a, b) => a.name.localeCompare(b.name));
  otherPods.sort((a, b) => a.name.localeCompare(b.name));
  return {
    name, injection, terminating: namespace.metadata.deletionTimestamp !== undefined || namespace.status?.phase === 'Terminating',
    workloads: workloadList, otherPods, podCount, sidecarPods, restartNeeded, versionMismatches,
    labels: { ...namespace.metadata.labels },
  };
}

/** One pod: sidecar present (regular or native), readiness, restart need, proxy version against its revision. */
export function buildPod(pod: Pod, injection: NamespaceInjection, cp: ControlPlane): PodModel {
  const containers = pod.spec?.containers ?? [];
  const inits = pod.spec?.initContainers ?? [];
  const proxy = containers.find((c) => c.name === ProxyContainer);
  const nativeProxy = inits.find((c) => c.name === ProxyContainer && c.restartPolicy === 'Always');
  const hasSidecar = proxy !== undefined || nativeProxy !== undefined;
  const statuses = pod.status?.containerStatuses ?? [];
  const initStatuses = pod.status?.initContainerStatuses ?? [];
  // Native sidecars count among the pod's containers, as kubectl's READY column does.
  const total = containers.length + (nativeProxy ? 1 : 0);
  const ready = statuses.filter((s) => s.ready).length + (nativeProxy && initStatuses.some((s) => s.name === ProxyContainer && s.ready) ? 1 : 0);
  const terminating = pod.metadata.deletionTimestamp !== undefined;
  const override = podInjectOverride(pod);
  const needsRestart = !hasSidecar && !terminating && pod.status?.phase !== 'Succeeded' && pod.status?.phase !== 'Failed' && podShouldHaveSidecar(pod, injection);
  let proxyVersion: string | undefined;
  let expectedProxyVersion: string | undefined;
  if (hasSidecar) {
    const image = statuses.find((s) => s.name === ProxyContainer)?.image ?? (proxy ?? nativeProxy)?.image;
    proxyVersion = versionFromImage(image);
    const expected = expectedVersion(pod, injection, cp);
    if (proxyVersion && expected && proxyVersion !== expected) expectedProxyVersion = expected;
  }
  return {
    name: pod.metadata.name, namespace: pod.metadata.namespace ?? '', phase: terminating ? 'Terminating' : pod.status?.phase ?? 'Pending',
    ready, total, hasSidecar, nativeSidecar: nativeProxy !== undefined, hostNetwork: pod.spec?.hostNetwork === true,
    needsRestart, optedOut: override === false, proxyVersion, expectedProxyVersion, owner: podOwner(pod), terminating,
  };
}

/** The version of the revision that injected the pod (its istio.io/rev label or sidecar status annotation). */
function expectedVersion(pod: Pod, injection: NamespaceInjection, cp: ControlPlane): string | undefined {
  let revision = pod.metadata.labels?.[RevisionLabel];
  if (!revision) {
    const status = pod.metadata.annotations?.[SidecarStatusAnnotation];
    if (status) {
      try {
        revision = (JSON.parse(status) as { revision?: string }).revision;
      } catch {
        // A malformed annotation tells nothing about the revision.
      }
    }
  }
  const rev = resolveRevision(cp, revision ?? injection.revision ?? 'default') ?? (cp.revisions.length === 1 ? cp.revisions[0] : undefined);
  return rev?.version;
}

/**
 * The workload that owns a pod. A Deployment's pods are owned by a ReplicaSet named
 * `<deployment>-<pod-template-hash>`, so the Deployment is found without watching ReplicaSets.
 */
export function podOwner(pod: Pod): { kind: string; name: string } | undefined {
  const ref = pod.metadata.ownerReferences?.find((o) => o.controller) ?? pod.metadata.ownerReferences?.[0];
  if (!ref) return undefined;
  if (ref.kind === 'ReplicaSet') {
    const hash = pod.metadata.labels?.['pod-template-hash'];
    if (hash && ref.name.endsWith(`-${hash}`)) return { kind: 'Deployment', name: ref.name.slice(0, -hash.length - 1) };
  }
  return { kind: ref.kind, name: ref.name };
}

function desiredReplicas(w: Workload, kind: WorkloadKind): number {
  return kind === 'DaemonSet' ? w.status?.desiredNumberScheduled ?? 0 : w.spec.replicas ?? 1;
}

function readyReplicas(w: Workload, kind: WorkloadKind): number {
  return kind === 'DaemonSet' ? w.status?.numberReady ?? 0 : w.status?.readyReplicas ?? 0;
}
