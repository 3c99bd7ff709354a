import type { Namespace, Pod, Workload, WorkloadKind } from '../cluster/types';
import { type InjectionDecision, type MeshFacts, type NamespaceInjection, type PodInput, assumeNamedRevisions, decideInjection, namespaceInjection } from '../istio/injection';
import { RevisionLabel } from '../istio/names';
import { type InstalledRevisions, isLive, podReadiness, podSidecar, proxyState, restartNeed } from '../istio/pods';
import { resolveRevision } from './controlPlane';
import type { ControlPlane, NamespaceModel, PodModel, WorkloadModel } from './model';

export interface NamespaceInputs {
  namespace: Namespace;
  pods: Iterable<Pod>;
  workloads: Iterable<Workload>;
}

/**
 * What the last build of a namespace made from which objects: the next build reuses a workload's decision, a pod's
 * model and a whole workload's model while they come from the very same objects (the store replaces an object on
 * each of its events) under the same control plane and namespace labels. A rollout then rebuilds the pods that
 * changed, not the namespace's hundreds; and an unchanged workload keeps its model object, which the tree compares
 * by identity before it compares faces.
 */
export class NamespaceMemo {
  private cp: ControlPlane | undefined;
  private labels: object | undefined;
  /** By what the injector reads of a pod template: a Deployment's status changing keeps its decision, and its pods. */
  private decisions = new Map<string, InjectionDecision>();
  private readonly usedDecisions = new Set<string>();
  private pods = new WeakMap<Pod, { decision: InjectionDecision; model: PodModel }>();
  private workloads = new Map<string, { source: Workload; model: WorkloadModel }>();

  /** Starts afresh when what every decision reads changed. */
  begin(cp: ControlPlane, labels: object | undefined): void {
    if (cp === this.cp && labels === this.labels) return;
    this.cp = cp;
    this.labels = labels;
    this.decisions = new Map();
    this.pods = new WeakMap();
    this.workloads = new Map();
  }

  decision(input: PodInput, decide: () => InjectionDecision): InjectionDecision {
    const key = JSON.stringify([input.labels, input.annotations, input.hostNetwork]);
    this.usedDecisions.add(key);
    let d = this.decisions.get(key);
    if (!d) this.decisions.set(key, (d = decide()));
    return d;
  }

  pod(pod: Pod, decision: InjectionDecision, build: () => PodModel): PodModel {
    const known = this.pods.get(pod);
    if (known?.decision === decision) return known.model;
    const model = build();
    this.pods.set(pod, { decision, model });
    return model;
  }

  /** The model built before for the same workload object and the same pod models, else `model`. */
  workload(key: string, source: Workload, model: WorkloadModel): WorkloadModel {
    const known = this.workloads.get(key);
    if (known?.source === source && samePods(known.model.pods, model.pods)) return known.model;
    this.workloads.set(key, { source, model });
    return model;
  }

  /** Ends a build: forgets the workloads and templates it did not see (a restart leaves its old template behind). */
  end(workloadKeys: ReadonlySet<string>): void {
    for (const key of this.workloads.keys()) if (!workloadKeys.has(key)) this.workloads.delete(key);
    for (const key of this.decisions.keys()) if (!this.usedDecisions.has(key)) this.decisions.delete(key);
    this.usedDecisions.clear();
  }
}

function samePods(a: readonly PodModel[], b: readonly PodModel[]): boolean {
  return a.length === b.length && a.every((p, i) => p === b[i]);
}

/** Builds one namespace of the model: injection state, workloads with their pods, restart and version flags. */
export function buildNamespace({ namespace, pods, workloads }: NamespaceInputs, cp: ControlPlane, memo = new NamespaceMemo()): NamespaceModel {
  const name = namespace.metadata.name;
  const labels = namespace.metadata.labels ?? {};
  memo.begin(cp, namespace.metadata.labels);
  const ns = { name, labels };
  const mesh = namespaceFacts(cp, labels);
  const injection = namespaceInjection(ns, mesh);
  const installed = installedRevisions(cp);
  const byKey = new Map<string, WorkloadModel>();
  const sources = new Map<string, Workload>();
  for (const w of workloads) {
    const kind = (w.kind ?? 'Deployment') as WorkloadKind;
    const template = w.spec.template;
    // The injector sees the pod as the workload creates it: the template's labels, annotations and hostNetwork.
    const input = { labels: template.metadata?.labels, annotations: template.metadata?.annotations, hostNetwork: template.spec?.hostNetwork === true };
    const decision = memo.decision(input, () => decideInjection(ns, input, mesh));
    sources.set(`${kind}/${w.metadata.name}`, w);
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
    const model = memo.pod(pod, decision, () => buildPod(pod, decision, installed));
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
  for (const w of byKey.values()) w.pods.sort((a, b) => a.name.localeCompare(b.name));
  const workloadList = [...byKey].map(([key, w]) => memo.workload(key, sources.get(key)!, w))
    .sort((a, b) => a.name.localeCompare(b.name) || a.kind.localeCompare(b.kind));
  memo.end(new Set(byKey.keys()));
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

/**
 * A namespace's injection state, as its model has it (`buildNamespace`), from its labels and the control plane alone:
 * for what needs no pod (a context key read on every change of the store).
 */
export function injectionOf(namespace: Namespace, cp: ControlPlane): NamespaceInjection {
  const labels = namespace.metadata.labels ?? {};
  return namespaceInjection({ name: namespace.metadata.name, labels }, namespaceFacts(cp, labels));
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
