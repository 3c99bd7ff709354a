import { isMap, isScalar, isSeq, type Node } from 'yaml';
import { entry, entrySpan, mapOf, nodeSpan, scalarValue, type MapRef } from '../yaml/nodes';

/** Small readers over node trees, so each analyzer reads like Istio's Go code (`GetTls().GetMode()`). */

export function str(ref: MapRef | undefined, key: string): string | undefined {
  const v = scalarValue(entry(ref, key)?.value);
  return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;
}

export function num(ref: MapRef | undefined, key: string): number | undefined {
  const v = scalarValue(entry(ref, key)?.value);
  return typeof v === 'number' ? v : undefined;
}

/** The mappings of a sequence entry (`ports:`, `configPatches:`), each with its index in the sequence. */
export function mapsIn(ref: MapRef | undefined, key: string): { index: number; map: MapRef | undefined; span: [number, number] }[] {
  const e = entry(ref, key);
  if (!ref || !e || !isSeq(e.value)) return [];
  return e.value.items.map((item, index) => {
    const node = item as Node;
    const map = isMap(node) ? { map: node, anchors: ref.anchors, own: ref.own && e.own, parent: ref } : undefined;
    return { index, map, span: nodeSpan(node, entrySpan(e)[0]) };
  });
}

export function child(ref: MapRef | undefined, key: string): MapRef | undefined {
  return ref ? mapOf(ref, entry(ref, key)) : undefined;
}

export function hasKey(ref: MapRef | undefined, key: string): boolean {
  return entry(ref, key) !== undefined;
}

/** A scalar's value as Kubernetes reads a string field (annotation values, names). */
export function text(node: Node | undefined): string | undefined {
  if (!isScalar(node)) return undefined;
  return node.value === null ? '' : String(node.value);
}
