/**
 * Istio's names: the labels, annotations, namespaces, webhooks and containers the extension reads or writes.
 * Each is defined here once; nothing else in src/ spells them out. Sources are at the Istio commit the testbed
 * pins (testbed/versions.mjs): istio.io/api `label/labels.gen.go` and `annotation/annotations.gen.go`, and the
 * istio-discovery chart (manifests/charts/istio-control/istio-discovery).
 */

/** Namespace label: `enabled` turns on the default injector; any other value, even `disabled` or `""`, turns off every injector. */
export const InjectionLabel = 'istio-injection';
export const InjectionEnabled = 'enabled';
export const InjectionDisabled = 'disabled';
/** Namespace or pod label naming a revision or tag; MWC label naming the revision that answers. */
export const RevisionLabel = 'istio.io/rev';
/** MutatingWebhookConfiguration label of a revision tag (`istioctl tag set`). */
export const TagLabel = 'istio.io/tag';
export const DataplaneModeLabel = 'istio.io/dataplane-mode';
export const DataplaneModeAmbient = 'ambient';
export const DataplaneModeNone = 'none';
/** Pod label `"true"`/`"false"` (exact, case-sensitive). Also the deprecated pod annotation of the same name. */
export const SidecarInjectLabel = 'sidecar.istio.io/inject';
export const SidecarInjectAnnotation = SidecarInjectLabel;
/** JSON the injector writes on every pod it injects; `revision` is the istiod revision that did it (tags resolved). */
export const SidecarStatusAnnotation = 'sidecar.istio.io/status';
/** Per-pod override of native sidecars (injection-template.yaml: anything but `"false"` means native). */
export const NativeSidecarAnnotation = 'sidecar.istio.io/nativeSidecar';
/** A pod that names its own proxy image is never "outdated" (IST0158 skips it too). */
export const ProxyImageAnnotation = 'sidecar.istio.io/proxyImage';
/** The label the API server puts on every namespace; webhook namespaceSelectors may read it. */
export const NamespaceNameLabel = 'kubernetes.io/metadata.name';
/** `istioctl tag set default` deactivates `istio-sidecar-injector` with this never-matching selector (istioctl/pkg/util/common.go). */
export const DeactivatedLabel = 'istio.io/deactivated';
export const DeactivatedValue = 'never-match';

export const ProxyContainer = 'istio-proxy';
export const DefaultRevision = 'default';
/** Where istioctl and the charts install the control plane by default. Not special to the injector. */
export const IstioSystemNamespace = 'istio-system';

/**
 * Label (`"true"`) of the Secrets istiod reads for remote clusters (pkg/kube/multicluster/secretcontroller.go): each
 * data key is a cluster ID, its value a kubeconfig for that cluster's API server (`istioctl create-remote-secret`).
 */
export const MultiClusterSecretLabel = 'istio/multiCluster';
/** Label of istiod's system namespace naming the cluster's network (istio.io/api label `topology.istio.io/network`). */
export const NetworkLabel = 'topology.istio.io/network';
/** istiod's environment variable with its cluster ID (`values.global.multiCluster.clusterName`). */
export const ClusterIdEnv = 'CLUSTER_ID';
/** istiod's monitoring port; it also serves `/debug/*`, e.g. `/debug/clusterz` (what `istioctl remote-clusters` prints). */
export const IstiodMonitoringPort = 15014;
/** The name istiod's chart gives that port in its pod (manifests/charts/istio-control/istio-discovery). */
export const IstiodMonitoringPortName = 'http-monitoring';
/** The pod annotation naming the port Prometheus scrapes (istiod's chart sets it to the monitoring port). */
export const PrometheusPortAnnotation = 'prometheus.io/port';
/** The ConfigMap istiod writes into every namespace with the mesh's root certificate(s) under `root-cert.pem`. */
export const RootCertConfigMap = 'istio-ca-root-cert';

/**
 * Namespaces istiod never injects, whatever their labels (`IgnoredNamespaces`, pkg/kube/inject/initializer.go):
 * kube-system, kube-public, kube-node-lease and kind's local-path-storage. `istio-system` is not one of them.
 */
export const IgnoredNamespaces: ReadonlySet<string> = new Set(['kube-system', 'kube-public', 'kube-node-lease', 'local-path-storage']);

/** Every injector webhook entry of the charts is named `<prefix>sidecar-injector.istio.io` (mutatingwebhook.yaml). */
export const InjectorWebhookSuffix = 'sidecar-injector.istio.io';

/** Control-plane components of Istio before 1.5 (Mixer's policy/telemetry lived until 1.8). */
export const LegacyComponents = ['istio-pilot', 'istio-policy', 'istio-telemetry', 'istio-citadel', 'istio-galley', 'istio-sidecar-injector'] as const;

/** Sample addons, by the `app` label or Deployment name of their manifests. */
export const Addons: Readonly<Record<string, string>> = {
  kiali: 'Kiali', grafana: 'Grafana', prometheus: 'Prometheus', jaeger: 'Jaeger', tracing: 'Jaeger', zipkin: 'Zipkin',
};

const isDefault = (revision: string) => revision === '' || revision === DefaultRevision;

/** The sidecar-injector MutatingWebhookConfiguration istiod's chart installs for a revision (in istio-system). */
export function injectorWebhookName(revision: string): string {
  return isDefault(revision) ? 'istio-sidecar-injector' : `istio-sidecar-injector-${revision}`;
}

/** The MutatingWebhookConfiguration of a revision tag (revision-tags-mwc.yaml, `istioctl tag set`). */
export function revisionTagWebhookName(tag: string): string {
  return `istio-revision-tag-${tag}`;
}

/** istiod's Deployment (and Service) for a revision: `istiod`, or `istiod-<rev>`. */
export function istiodName(revision: string): string {
  return isDefault(revision) ? 'istiod' : `istiod-${revision}`;
}

/** The revision an object's `istio.io/rev` label names (`default` when absent or empty). */
export function revisionOf(labels: Readonly<Record<string, string>> | undefined): string {
  return labels?.[RevisionLabel] || DefaultRevision;
}

/** The revision tag a webhook configuration's labels declare (`istio.io/tag` → `istio.io/rev`), when both are set. */
export function revisionTag(labels: Readonly<Record<string, string>> | undefined): { name: string; revision: string } | undefined {
  const name = labels?.[TagLabel];
  const revision = labels?.[RevisionLabel];
  return name && revision ? { name, revision } : undefined;
}
