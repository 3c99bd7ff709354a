/**
 * A cluster object shown read-only in the editor (the `istio-mesh:` documents the Problems panel points at): its
 * address, and the API versions its kind may be served at. istioctl names objects by kind only, so the group is
 * looked up here; a kind two groups share (Istio's and the Gateway API's `Gateway`) lists both, Istio's first.
 */
import type { ObjectRef } from '../analyzers/clusterAnalysis';
import type { KubeObject } from './types';

export const LIVE_OBJECT_SCHEME = 'istio-mesh';

/** `/<namespace or ->/<Kind>/<name>.yaml`, each part percent-encoded; the context goes in the query. */
export function liveObjectPath(ref: ObjectRef): string {
  return `/${[ref.namespace || '-', ref.kind, `${ref.name}.yaml`].map(encodeURIComponent).join('/')}`;
}

export function parseLiveObjectPath(path: string): ObjectRef | undefined {
  const parts = path.split('/').slice(1).map(decodeURIComponent);
  if (parts.length !== 3 || !parts[2].endsWith('.yaml')) return undefined;
  return { namespace: parts[0] === '-' ? '' : parts[0], kind: parts[1], name: parts[2].slice(0, -'.yaml'.length) };
}

const ISTIO_KINDS: Record<string, readonly string[]> = {
  'networking.istio.io/v1': ['VirtualService', 'DestinationRule', 'Gateway', 'ServiceEntry', 'Sidecar', 'WorkloadEntry', 'WorkloadGroup'],
  'networking.istio.io/v1alpha3': ['EnvoyFilter'],
  'networking.istio.io/v1beta1': ['ProxyConfig'],
  'security.istio.io/v1': ['AuthorizationPolicy', 'PeerAuthentication', 'RequestAuthentication'],
  'telemetry.istio.io/v1': ['Telemetry'],
  'extensions.istio.io/v1alpha1': ['WasmPlugin'],
  'gateway.networking.k8s.io/v1': ['Gateway', 'GatewayClass', 'HTTPRoute', 'GRPCRoute'],
  'gateway.networking.k8s.io/v1alpha2': ['TCPRoute', 'TLSRoute', 'UDPRoute'],
  'gateway.networking.k8s.io/v1beta1': ['ReferenceGrant'],
  v1: ['Namespace', 'Pod', 'Service', 'ConfigMap', 'Secret', 'ServiceAccount', 'Endpoints', 'Node'],
  'apps/v1': ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet'],
  'admissionregistration.k8s.io/v1': ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'],
  'apiextensions.k8s.io/v1': ['CustomResourceDefinition'],
};

/** The apiVersions to try for a kind, in order; empty for a kind the extension does not know. */
export function apiVersionsOf(kind: string): string[] {
  return Object.entries(ISTIO_KINDS).filter(([, kinds]) => kinds.includes(kind)).map(([apiVersion]) => apiVersion);
}

/** The 0-based line of `metadata.name` in a document `forReading` orders: diagnostics on the object go there. */
export const LIVE_OBJECT_NAME_LINE = 3;

/**
 * The object as a person reads it: apiVersion, kind, then metadata led by name and namespace, without the server's
 * bookkeeping of who changed which field. YAML keeps this key order, so the name is on `LIVE_OBJECT_NAME_LINE`.
 */
export function forReading(object: KubeObject): Record<string, unknown> {
  const { apiVersion, kind, metadata, ...rest } = object as KubeObject & Record<string, unknown>;
  const { name, namespace, ...meta } = metadata as KubeObject['metadata'] & { managedFields?: unknown };
  delete meta.managedFields;
  return { apiVersion, kind, metadata: { name, ...(namespace ? { namespace } : {}), ...meta }, ...rest };
}
