import { embeddedYaml } from '../embedded';
import { rootOf } from '../kube';
import { entry, mapAt, nodeSpan, rootRef, type MapRef } from '../nodes';
import type { ParsedManifest } from '../parse';
import { removedSettings, type RemovedSetting, type SettingsLayout } from '../removedFieldScan';
import type { Finding, TextEdit } from '../types';
import { finding, fix, type Rule, type RuleContext } from './rule';

const OPERATOR: SettingsLayout = { values: ['spec', 'values'], meshConfig: [['spec', 'meshConfig'], ['spec', 'values', 'meshConfig']], components: ['spec'], reader: 'istioctl' };
const MESH_TEXT: SettingsLayout = { meshConfig: [[]], reader: 'istiod' };
/** Istio's own charts keep their defaults under this key; a values file given to `helm install -f` at its root. */
const CHART_DEFAULTS = '_internal_defaults_do_not_set';
const VALUES: readonly SettingsLayout[] = [
  { values: [], meshConfig: [['meshConfig']], reader: 'chart' },
  { values: [CHART_DEFAULTS], meshConfig: [[CHART_DEFAULTS, 'meshConfig']], reader: 'chart' },
];

/**
 * An Istio setting that Istio removed, in the three places settings are written: an IstioOperator (installation
 * values and mesh config that a current istioctl drops without a word: a warning; components it refuses: an error),
 * the mesh config text of the `istio` ConfigMap (`data.mesh`, read by istiod), and a Helm values file of Istio's
 * charts (see src/yaml/helmValues.ts). A removed enum value that makes the whole mesh config unreadable
 * (`outboundTrafficPolicy.mode: VIRTUAL_SERVICE_ONLY`) is an error. Each names the release when Istio's notes do,
 * and what to do instead (src/yaml/removedFields.ts). The quick fix removes the key only where that changes nothing
 * a current Istio does: a dead key, or a component turned off; a setting with a replacement is left to a person.
 */
export const removedFieldRule: Rule = {
  code: 'removed-field',
  severity: 'warning',
  summary:
    "An Istio setting that Istio removed, in an IstioOperator, the `istio` ConfigMap's mesh config or an Istio Helm values file (global.mtls, Mixer, addonComponents, VIRTUAL_SERVICE_ONLY, the Lightstep and OpenCensus tracers...): names the release and what to do instead",
  mayReport(m, ctx) {
    if (m.kind === undefined) return ctx.istioValues === true;
    return (m.kind === 'IstioOperator' && (m.apiVersion?.startsWith('install.istio.io/') ?? false)) || isMeshConfigMap(m);
  },
  check(m, ctx) {
    const root = rootOf(m);
    if (!root) return [];
    if (m.kind === undefined) return ctx.istioValues ? VALUES.flatMap((layout) => removedSettings(ctx.file, root, layout)).map((s) => toFinding(ctx, s)) : [];
    if (m.kind === 'IstioOperator' && m.apiVersion?.startsWith('install.istio.io/')) return removedSettings(ctx.file, root, OPERATOR).map((s) => toFinding(ctx, s));
    if (isMeshConfigMap(m)) return meshConfigFindings(ctx, root);
    return [];
  },
};

/** istiod's mesh config: the ConfigMap `istio` (or `istio-<revision>`) that Istio's chart renders, key `mesh`. */
function isMeshConfigMap(m: Pick<ParsedManifest, 'kind' | 'apiVersion' | 'name'>): boolean {
  return m.kind === 'ConfigMap' && m.apiVersion === 'v1' && m.name !== undefined && /^istio(-[a-z0-9-]+)?$/.test(m.name);
}

/** `span` and `edit` are offsets of the file: a setting found in embedded text comes with its own, made outer. */
function toFinding(ctx: RuleContext, s: RemovedSetting, span: readonly [number, number] = s.span, edit: TextEdit | undefined = s.edit): Finding {
  const f = finding(ctx, removedFieldRule, span, s.message, [fix(`Remove ${s.shown} (it does nothing)`, edit, true)]);
  return s.severity === 'error' ? { ...f, severity: 'error' } : f;
}

/**
 * The removed settings of `data.mesh`, a YAML text inside the ConfigMap. Where its offsets map back exactly (a
 * literal block scalar), each finding is on its own key and keeps its fix; otherwise on the `mesh` key, without one.
 */
function meshConfigFindings(ctx: RuleContext, root: MapRef): Finding[] {
  const mesh = entry(mapAt(root, ['data']), 'mesh');
  if (!mesh) return [];
  const inner = embeddedYaml(ctx.file.text, mesh.value);
  const doc = inner?.file.manifests[0];
  const innerRoot = doc && !doc.hasErrors ? rootRef(doc.doc) : undefined;
  if (!inner || !innerRoot) return [];
  const keySpan: [number, number] = mesh.via && !mesh.own ? [mesh.via[0], mesh.via[1]] : nodeSpan(mesh.keyNode, 0);
  const exact = mesh.own && !mesh.via;
  return removedSettings(inner.file, innerRoot, MESH_TEXT).map((s) => {
    const shown = { ...s, shown: `data.mesh: ${s.shown}`, message: `data.mesh: ${s.message}` };
    const start = exact ? inner.toOuter(s.span[0]) : undefined;
    const end = exact ? inner.toOuter(s.span[1]) : undefined;
    const outer = { ...shown, span: keySpan, edit: undefined };
    if (start === undefined || end === undefined) return toFinding(ctx, outer);
    return toFinding(ctx, { ...outer, span: [start, end], edit: s.edit && inner.edit(s.edit) });
  });
}
