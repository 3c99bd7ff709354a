import { isScalar } from 'yaml';
import { child, mapsIn, str } from '../../analyzers/values';
import { replaceValue } from '../edits';
import { canonicalFilterName } from '../envoyFilterNames';
import { rootOf } from '../kube';
import { entry, entrySpan, valueSpan, type MapRef } from '../nodes';
import type { Finding } from '../types';
import { finding, fix, type Rule, type RuleContext } from './rule';

const UPGRADE_NOTES = 'https://istio.io/latest/news/releases/1.9.x/announcing-1.9/upgrade-notes/';

/** `type.googleapis.com/envoy.config.filter.http.lua.v2.Lua` and the like: a type of the xDS v2 API. */
const V2_TYPE = /^type\.googleapis\.com\/envoy\.(?:api|config)\.[\w.]*\.v2(?:alpha\d*)?\.\w+$/;

/**
 * EnvoyFilters of the Istio 1.8 era (Istio 1.9 upgrade notes, "EnvoyFilter XDS v2 removal"): a patch whose
 * `@type` is an xDS v2 type, which Envoy rejects (an error, no mechanical v3 equivalent), and the deprecated filter
 * names of `match.listener.filterChain.filter` and its `subFilter`, which istiod's validation warns about
 * (pkg/config/validation/envoyfilter/envoyfilter.go, validateListenerMatchName): renamed by the quick fix.
 */
export const envoyFilterLegacy: Rule = {
  code: 'envoy-filter-legacy',
  severity: 'warning',
  summary: 'An EnvoyFilter of the Istio 1.8 era: an xDS v2 type (removed in 1.9) or a deprecated filter name',
  mayReport(m) {
    return m.kind === 'EnvoyFilter' && (m.apiVersion?.startsWith('networking.istio.io/') ?? false);
  },
  check(m, ctx) {
    if (m.kind !== 'EnvoyFilter' || !m.apiVersion?.startsWith('networking.istio.io/')) return [];
    const out: Finding[] = [];
    for (const { map } of mapsIn(child(rootOf(m), 'spec'), 'configPatches')) {
      const filter = child(child(child(child(map, 'match'), 'listener'), 'filterChain'), 'filter');
      out.push(...deprecatedName(ctx, filter, 'filter'), ...deprecatedName(ctx, child(filter, 'subFilter'), 'subFilter'));
      out.push(...v2Types(ctx, child(child(map, 'patch'), 'value')));
    }
    return out;
  },
};

function deprecatedName(ctx: RuleContext, map: MapRef | undefined, place: 'filter' | 'subFilter'): Finding[] {
  const name = str(map, 'name');
  const e = entry(map, 'name');
  const canonical = name === undefined ? undefined : canonicalFilterName(name, place);
  if (!e || name === undefined || canonical === undefined) return [];
  const plain = isScalar(e.value) && e.value.type === 'PLAIN';
  return [
    finding(ctx, envoyFilterLegacy, valueSpan(e), `using deprecated filter name "${name}"; use "${canonical}" instead (deprecated with the xDS v2 API: ${UPGRADE_NOTES}).`, [
      fix(`Rename to ${canonical}`, replaceValue(ctx.file, e, plain ? canonical : JSON.stringify(canonical)), true),
    ]),
  ];
}

/** Each `@type` of an xDS v2 type in a patch's value, at any depth. */
function v2Types(ctx: RuleContext, value: MapRef | undefined): Finding[] {
  if (!value) return [];
  const out: Finding[] = [];
  const visit = (ref: MapRef, depth: number) => {
    if (depth > 32) return;
    const type = str(ref, '@type');
    const e = entry(ref, '@type');
    if (e && type !== undefined && V2_TYPE.test(type)) {
      out.push({ ...finding(ctx, envoyFilterLegacy, entrySpan(e), `${type} is a type of the xDS v2 API, which Istio 1.9 removed: Envoy rejects this configuration. Use its v3 type (envoy.extensions.…v3) (${UPGRADE_NOTES}).`), severity: 'error' });
    }
    for (const key of ref.map.items.map((p) => (isScalar(p.key) ? String(p.key.value) : undefined))) {
      if (key === undefined) continue;
      const c = child(ref, key);
      if (c) visit(c, depth + 1);
      for (const item of mapsIn(ref, key)) if (item.map) visit(item.map, depth + 1);
    }
  };
  visit(value, 0);
  return out;
}
