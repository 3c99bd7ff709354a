import { child } from '../../analyzers/values';
import { TYPES, type WorkspaceAnalyzer, type WorkspaceReport } from '../analyzer';
import { routeDestinations } from '../routes';
import { destinationHost, serviceHosts } from '../serviceHosts';
import { goList, stringsIn } from '../values';

/**
 * Istio's virtualservice.DestinationHostAnalyzer (analyzers/virtualservice/destinationhosts.go): each route and
 * mirror destination of a VirtualService is a host of a ServiceEntry or Service visible from its namespace (IST0101
 * `host`, `mirror host`), on one of its ports (IST0101 `host:port`); without a port, the host must expose one port
 * only (IST0112). Not followed: IST0124 (ingress route rules not affected by a subset route of another).
 */
export const destinationHostsAnalyzer: WorkspaceAnalyzer = {
  name: 'virtualservice.DestinationHostAnalyzer',
  codes: ['IST0101', 'IST0112'],
  analyze(ctx) {
    const hosts = serviceHosts(ctx);
    const reports: WorkspaceReport[] = [];
    for (const resource of ctx.ofType(TYPES.virtualService)) {
      const spec = child(resource.root, 'spec');
      const exportTo = stringsIn(spec, 'exportTo').map((e) => e.value);
      const { routes, mirrors } = routeDestinations(spec);
      for (const d of [...routes, ...mirrors]) {
        const target = destinationHost(hosts, resource.namespace, exportTo, d.host);
        if (!target) {
          reports.push({ resource, code: 'IST0101', args: [d.mirror ? 'mirror host' : 'host', d.host], span: d.span, notFound: true });
        } else if (d.port === undefined) {
          if (target.ports.length > 1) reports.push({ resource, code: 'IST0112', args: [d.host, goList(target.ports)], span: d.span });
        } else if (!target.ports.includes(d.port)) {
          reports.push({ resource, code: 'IST0101', args: ['host:port', `${d.host}:${d.port}`], span: d.span, notFound: true });
        }
      }
    }
    return reports;
  },
};
