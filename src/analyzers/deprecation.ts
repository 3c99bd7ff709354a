import { isMap } from 'yaml';
import { entry, entrySpan, mapAt } from '../yaml/nodes';
import type { Analyzer, Report, Resource } from './analyzer';
import { child, mapsIn, num, str } from './values';
import { plainAt, plainMapAt } from '../yaml/plain';

/**
 * Istio's deprecation.DeprecationAnalyzer (pkg/config/analysis/analyzers/deprecation/deprecation.go): a VirtualService
 * route's `fault.delay.percent`, a Sidecar's `outboundTrafficPolicy.egressProxy`, and the CRDs of the removed
 * rbac.istio.io kinds (IST0002).
 */
const REMOVED_RBAC_KINDS = new Set(['ClusterRbacConfig', 'RbacConfig', 'ServiceRole', 'ServiceRoleBinding']);

export const deprecationAnalyzer: Analyzer = {
  name: 'deprecation.DeprecationAnalyzer',
  codes: ['IST0002'],
  types: ['networking.istio.io/VirtualService', 'networking.istio.io/Sidecar', 'apiextensions.k8s.io/CustomResourceDefinition'],
  mayReport(m) {
    if (m.kind === 'VirtualService') {
      const http = plainMapAt(m.root, ['spec'])?.http;
      return Array.isArray(http) && http.some((route) => plainAt(route, ['fault', 'delay'], 'percent') !== undefined);
    }
    if (m.kind === 'Sidecar') return plainAt(m.root, ['spec', 'outboundTrafficPolicy'], 'egressProxy') !== undefined;
    return plainAt(m.root, ['spec'], 'group') === 'rbac.istio.io';
  },
  analyze(r: Resource): Report[] {
    const spec = child(r.root, 'spec');
    if (r.type.endsWith('/VirtualService')) {
      return mapsIn(spec, 'http').flatMap(({ map }) => {
        const delay = mapAt(map, ['fault', 'delay']);
        const percent = entry(delay, 'percent');
        return percent && (num(delay, 'percent') ?? 0) > 0
          ? [{ code: 'IST0002' as const, args: ['HTTPRoute.fault.delay.percent is deprecated; use HTTPRoute.fault.delay.percentage'], span: entrySpan(percent) }]
          : [];
      });
    }
    if (r.type.endsWith('/Sidecar')) {
      const proxy = entry(child(spec, 'outboundTrafficPolicy'), 'egressProxy');
      // A set message, even empty; `egressProxy:` with nothing is unset (nil), as the proto decoder reads it.
      return proxy && isMap(proxy.value)
        ? [{ code: 'IST0002', args: ['OutboundTrafficPolicy.EgressProxy ignored'], span: entrySpan(proxy) }]
        : [];
    }
    const group = str(spec, 'group');
    const kind = str(mapAt(spec, ['names']), 'kind');
    return group === 'rbac.istio.io' && REMOVED_RBAC_KINDS.has(kind ?? '')
      ? [{ code: 'IST0002', args: [`Custom resource type ${group} ${kind} is removed`], span: entrySpan(entry(spec, 'group')!) }]
      : [];
  },
};
