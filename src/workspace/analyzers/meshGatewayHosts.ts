import { child } from '../../analyzers/values';
import { TYPES, type WorkspaceAnalyzer, type WorkspaceReport } from '../analyzer';
import { EXPORT_TO_ALL, EXPORT_TO_LOCAL, exportsToAll, hostMatches, scopedFqdn } from '../hosts';
import { fullName, type WorkspaceResource } from '../resource';
import { nameSpan } from '../spans';
import { stringsIn } from '../values';

/**
 * Istio's virtualservice.ConflictingMeshGatewayHostsAnalyzer (analyzers/virtualservice/conflictingmeshgatewayhosts.go),
 * IST0109: VirtualServices bound to the mesh gateway (no `gateways`, or `mesh` among them) that define the same host
 * in the same scope, a namespace they are exported to or every namespace. Each is reported once, on its name.
 */
export const meshGatewayHostsAnalyzer: WorkspaceAnalyzer = {
  name: 'virtualservice.ConflictingMeshGatewayHostsAnalyzer',
  codes: ['IST0109'],
  analyze(ctx) {
    const byHost = new Map<string, WorkspaceResource[]>();
    for (const r of ctx.ofType(TYPES.virtualService)) {
      const spec = child(r.root, 'spec');
      const gateways = stringsIn(spec, 'gateways').map((g) => g.value);
      if (gateways.length > 0 && !gateways.includes('mesh')) continue;
      const exportTo = stringsIn(spec, 'exportTo').map((e) => e.value);
      const scopes = exportsToAll(exportTo) ? [EXPORT_TO_ALL] : [...new Set(exportTo.map((e) => (e === EXPORT_TO_LOCAL ? r.namespace : e)))];
      for (const scope of scopes) {
        for (const { value } of stringsIn(spec, 'hosts')) {
          const key = scopedFqdn(scope, r.namespace, value);
          const list = byHost.get(key);
          if (list) list.push(r);
          else byHost.set(key, [r]);
        }
      }
    }
    const exportedToAll = new ExportedToAll(byHost);
    const reported = new Set<string>();
    const reports: WorkspaceReport[] = [];
    for (const [key, own] of byHost) {
      const [scope, host] = split(key);
      // A host scoped to a namespace also conflicts with the same host exported everywhere.
      const list = scope === EXPORT_TO_ALL ? own : [...own, ...exportedToAll.matching(host)];
      // One VirtualService defined in two files is one object (the file applied last wins), not a conflict.
      const distinct = [...new Set(list.map(fullName))].sort();
      if (distinct.length < 2) continue;
      const names = distinct.join(',');
      for (const resource of list) {
        if (reported.has(fullName(resource))) continue;
        reported.add(fullName(resource));
        reports.push({ resource, code: 'IST0109', args: [names, key], span: nameSpan(resource) });
      }
    }
    return reports;
  },
};

function split(key: string): [string, string] {
  const slash = key.indexOf('/');
  return [key.slice(0, slash), key.slice(slash + 1)];
}

/**
 * The VirtualServices of the hosts exported to every namespace, found for a host in the time of its matches: an exact
 * host by lookup, the wildcards by a scan of the wildcards only (a wildcard host scans them all). Matches come in the
 * order their keys were first seen, as a scan of every key would give them.
 */
interface HostEntry {
  readonly host: string;
  /** Where its key came in the map of every key. */
  readonly order: number;
  readonly list: readonly WorkspaceResource[];
}

class ExportedToAll {
  private readonly exact = new Map<string, HostEntry>();
  private readonly all: HostEntry[] = [];
  private readonly wildcards: HostEntry[] = [];

  constructor(byHost: ReadonlyMap<string, WorkspaceResource[]>) {
    let order = 0;
    for (const [key, list] of byHost) {
      const [scope, host] = split(key);
      order++;
      if (scope !== EXPORT_TO_ALL) continue;
      const item = { host, order, list };
      this.all.push(item);
      if (host.startsWith('*')) this.wildcards.push(item);
      else this.exact.set(host, item);
    }
  }

  matching(host: string): WorkspaceResource[] {
    const exact = this.exact.get(host);
    const candidates = host.startsWith('*') ? this.all : exact ? [...this.wildcards, exact] : this.wildcards;
    return candidates
      .filter((c) => hostMatches(host, c.host))
      .sort((a, b) => a.order - b.order)
      .flatMap((c) => c.list);
  }
}
