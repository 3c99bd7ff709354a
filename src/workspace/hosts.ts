/**
 * Istio's host names as its analyzers compare them (pkg/config/analysis/analyzers/util/hosts.go,
 * service_lookup.go, exportto.go; pkg/config/host/name.go).
 */

export const EXPORT_TO_ALL = '*';
export const EXPORT_TO_LOCAL = '.';
const CLUSTER_LOCAL = 'svc.cluster.local';
const FQDN = /^(.+)\.(.+)\.svc\.cluster\.local$/;

/** A short name (no dot, no wildcard) completed in `namespace` (ConvertHostToFQDN). */
function hostToFqdn(namespace: string, host: string): string {
  return host.startsWith('*') || host.includes('.') ? host : `${host}.${namespace}.${CLUSTER_LOCAL}`;
}

/** `scope/fqdn` (NewScopedFqdn): a host as visible from `scope`, a namespace or `*`. */
export function scopedFqdn(scope: string, namespace: string, host: string): string {
  return `${scope}/${hostToFqdn(namespace, host)}`;
}

/** The `namespace/name` a host names (GetResourceNameFromHost): from `name.ns.svc.cluster.local`, else the short name in `namespace`. */
export function resourceNameFromHost(namespace: string, host: string): string {
  const m = FQDN.exec(host);
  return m ? `${m[2]}/${m[1]}` : `${namespace}/${host}`;
}

/** Whether a list of exportTo values exports to every namespace (IsExportToAllNamespaces): empty, or with `*`. */
export function exportsToAll(exportTo: readonly string[]): boolean {
  return exportTo.length === 0 || exportTo.includes(EXPORT_TO_ALL);
}

/** host.Name.Matches: equal names, or a wildcard's suffix matching the other. */
export function hostMatches(a: string, b: string): boolean {
  const aWild = a.startsWith('*');
  const bWild = b.startsWith('*');
  if (aWild && bWild) return a.length < b.length ? b.slice(1).endsWith(a.slice(1)) : a.slice(1).endsWith(b.slice(1));
  if (aWild) return b.endsWith(a.slice(1));
  if (bWild) return a.endsWith(b.slice(1));
  return a === b;
}
