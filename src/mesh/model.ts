import type { WorkloadKind } from '../cluster/types';
import type { InjectionDecision, MeshFacts, NamespaceInjection } from '../istio/injection';
import type { ProxyState, RestartNeed } from '../istio/pods';

/** Readiness of a Deployment or DaemonSet of the control plane. */
export interface ComponentStatus {
  name: string;
  namespace: string;
  kind: 'Deployment' | 'DaemonSet';
  ready: number;
  desired: number;
  /** Version from the image tag, if it has one. */
  version?: string;
  image?: string;
}

export interface Revision extends ComponentStatus {
  /** `default` when istiod has no istio.io/rev label. */
  revision: string;
  /** Tags (istioctl tag set) pointing at this revision. */
  tags: string[];
}

export interface Gateway extends ComponentStatus {
  direction: 'ingress' | 'egress';
  serviceType?: string;
  ports: { name?: string; port: number; nodePort?: number; protocol?: string }[];
  /** LoadBalancer address, when assigned. */
  address?: string;
}

export interface InjectionWebhook {
  name: string;
  revision?: string;
  tag?: string;
  /** Every entry switched off by `istioctl tag set default` (the `istio-sidecar-injector` an istioctl install leaves). */
  deactivated: boolean;
}

export interface Addon extends ComponentStatus {
  /** Display name: Kiali, Grafana, Prometheus, Jaeger, Zipkin. */
  title: string;
}

export interface ControlPlane {
  installed: boolean;
  /** Namespaces where istiod (or legacy Pilot) runs. */
  namespaces: string[];
  revisions: Revision[];
  /** Tag name → revision. */
  tags: { name: string; revision: string }[];
  gateways: Gateway[];
  cni?: ComponentStatus;
  ztunnel?: ComponentStatus;
  addons: Addon[];
  /** Pre-1.5 components (Pilot, Mixer, Citadel, Galley, injector) when present. */
  legacy: ComponentStatus[];
  webhooks: InjectionWebhook[];
  /** The injector webhook entries the injection decisions use: the cluster's, or the chart's when RBAC hides them. */
  injection: MeshFacts;
  /** Names of installed CRDs of *.istio.io groups. */
  crds: string[];
  /** Version of the default revision (or the only one). */
  version?: string;
}

export interface PodModel {
  name: string;
  namespace: string;
  phase: string;
  ready: number;
  total: number;
  hasSidecar: boolean;
  /** istio-proxy runs as a native sidecar (an init container with restartPolicy Always). */
  nativeSidecar: boolean;
  hostNetwork: boolean;
  /** What the injector would do with this pod if its workload created it now (a bare pod: the pod itself). */
  decision: InjectionDecision;
  /** Re-creating the pod would change its sidecar (see `restart`). */
  needsRestart: boolean;
  restart?: RestartNeed;
  /** The pod opted out with sidecar.istio.io/inject. */
  optedOut: boolean;
  proxyVersion?: string;
  /** The proxy against the revision that injected it. */
  proxy?: ProxyState;
  /** The istiod revision whose injector wrote this pod's proxy (its `sidecar.istio.io/status`), tags resolved. */
  injectedRevision?: string;
  /** The control-plane version this pod's proxy should match, when it differs. */
  expectedProxyVersion?: string;
  owner?: { kind: string; name: string };
  terminating: boolean;
}

export interface WorkloadModel {
  kind: WorkloadKind;
  name: string;
  namespace: string;
  desired: number;
  ready: number;
  pods: PodModel[];
  /** How many of its pods run istio-proxy. */
  withSidecar: number;
  /** What the injector does with a pod created now from the template. */
  decision: InjectionDecision;
  needsRestart: boolean;
  /** Why its pods need a restart, each reason once. */
  restartReasons: RestartNeed[];
  /** Some proxy is outdated or left without its revision. */
  proxyVersionMismatch: boolean;
  /** The pod template opts out (sidecar.istio.io/inject false). */
  optedOut: boolean;
  hostNetwork: boolean;
  paused: boolean;
}

export interface NamespaceModel {
  name: string;
  injection: NamespaceInjection;
  terminating: boolean;
  workloads: WorkloadModel[];
  /** Pods not owned by a Deployment, StatefulSet or DaemonSet (Jobs, bare pods). */
  otherPods: PodModel[];
  podCount: number;
  sidecarPods: number;
  restartNeeded: number;
  versionMismatches: number;
  /** Labels, for tooltips and the injection commands. */
  labels: Record<string, string>;
}
