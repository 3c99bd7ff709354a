import { isMap, type YAMLMap } from 'yaml';
import { mergeEdits, removeEntry, setEntry } from '../edits';
import { LABEL, labelsOf } from '../kube';
import { entries, entry, isNonStringScalar, mapAt, nodeSpan, scalarValue, type Entry } from '../nodes';
import type { ParsedFile } from '../parse';
import type { TextEdit } from '../types';
import { quotedInjectValue } from './injectLabelType';

/** The value of a moved `sidecar.istio.io/inject`, written as the quoted string a label needs. */
function labelText(file: ParsedFile, e: Entry): string {
  const [s, t] = nodeSpan(e.value, 0);
  const source = file.text.slice(s, t);
  if (isNonStringScalar(e.value)) return quotedInjectValue(source);
  return quotedInjectValue(String(scalarValue(e.value) ?? ''));
}

/**
 * Moves `sidecar.istio.io/inject` from `from.metadata.<mapKey>` to `to.metadata.labels`, creating
 * `labels:` when needed. An existing label at the destination wins (as it does for the injector).
 */
export function moveInjectToLabels(file: ParsedFile, from: YAMLMap, mapKey: 'labels' | 'annotations', e: Entry, to: YAMLMap): TextEdit | undefined {
  const metadata = mapAt(from, ['metadata']);
  if (!metadata) return undefined;
  const renamed = from === to && mapKey === 'annotations' ? renameLoneAnnotations(file, metadata, e) : undefined;
  if (renamed) return renamed;
  const remove = removeEntry(file, metadata, mapKey, LABEL.inject);
  const exists = entry(labelsOf(to), LABEL.inject) !== undefined;
  const add = exists ? undefined : setEntry(file, to, ['metadata', 'labels'], LABEL.inject, labelText(file, e));
  if (!remove || (!exists && !add)) return undefined;
  return mergeEdits(file.text, [remove, add]);
}

/**
 * `metadata:` holding only `annotations:` holding only the inject entry: renaming `annotations`
 * to `labels` (and quoting the value) is the smallest edit, and leaves no empty mapping behind.
 */
function renameLoneAnnotations(file: ParsedFile, metadata: YAMLMap, e: Entry): TextEdit | undefined {
  const list = entries(metadata);
  const annotations = entry(metadata, 'annotations');
  if (list.length !== 1 || !annotations || !isMap(annotations.value) || annotations.value.items.length !== 1) return undefined;
  const key = annotations.keyNode.range;
  const value = e.value?.range;
  if (!key || !value) return undefined;
  return mergeEdits(file.text, [
    { start: key[0], end: key[1], newText: 'labels' },
    { start: value[0], end: value[1], newText: labelText(file, e) },
  ]);
}
