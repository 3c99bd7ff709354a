import { isMap } from 'yaml';
import { entry, mapAt, scalarValue, type MapRef } from '../yaml/nodes';
import type { Analyzer, Report, Resource } from './analyzer';
import { child, mapsIn, num, str } from './values';

/**
 * Istio's envoyfilter.EnvoyPatchAnalyzer (pkg/config/analysis/analyzers/envoyfilter/envoyfilter.go:96-190): patch
 * operations that are ignored for what they apply to (IST0152, IST0153, IST0154) and relative operations without a
 * priority (IST0151; IST0155 when an earlier patch with a proxyVersion names the same filter). Istio collects those
 * names across every EnvoyFilter it has seen before; one resource sees only its own.
 */
const ROUTE_LEVEL = new Set(['ROUTE_CONFIGURATION', 'HTTP_ROUTE']);
const REPLACEABLE = new Set(['NETWORK_FILTER', 'HTTP_FILTER', 'VIRTUAL_HOST']);

export const envoyFilterAnalyzer: Analyzer = {
  name: 'envoyfilter.EnvoyPatchAnalyzer',
  codes: ['IST0151', 'IST0152', 'IST0153', 'IST0154', 'IST0155'],
  types: ['networking.istio.io/EnvoyFilter'],
  mayReport: () => true,
  analyze(r: Resource): Report[] {
    const spec = child(r.root, 'spec');
    const priority = num(spec, 'priority') ?? 0;
    const withProxyVersion: string[] = [];
    const reports: Report[] = [];
    for (const { map, span } of mapsIn(spec, 'configPatches')) {
      const patch = child(map, 'patch');
      if (!patch) break; // envoyfilter.go:99: a patch-less entry ends the analysis
      const applyTo = str(map, 'applyTo');
      const operation = str(patch, 'operation');
      const name = instanceName(map, patch);
      const relative = () => {
        if (priority === 0) reports.push({ code: withProxyVersion.includes(name) ? 'IST0155' : 'IST0151', args: [], span });
      };
      if (operation === 'ADD') {
        if (ROUTE_LEVEL.has(applyTo ?? '')) reports.push({ code: 'IST0153', args: [], span });
      } else if (operation === 'REMOVE') {
        if (ROUTE_LEVEL.has(applyTo ?? '')) reports.push({ code: 'IST0154', args: [], span });
        else relative();
      } else if (operation === 'REPLACE') {
        if (!REPLACEABLE.has(applyTo ?? '')) reports.push({ code: 'IST0152', args: [], span });
        else relative();
      } else if (operation === 'INSERT_BEFORE' || operation === 'INSERT_AFTER') relative();
      if ((str(mapAt(map, ['match', 'proxy']), 'proxyVersion') ?? '') !== '') withProxyVersion.push(name);
    }
    return reports;
  },
};

/**
 * envoyfilter.go:104-120: the patch value's `name`, else the listener filter chain's filter name (only when the patch
 * has a value). Istio compares the value's protobuf text with plain names, so the two kinds never match: kept apart.
 */
function instanceName(map: MapRef | undefined, patch: MapRef): string {
  const value = entry(patch, 'value')?.value;
  if (!isMap(value)) return '';
  const named = entry(child(patch, 'value'), 'name');
  if (named) return `value:${String(scalarValue(named.value))}`;
  return `filter:${str(mapAt(map, ['match', 'listener', 'filterChain', 'filter']), 'name') ?? ''}`;
}
