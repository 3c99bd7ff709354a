/** Where a kind lives in the API: enough to build its URL without a discovery round trip. */
export interface ResourceKind {
  /** API group; empty for the core group. */
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  /** Plural resource name used in URLs and RBAC. */
  readonly plural: string;
  readonly namespaced: boolean;
}

function kind(group: string, version: string, kindName: string, plural: string, namespaced: boolean): ResourceKind {
  return Object.freeze({ group, version, kind: kindName, plural, namespaced });
}

/** The kinds the extension reads and writes. Others are resolved with discovery (`ClusterClient.resolveKind`). */
export const Kinds = Object.freeze({
  Namespace: kind('', 'v1', 'Namespace', 'namespaces', false),
  Pod: kind('', 'v1', 'Pod', 'pods', true),
  Service: kind('', 'v1', 'Service', 'services', true),
  ConfigMap: kind('', 'v1', 'ConfigMap', 'configmaps', true),
  Secret: kind('', 'v1', 'Secret', 'secrets', true),
  ServiceAccount: kind('', 'v1', 'ServiceAccount', 'serviceaccounts', true),
  Event: kind('', 'v1', 'Event', 'events', true),
  Deployment: kind('apps', 'v1', 'Deployment', 'deployments', true),
  ReplicaSet: kind('apps', 'v1', 'ReplicaSet', 'replicasets', true),
  StatefulSet: kind('apps', 'v1', 'StatefulSet', 'statefulsets', true),
  DaemonSet: kind('apps', 'v1', 'DaemonSet', 'daemonsets', true),
  Job: kind('batch', 'v1', 'Job', 'jobs', true),
  CronJob: kind('batch', 'v1', 'CronJob', 'cronjobs', true),
  MutatingWebhookConfiguration: kind('admissionregistration.k8s.io', 'v1', 'MutatingWebhookConfiguration', 'mutatingwebhookconfigurations', false),
  ValidatingWebhookConfiguration: kind('admissionregistration.k8s.io', 'v1', 'ValidatingWebhookConfiguration', 'validatingwebhookconfigurations', false),
  CustomResourceDefinition: kind('apiextensions.k8s.io', 'v1', 'CustomResourceDefinition', 'customresourcedefinitions', false),
  SelfSubjectAccessReview: kind('authorization.k8s.io', 'v1', 'SelfSubjectAccessReview', 'selfsubjectaccessreviews', false),
  PeerAuthentication: kind('security.istio.io', 'v1', 'PeerAuthentication', 'peerauthentications', true),
});

export function apiVersionOf(k: ResourceKind): string {
  return k.group ? `${k.group}/${k.version}` : k.version;
}

/** `pods`, `deployments.apps`: the name RBAC messages use. */
export function qualifiedResource(k: ResourceKind): string {
  return k.group ? `${k.plural}.${k.group}` : k.plural;
}

/** The URL path of a collection or of one object. */
export function resourcePath(k: ResourceKind, namespace?: string, name?: string, subresource?: string): string {
  const parts = [k.group ? `/apis/${k.group}/${k.version}` : `/api/${k.version}`];
  if (k.namespaced && namespace) parts.push('namespaces', encodeURIComponent(namespace));
  parts.push(k.plural);
  if (name !== undefined) parts.push(encodeURIComponent(name));
  if (subresource) parts.push(subresource);
  return parts.join('/');
}

/** Splits `apps/v1` into group and version (`v1` → core group). */
export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

/** A known kind by apiVersion and kind, without discovery. */
export function knownKind(apiVersion: string, kindName: string): ResourceKind | undefined {
  const { group, version } = splitApiVersion(apiVersion);
  return Object.values(Kinds).find((k) => k.kind === kindName && k.group === group && k.version === version);
}
