import { isSeq, type Node } from 'yaml';
import { text } from '../analyzers/values';
import { entry, entrySpan, nodeSpan, type MapRef } from '../yaml/nodes';

/** The strings of a sequence entry (`hosts:`, `gateways:`, `exportTo:`), each with its span and index. */
export function stringsIn(ref: MapRef | undefined, key: string): { value: string; span: [number, number]; index: number }[] {
  const e = entry(ref, key);
  if (!e || !isSeq(e.value)) return [];
  const out: { value: string; span: [number, number]; index: number }[] = [];
  e.value.items.forEach((item, index) => {
    const value = text(item as Node);
    if (value !== undefined) out.push({ value, span: nodeSpan(item as Node, entrySpan(e)[0]), index });
  });
  return out;
}

/** Go's `%v` of a slice: `[a b c]`. */
export function goList(items: readonly (string | number)[]): string {
  return `[${items.join(' ')}]`;
}
