import { isMap } from 'yaml';
import { mergeEdits, removeEntry, renameKey, replaceValue, setEntry } from '../edits';
import { SidecarInjectLabel } from '../../istio/names';
import { podInputOf } from '../injection';
import { labelsOf, metadataOf } from '../kube';
import { entries, entry, isNonStringScalar, scalarValue, type Entry, type MapRef } from '../nodes';
import type { ParsedFile } from '../parse';
import type { TextEdit } from '../types';
import { nonStringWord, quotedInjectValue } from './injectLabelType';

/** The value of a moved `sidecar.istio.io/inject`, written as the quoted string a label needs. */
function labelText(file: ParsedFile, e: Entry): string {
  if (isNonStringScalar(e.value) && e.value) return quotedInjectValue(nonStringWord(file, e.value as Parameters<typeof nonStringWord>[1]));
  return quotedInjectValue(String(scalarValue(e.value) ?? ''));
}

/**
 * Moves `sidecar.istio.io/inject` from `from.metadata.<mapKey>` to `to.metadata.labels`, creating
 * `labels:` when needed. An existing label at the destination wins (as it does for the injector).
 * Only "true" and "false" are moved: any other label value is a finding of its own (inject-label-value); and a sidecar
 * is not newly asked for on a host-network pod, which is never injected (inject-host-network).
 */
export function moveInjectToLabels(file: ParsedFile, from: MapRef, mapKey: 'labels' | 'annotations', e: Entry, to: MapRef): TextEdit | undefined {
  const metadata = metadataOf(from);
  if (!metadata) return undefined;
  const exists = entry(labelsOf(to), SidecarInjectLabel) !== undefined;
  const text = labelText(file, e);
  if (!exists && text !== '"true"' && text !== '"false"') return undefined;
  // A new "true" label on a host-network pod asks for what istiod never gives: inject-host-network would follow.
  if (!exists && text === '"true"' && podInputOf(to).hostNetwork) return undefined;
  const renamed = from === to && mapKey === 'annotations' && !exists ? renameLoneAnnotations(file, metadata, e, text) : undefined;
  if (renamed) return renamed;
  const remove = removeEntry(file, metadata, mapKey, SidecarInjectLabel);
  const add = exists ? undefined : setEntry(file, to, ['metadata', 'labels'], SidecarInjectLabel, text);
  if (!remove || (!exists && !add)) return undefined;
  return mergeEdits(file.text, [remove, add]);
}

/**
 * `metadata:` holding only `annotations:` holding only the inject entry: renaming `annotations`
 * to `labels` (and quoting the value) is the smallest edit, and leaves no empty mapping behind.
 */
function renameLoneAnnotations(file: ParsedFile, metadata: MapRef, e: Entry, text: string): TextEdit | undefined {
  const annotations = entry(metadata, 'annotations');
  if (entries(metadata).length !== 1 || metadata.map.items.length !== 1 || !annotations || !isMap(annotations.written) || annotations.written.items.length !== 1) return undefined;
  return mergeEdits(file.text, [renameKey(annotations, 'labels'), replaceValue(file, e, text)], true);
}
