/** Label, annotation and name conventions of Istio that the model reads. */
export const InjectionLabel = 'istio-injection';
export const RevisionLabel = 'istio.io/rev';
export const TagLabel = 'istio.io/tag';
export const DataplaneModeLabel = 'istio.io/dataplane-mode';
export const SidecarInjectLabel = 'sidecar.istio.io/inject';
export const SidecarStatusAnnotation = 'sidecar.istio.io/status';
export const ProxyContainer = 'istio-proxy';

/**
 * Namespaces Istio's injector never injects (`IgnoredNamespaces` in istio/istio pkg/kube/inject):
 * kube-system, kube-public, kube-node-lease and kind's local-path-storage.
 */
export const IgnoredNamespaces: ReadonlySet<string> = new Set(['kube-system', 'kube-public', 'kube-node-lease', 'local-path-storage']);

/** Control-plane components of Istio before 1.5 (Mixer's policy/telemetry lived until 1.8). */
export const LegacyComponents = ['istio-pilot', 'istio-policy', 'istio-telemetry', 'istio-citadel', 'istio-galley', 'istio-sidecar-injector'] as const;

/** The sidecar-injector MutatingWebhookConfiguration istiod's chart installs for a revision. */
export function injectorWebhookName(revision: string): string {
  return revision === '' || revision === 'default' ? 'istio-sidecar-injector' : `istio-sidecar-injector-${revision}`;
}

/** The revision tag a webhook configuration's labels declare (`istio.io/tag` → `istio.io/rev`), when both are set. */
export function revisionTag(labels: Readonly<Record<string, string>> | undefined): { name: string; revision: string } | undefined {
  const name = labels?.[TagLabel];
  const revision = labels?.[RevisionLabel];
  return name && revision ? { name, revision } : undefined;
}

/** Sample addons, by the `app` label or Deployment name of their manifests. */
export const Addons: Record<string, string> = {
  kiali: 'Kiali', grafana: 'Grafana', prometheus: 'Prometheus', jaeger: 'Jaeger', tracing: 'Jaeger', zipkin: 'Zipkin',
};

/** The webhook's values that mean "inject" for `sidecar.istio.io/inject` (inject.go `injectRequired`). */
export function truthyInjectValue(value: string): boolean {
  return ['y', 'yes', 'true', 'on'].includes(value.toLowerCase());
}

/** `docker.io/istio/pilot:1.22.3-distroless` → `1.22.3`; undefined for digests and `latest`. */
export function versionFromImage(image: string | undefined): string | undefined {
  if (!image || image.includes('@')) return undefined;
  const slash = image.lastIndexOf('/');
  const colon = image.indexOf(':', slash + 1);
  if (colon < 0) return undefined;
  const tag = image.slice(colon + 1);
  const m = /^v?(\d+\.\d+(?:\.\d+)?(?:-(?:alpha|beta|rc)[.\w]*)?)/.exec(tag);
  return m ? m[1] : tag === 'latest' ? undefined : tag;
}
