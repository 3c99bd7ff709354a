import { isMap, type Node } from 'yaml';
import { removeEntry } from '../edits';
import { rootOf } from '../kube';
import { entry, mapAt, nodeSpan, scalarValue, type Entry, type MapRef } from '../nodes';
import { MESH_CONFIG_PLACES, REMOVED_FIELDS, removedFieldMessage, snakeCase, type RemovedField } from '../removedFields';
import type { Finding } from '../types';
import { finding, fix, type Rule, type RuleContext } from './rule';

/**
 * An IstioOperator setting that Istio removed: installation values and mesh config fields that a current istioctl
 * drops without a word (a warning: the setting does nothing), and components it refuses (an error: the install
 * fails). Each names the release when Istio's notes do, and what to do instead (src/yaml/removedFields.ts). The
 * quick fix removes the key only where that changes nothing a current Istio does: a dead key, or a component turned
 * off; a setting with a replacement (global.mtls, authPolicy, trustDomain...) is left to a person.
 */
export const removedFieldRule: Rule = {
  code: 'removed-field',
  severity: 'warning',
  summary: 'An IstioOperator value, mesh config field or component that Istio removed (global.mtls, Mixer, addonComponents...): names the release and what to do instead',
  mayReport(m) {
    return m.kind === 'IstioOperator' && (m.apiVersion?.startsWith('install.istio.io/') ?? false);
  },
  check(m, ctx) {
    if (m.kind !== 'IstioOperator' || !m.apiVersion?.startsWith('install.istio.io/')) return [];
    const root = rootOf(m);
    const out: Finding[] = [];
    for (const field of REMOVED_FIELDS) {
      for (const path of spellings(field)) {
        const holder = mapAt(root, ['spec', ...path.slice(0, -1)]);
        const e = entry(holder, path[path.length - 1]);
        if (e) out.push(report(ctx, root, field, path, e));
      }
    }
    return out.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
  },
};

/** The paths under spec a removed setting may be written at: mesh config under both its places, in both spellings. */
function spellings(field: RemovedField): string[][] {
  if (field.place !== 'meshConfig') return [[...field.path]];
  const keys = field.path.reduce<string[][]>((acc, key) => acc.flatMap((p) => [...new Set([key, snakeCase(key)])].map((k) => [...p, k])), [[]]);
  return MESH_CONFIG_PLACES.flatMap((place) => keys.map((k) => [...place, ...k]));
}

function report(ctx: RuleContext, root: MapRef | undefined, field: RemovedField, path: readonly string[], e: Entry): Finding {
  const span: [number, number] = e.via && !e.own ? [e.via[0], e.via[1]] : nodeSpan(e.keyNode, 0);
  const shown = path.join('.');
  const removable = field.fix === 'remove' || (field.fix === 'removeWhenDisabled' && disabled(e.value));
  // removeEntry takes the map around the key's own map, and the key of that map in it.
  const full = ['spec', ...path];
  const grandparent = mapAt(root, full.slice(0, -2));
  const edit = removable && grandparent ? removeEntry(ctx.file, grandparent, full[full.length - 2], full[full.length - 1]) : undefined;
  const f = finding(ctx, removedFieldRule, span, removedFieldMessage(field, shown), [fix(`Remove spec.${shown} (it does nothing)`, edit, true)]);
  return field.place === 'components' ? { ...f, severity: 'error' } : f;
}

/**
 * A component or addon turned off (`enabled: false`), or a mapping of them that are all off (addonComponents):
 * removing it changes nothing, while removing one that was on drops what it installed, which a person must replace.
 */
function disabled(node: Node | undefined): boolean {
  if (!isMap(node)) return false;
  const enabled = node.items.find((p) => scalarValue(p.key as Node) === 'enabled');
  if (enabled) return scalarValue(enabled.value as Node) === false;
  return node.items.length > 0 && node.items.every((p) => disabled(p.value as Node));
}
