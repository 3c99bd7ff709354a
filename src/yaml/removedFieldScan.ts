import { isAlias, isMap, isSeq, type Node } from 'yaml';
import { removeEntry, removeKey } from './edits';
import { entry, mapAt, mapOf, nodeSpan, scalarValue, valueSpan, type Entry, type MapRef } from './nodes';
import type { ParsedFile } from './parse';
import { REMOVED_FIELDS, removedFieldMessage, snakeCase, type RemovedField, type SettingsReader } from './removedFields';
import type { TextEdit } from './types';

/**
 * Where a document keeps each kind of Istio setting, as key paths from its root: an IstioOperator under `spec`, a
 * Helm values file at its root, the `istio` ConfigMap's mesh config at the root of its `mesh` text.
 */
export interface SettingsLayout {
  /** Where installation values start (`values.*` entries of the table are looked for below it). */
  readonly values?: readonly string[];
  /** Each place mesh config is written at. */
  readonly meshConfig: readonly (readonly string[])[];
  /** Where the IstioOperator's own fields start (`components`, `addonComponents`). */
  readonly components?: readonly string[];
  readonly reader: SettingsReader;
}

/** A removed setting found in a document: offsets are the document's text's own. */
export interface RemovedSetting {
  readonly field: RemovedField;
  /** The key (or, for a removed value, the value) as written; the alias or `<<` entry it came through. */
  readonly span: readonly [number, number];
  /** Its path as written, from the document's root (`spec.values.mixer`, `extensionProviders[1].lightstep`). */
  readonly shown: string;
  readonly message: string;
  readonly severity: 'error' | 'warning';
  /** The removal, when it changes nothing a current Istio does and the text allows it. */
  readonly edit: TextEdit | undefined;
}

type File = Pick<ParsedFile, 'text' | 'lineCounter'>;

/** Every removed setting of the table found in the document whose root is `root`, in text order. */
export function removedSettings(file: File, root: MapRef, layout: SettingsLayout): RemovedSetting[] {
  const out: RemovedSetting[] = [];
  for (const field of REMOVED_FIELDS) {
    for (const path of pathsOf(field, layout)) {
      for (const hit of find(root, path, 0, [])) {
        if (field.value !== undefined && scalarValue(hit.entry.value) !== field.value) continue;
        out.push(report(file, root, layout, field, path, hit));
      }
    }
  }
  return out.sort((a, b) => a.span[0] - b.span[0]);
}

/** The paths from the root a removed setting may be written at: mesh config in each place and both spellings. */
function pathsOf(field: RemovedField, layout: SettingsLayout): string[][] {
  if (field.place === 'values') return layout.values ? [[...layout.values, ...field.path.slice(1)]] : [];
  if (field.place === 'components') return layout.components ? [[...layout.components, ...field.path]] : [];
  const keys = field.path.reduce<string[][]>((acc, key) => acc.flatMap((p) => [...new Set([key, snakeCase(key)])].map((k) => [...p, k])), [[]]);
  return layout.meshConfig.flatMap((place) => keys.map((k) => [...place, ...k]));
}

interface Hit {
  readonly entry: Entry;
  /** The keys as written, a list item as `key[index]`. */
  readonly names: readonly string[];
}

/** The entries at `path` below `ref`; `[]` goes into every mapping item of a list. */
function* find(ref: MapRef, path: readonly string[], at: number, names: readonly string[]): Generator<Hit> {
  const key = path[at];
  const e = entry(ref, key);
  if (!e) return;
  if (at === path.length - 1) {
    yield { entry: e, names: [...names, key] };
    return;
  }
  if (path[at + 1] !== '[]') {
    const child = mapOf(ref, e);
    if (child) yield* find(child, path, at + 1, [...names, key]);
    return;
  }
  if (!isSeq(e.value)) return;
  for (const [i, item] of e.value.items.entries()) {
    const node = isAlias(item) ? ref.anchors.resolve(item) : (item as Node);
    // Items are read, never edited: nothing in a list is removed by a fix.
    if (isMap(node)) yield* find({ map: node, anchors: ref.anchors, own: false, parent: ref, via: e.via ?? ref.via }, path, at + 2, [...names, `${key}[${i}]`]);
  }
}

function report(file: File, root: MapRef, layout: SettingsLayout, field: RemovedField, path: readonly string[], hit: Hit): RemovedSetting {
  const e = hit.entry;
  const span: [number, number] = e.via && !e.own ? [e.via[0], e.via[1]] : field.value !== undefined ? valueSpan(e) : nodeSpan(e.keyNode, 0);
  const shown = hit.names.join('.');
  const removable = !path.includes('[]') && (field.fix === 'remove' || (field.fix === 'removeWhenDisabled' && disabled(e.value)));
  return {
    field,
    span,
    shown,
    message: removedFieldMessage(field, shown, layout.reader),
    severity: field.place === 'components' || field.rejected ? 'error' : 'warning',
    edit: removable ? removal(file, root, path) : undefined,
  };
}

/** removeEntry takes the map around the key's own map and the key of that map in it; a root key has none. */
function removal(file: File, root: MapRef, path: readonly string[]): TextEdit | undefined {
  if (path.length === 1) return removeKey(file, root, path[0]);
  const grandparent = mapAt(root, path.slice(0, -2));
  return grandparent && removeEntry(file, grandparent, path[path.length - 2], path[path.length - 1]);
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
