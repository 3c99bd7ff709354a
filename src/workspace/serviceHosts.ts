import { child, mapsIn, num } from '../analyzers/values';
import { TYPES, type WorkspaceContext } from './analyzer';
import { EXPORT_TO_ALL, EXPORT_TO_LOCAL, exportsToAll, scopedFqdn } from './hosts';
import { stringsIn } from './values';

/** What a destination host resolves to: the ports of a ServiceEntry, or of a Service seen as one. */
export interface HostPorts {
  readonly ports: readonly number[];
}

/** `networking.istio.io/exportTo` on a Service. */
const EXPORT_TO_ANNOTATION = 'networking.istio.io/exportTo';

/**
 * The hosts of the workspace's ServiceEntries and Services by `scope/fqdn`, the scope being where they are visible
 * (analyzers/util/service_lookup.go InitServiceEntryHostMap; a Service is a ServiceEntry for its FQDN there).
 */
export function serviceHosts(ctx: WorkspaceContext): Map<string, HostPorts> {
  const out = new Map<string, HostPorts>();
  for (const r of ctx.ofType(TYPES.serviceEntry)) {
    const spec = child(r.root, 'spec');
    const entry: HostPorts = { ports: mapsIn(spec, 'ports').map((p) => num(p.map, 'number') ?? 0) };
    const exportTo = stringsIn(spec, 'exportTo').map((e) => e.value);
    for (const { value: host } of stringsIn(spec, 'hosts')) {
      if (exportsToAll(exportTo)) {
        out.set(scopedFqdn(EXPORT_TO_ALL, r.namespace, host), entry);
        // Go stops at `*` but keeps the scopes listed before it.
        if (exportTo.length === 0) continue;
      }
      for (const ns of exportTo) {
        if (ns === EXPORT_TO_ALL) break;
        out.set(scopedFqdn(ns === EXPORT_TO_LOCAL ? r.namespace : ns, r.namespace, host), entry);
      }
    }
  }
  for (const r of ctx.ofType(TYPES.service)) {
    const entry: HostPorts = { ports: mapsIn(child(r.root, 'spec'), 'ports').map((p) => num(p.map, 'port') ?? 0) };
    const annotation = r.annotations[EXPORT_TO_ANNOTATION];
    const scopes = annotation ? annotation.split(',').map((s) => (s.trim() === EXPORT_TO_LOCAL ? r.namespace : s.trim())) : [EXPORT_TO_ALL];
    for (const scope of scopes) out.set(scopedFqdn(scope, r.namespace, r.name), entry);
  }
  return out;
}

/**
 * What `host`, named by a resource in `namespace` exported to `exportTo`, resolves to (GetDestinationHost): a host
 * visible everywhere, else one visible where the resource is exported, else a wildcard host visible there.
 */
export function destinationHost(hosts: ReadonlyMap<string, HostPorts>, namespace: string, exportTo: readonly string[], host: string): HostPorts | undefined {
  const everywhere = hosts.get(scopedFqdn(EXPORT_TO_ALL, namespace, host));
  if (everywhere) return everywhere;
  const scopes = exportTo.length === 0 ? [namespace] : exportTo.map((e) => (e === EXPORT_TO_LOCAL ? namespace : e));
  for (const scope of scopes) {
    const found = hosts.get(scopedFqdn(scope, namespace, host));
    if (found) return found;
  }
  const bare = host.startsWith('*') ? host.slice(1) : host;
  for (const [key, ports] of hosts) {
    const slash = key.indexOf('/');
    const scope = key.slice(0, slash);
    const seHost = key.slice(slash + 1);
    if (!seHost.startsWith('*') || (scope !== EXPORT_TO_ALL && scope !== namespace)) continue;
    if (bare.endsWith(seHost.slice(1))) return ports;
  }
  return undefined;
}
