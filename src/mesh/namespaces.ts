import type { Namespace, Pod, Workload, WorkloadKind } from '../cluster/types';
import { type InjectionDecision, type MeshFacts, assumeNamedRevisions, decideInjection, namespaceInjection } from '../istio/injection';
import { RevisionLabel } from '../istio/names';
import { type InstalledRevisions, isLive, podReadiness, podSidecar, proxyState, restartNeed } from '../istio/pods';
import { resolveRevision } from './controlPlane';
import type { ControlPlane, NamespaceModel, PodModel, WorkloadModel } from './model';

export interface NamespaceInputs {
  namespace: Namespace;
  pods: Iterable<Pod>;
  workloads: Iterable<Workload>;
}

/** Builds one namespace of the model: injection state, workloads with their pods, restart and version flags. */
export function buildNamespace({ namespace, pods, workloads }: NamespaceInputs, cp: ControlPlane): NamespaceModel {
  const name = namespace.metadata.name;
  const labels = namespace.metadata.labels ?? {};
  const ns = { name, labels };
  const mesh = namespaceFacts(cp, labels);
  const injection = namespaceInjection(ns, mesh);
  const installed = installedRevisions(cp);
  const byKey = new Map<string, WorkloadModel>();
  for (const w of workloads) {
    const kind = (w.kind ?? 'Deployment') as WorkloadKind;
    const template = w.spec.template;
    // The injector sees the pod as the workload creates it: the template's labels, annotations and hostNetwork.
    const decision = decideInjection(ns, { labels: template.metadata?.labels, annotations: template.metadata?.annotations, hostNetwork: template.spec?.hostNetwork === true }, mesh);
    const model: WorkloadModel = {
      kind, name: w.metadata.name, namespace: name, desired: desiredReplicas(w, kind), ready: readyReplicas(w, kind), pods: [],
      withSidecar: 0, decision, needsRestart: false, restartReasons: [], proxyVersionMismatch: false, paused: w.spec.paused === true,
      optedOut: optedOut(decision), hostNetwork: template.spec?.hostNetwork === true,
    };
    byKey.set(`${kind}/${model.name}`, model);
  }
  const otherPods: PodModel[] = [];
  let podCount = 0, sidecarPods = 0, restartNeeded = 0, versionMismatches = 0;
  for (const pod of pods) {
    const ownerRef = podOwner(pod);
    const owner = ownerRef ? byKey.get(`${ownerRef.kind}/${ownerRef.name}`) : undefined;
    // A bare pod (or a Job's) is only fixed by re-creating it as it is: its own metadata decides.
    const decision = owner?.decision ?? decideInjection(ns, { labels: pod.metadata.labels, annotations: pod.metadata.annotations, hostNetwork: pod.spec?.hostNetwork === true }, mesh);
    const model = buildPod(pod, decision, installed);
    podCount++;
    if (model.hasSidecar) sidecarPods++;
    if (model.needsRestart) restartNeeded++;
    if (model.expectedProxyVersion || model.proxy?.state === 'orphaned') versionMismatches++;
    if (!owner) {
      otherPods.push(model);
      continue;
    }
    owner.pods.push(model);
    if (model.hasSidecar) owner.withSidecar++;
    if (model.restart) {
      owner.needsRestart = true;
      if (!owner.restartReasons.includes(model.restart)) owner.restartReasons.push(model.restart);
    }
    if (model.expectedProxyVersion || model.proxy?.state === 'orphaned') owner.proxyVersionMismatch = true;
  }
  const workloadList = [...byKey.values()].sort((a, b) => a.name.localeCompare(b.name) || a.kind.localeCompare(b.kind));
  for (const w of workloadList) w.pods.sort((a, b) => a.name.localeCompare(b.name));
  otherPods.sort((a, b) => a.name.localeCompare(b.name));
  return {
    name, injection, terminating: namespace.metadata.deletionTimestamp !== undefined || namespace.status?.phase === 'Terminating',
    workloads: workloadList, otherPods, podCount, sidecarPods, restartNeeded, versionMismatches,
    labels: { ...labels },
  };
}

/** The control plane's revisions, tags resolved, for proxy versions. */
function installedRevisions(cp: ControlPlane): InstalledRevisions {
  return { resolve: (name) => resolveRevision(cp, name), any: cp.installed && cp.revisions.length > 0 };
}

/** One pod: sidecar present (regular or native), kubectl's readiness, restart need, proxy version against its revision. */
function buildPod(pod: Pod, decision: InjectionDecision, installed: InstalledRevisions): PodModel {
  const sidecar = podSidecar(pod);
  const { ready, total } = podReadiness(pod);
  const terminating = pod.metadata.deletionTimestamp !== undefined;
  const restart = isLive(pod) ? restartNeed(decision, sidecar) : undefined;
  const proxy = proxyState(pod, sidecar, decision, installed);
  return {
    name: pod.metadata.name, namespace: pod.metadata.namespace ?? '', phase: terminating ? 'Terminating' : pod.status?.phase ?? 'Pending',
    ready, total, hasSidecar: sidecar.present, nativeSidecar: sidecar.native, hostNetwork: pod.spec?.hostNetwork === true,
    decision, needsRestart: restart !== undefined, ...(restart ? { restart } : {}), optedOut: optedOut(decision),
    proxyVersion: proxy?.version, ...(proxy ? { proxy } : {}), ...(sidecar.injected && sidecar.injectedRevision ? { injectedRevision: sidecar.injectedRevision } : {}), expectedProxyVersion: proxy?.state === 'outdated' ? proxy.expected : undefined,
    owner: podOwner(pod), terminating,
  };
}

function optedOut(decision: InjectionDecision): boolean {
  return decision.reason.code === 'optOutLabel' || decision.reason.code === 'optOutAnnotation';
}

/** The webhooks the namespace's pods are decided against; assumed ones also serve the namespace's own revision. */
function namespaceFacts(cp: ControlPlane, labels: Readonly<Record<string, string>> | undefined): MeshFacts {
  return assumeNamedRevisions(cp.injection, [labels?.[RevisionLabel]]);
}

/**
 * The workload that owns a pod. A Deployment's pods are owned by a ReplicaSet named
 * `<deployment>-<pod-template-hash>`, so the Deployment is found without watching ReplicaSets.
 */
function podOwner(pod: Pod): { kind: string; name: string } | undefined {
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
