import { child, mapsIn, str } from '../../analyzers/values';
import { TYPES, type WorkspaceAnalyzer, type WorkspaceReport } from '../analyzer';
import { resourceNameFromHost } from '../hosts';
import { routeDestinations } from '../routes';

/**
 * Istio's virtualservice.DestinationRuleAnalyzer (analyzers/virtualservice/destinationrules.go): a destination
 * that names a subset names one a DestinationRule defines for that host (IST0101 `host+subset in destinationrule`,
 * `mirror+subset in destinationrule`). Hosts are compared as resource names, as there: `reviews` in the
 * VirtualService's namespace is `reviews.<namespace>.svc.cluster.local`.
 */
export const subsetsAnalyzer: WorkspaceAnalyzer = {
  name: 'virtualservice.DestinationRuleAnalyzer',
  codes: ['IST0101'],
  analyze(ctx) {
    const subsets = new Set<string>();
    for (const dr of ctx.ofType(TYPES.destinationRule)) {
      const spec = child(dr.root, 'spec');
      const host = resourceNameFromHost(dr.namespace, str(spec, 'host') ?? '');
      for (const s of mapsIn(spec, 'subsets')) subsets.add(`${host}+${str(s.map, 'name') ?? ''}`);
    }
    const reports: WorkspaceReport[] = [];
    for (const resource of ctx.ofType(TYPES.virtualService)) {
      const { routes, mirrors } = routeDestinations(child(resource.root, 'spec'));
      for (const d of [...routes, ...mirrors]) {
        if (d.subset === '' || subsets.has(`${resourceNameFromHost(resource.namespace, d.host)}+${d.subset}`)) continue;
        const what = d.mirror ? 'mirror+subset in destinationrule' : 'host+subset in destinationrule';
        reports.push({ resource, code: 'IST0101', args: [what, `${d.host}+${d.subset}`], span: d.span, notFound: true });
      }
    }
    return reports;
  },
};
