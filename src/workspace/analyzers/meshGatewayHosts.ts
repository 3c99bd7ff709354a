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
          byHost.set(key, [...(byHost.get(key) ?? []), r]);
        }
      }
    }
    const reported = new Set<string>();
    const reports: WorkspaceReport[] = [];
    for (const [key, own] of byHost) {
      const [scope, host] = split(key);
      // A host scoped to a namespace also conflicts with the same host exported everywhere.
      const list = scope === EXPORT_TO_ALL ? own : [...own, ...[...byHost].filter(([k]) => split(k)[0] === EXPORT_TO_ALL && hostMatches(host, split(k)[1])).flatMap(([, l]) => l)];
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
