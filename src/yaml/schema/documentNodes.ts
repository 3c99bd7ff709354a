import { isAlias, isMap, isPair, isScalar, isSeq, type LineCounter, type Node, type Pair, type Range, type Scalar } from 'yaml';
import type { ObjectNode, PropertyNode, ScalarNode, ValueNode } from './validator';

/**
 * What yaml-language-server's AST would be for a document parsed by `yaml`, with its offsets and lengths
 * (the ranges it reports problems at, including its one-character trims of multi-line mappings).
 * `unsupported`: the document uses what this command line leaves to yaml-language-server itself (anchors,
 * aliases, tags, merge keys, keys that are not scalars, `null` keys).
 */
export function documentNode(contents: unknown, lineCounter: LineCounter): ValueNode | null | 'unsupported' {
  try {
    return convert(contents, undefined, lineCounter);
  } catch {
    // UNSUPPORTED, or a node shape this conversion did not expect (in a broken document): yaml-language-server decides.
    return 'unsupported';
  }
}

/** Whether `documentNode` can convert the document (checked without building anything). */
export function supported(contents: unknown): boolean {
  try {
    walk(contents);
    return true;
  } catch {
    return false;
  }
}

const UNSUPPORTED = Symbol('unsupported');

function walk(node: unknown): void {
  if (!node) return;
  if (isAlias(node) || (node as Node).anchor || (node as Node).tag) throw UNSUPPORTED;
  if (isMap(node)) {
    for (const item of node.items) {
      if (!isPair(item)) continue;
      checkKey(item.key);
      walk(item.value);
    }
  } else if (isSeq(node)) {
    for (const item of node.items) if (!isPair(item) && item && typeof item === 'object') walk(item);
  } else if (!isScalar(node)) {
    throw UNSUPPORTED;
  }
}

function convert(node: unknown, parent: ValueNode | PropertyNode | undefined, lineCounter: LineCounter): ValueNode | null {
  if (!node) return null;
  if (isAlias(node) || (node as Node).anchor || (node as Node).tag) throw UNSUPPORTED;
  if (isMap(node)) {
    const range = node.flow && !node.range ? flowMapRange(node.items as Pair[]) : node.range!;
    const [offset, length] = fixedOffsetLength(range, lineCounter);
    const out: ObjectNode = { type: 'object', offset, length, parent, properties: [] };
    for (const item of node.items) if (isPair(item)) out.properties.push(property(item, out, lineCounter));
    return out;
  }
  if (isSeq(node)) {
    const range = node.range!;
    const out: ValueNode = { type: 'array', offset: range[0], length: range[1] - range[0], parent, items: [] };
    for (const item of node.items) {
      if (isPair(item) || !item || typeof item !== 'object') continue;
      const converted = convert(item, out, lineCounter);
      if (converted) out.items.push(converted);
    }
    return out;
  }
  if (isScalar(node)) return scalar(node.value, node.source, node.range!, parent);
  throw UNSUPPORTED;
}

/** `<<` merges another mapping in yaml-language-server; a missing, `null` or collection key breaks its validation. */
function checkKey(key: unknown): asserts key is Scalar {
  if (!isScalar(key) || key.anchor || key.tag || key.value === null || key.value === '<<' || typeof key.value === 'object') throw UNSUPPORTED;
}

function scalar(value: unknown, source: unknown, range: Range, parent: ValueNode | PropertyNode | undefined): ScalarNode {
  const at = { offset: range[0], length: range[1] - range[0], parent };
  if (value === null) return { ...at, type: 'null', value: null };
  switch (typeof value) {
    case 'string':
      return { ...at, type: 'string', value };
    case 'boolean':
      return { ...at, type: 'boolean', value };
    case 'number':
      return { ...at, type: 'number', value, isInteger: Number.isInteger(value) };
    default:
      return { ...at, type: 'string', value: String(source) };
  }
}

function property(pair: Pair, parent: ObjectNode, lineCounter: LineCounter): PropertyNode {
  const key = pair.key;
  checkKey(key);
  const value = pair.value as Node | null;
  const keyRange = key.range!;
  const valueRange = value?.range;
  const [offset, length] = fixedOffsetLength([keyRange[0], valueRange ? valueRange[1] : keyRange[1], valueRange ? valueRange[2] : keyRange[2]], lineCounter);
  const out = { type: 'property', offset, length, parent } as PropertyNode & { keyNode: ScalarNode; valueNode: ValueNode | null };
  out.keyNode = scalar(key.value, key.source, keyRange, out);
  out.valueNode = convert(value, out, lineCounter);
  return out;
}

/** yaml-language-server's length of a range ending on another line: one less, unless it ends the text. */
function fixedOffsetLength(range: Range | readonly [number, number, number], lineCounter: LineCounter): [number, number] {
  const start = lineCounter.linePos(range[0]);
  const end = lineCounter.linePos(range[1]);
  const length = range[1] - range[0];
  return start.line !== end.line && (lineCounter.lineStarts.length !== end.line || end.col === 1) ? [range[0], length - 1] : [range[0], length];
}

function flowMapRange(items: readonly Pair[]): [number, number, number] {
  let start = Number.MAX_SAFE_INTEGER;
  let end = 0;
  for (const item of items) {
    if (!isPair(item)) continue;
    const key = item.key as Node | null;
    const value = item.value as Node | null;
    if (key?.range && key.range[0] <= start) start = key.range[0];
    if (value?.range && value.range[2] >= end) end = value.range[2];
  }
  return [start, end, end];
}
