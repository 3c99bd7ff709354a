import { isMap, isScalar, type Node, type YAMLMap } from 'yaml';
import { entries, entry, type Entry } from './nodes';
import { positionAt, type ParsedFile } from './parse';
import type { TextEdit } from './types';

/**
 * Minimal text edits computed from node ranges. Everything outside the edited span stays byte for
 * byte as written: comments, quoting style, blank lines, line endings.
 */
type File = Pick<ParsedFile, 'text' | 'lineCounter'>;

function newline(text: string): string {
  return text.includes('\r\n') ? '\r\n' : '\n';
}

function column(file: File, offset: number): number {
  return positionAt(file, offset).character;
}

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

/** Offset of the start of the line after the one holding `offset - 1`. */
function nextLineStart(text: string, offset: number): number {
  if (offset > 0 && text[offset - 1] === '\n') return offset;
  const i = text.indexOf('\n', offset);
  return i === -1 ? text.length : i + 1;
}

function entryEnd(e: Entry): number {
  return e.value?.range?.[2] ?? e.keyNode.range?.[2] ?? 0;
}

function start(node: Node): number {
  return node.range?.[0] ?? 0;
}

/** Replaces a scalar's text; `key:` with no value gets a space before the new value. */
export function replaceValue(file: File, value: Node, newText: string): TextEdit {
  const [s, e] = value.range ?? [0, 0];
  const empty = isScalar(value) && value.value === null && s === e;
  return { start: s, end: e, newText: empty && file.text[s - 1] !== ' ' ? ` ${newText}` : newText };
}

/** Indentation step of the document around `map`: the offset of a nested block map's keys, else 2. */
function indentStep(file: File, map: YAMLMap): number {
  for (const e of entries(map)) {
    if (isMap(e.value) && !e.value.flow && e.value.items.length > 0) {
      const step = column(file, start(e.value)) - column(file, start(e.keyNode));
      if (step > 0) return step;
    }
  }
  return 2;
}

function blockLines(path: readonly string[], key: string, value: string, indent: number, step: number): string[] {
  const lines = path.map((p, i) => `${' '.repeat(indent + i * step)}${p}:`);
  lines.push(`${' '.repeat(indent + path.length * step)}${key}: ${value}`);
  return lines;
}

function flowText(path: readonly string[], key: string, value: string): string {
  return path.reduceRight((inner, p) => `{ ${p}: ${inner} }`, `{ ${key}: ${value} }`);
}

/**
 * Sets `key: value` in the mapping at `path` below `base`, creating the missing mappings
 * (e.g. `labels:` under `metadata:`) with the document's indentation. `value` is YAML text.
 * Returns undefined when a step of the path holds something that is not a mapping.
 */
export function setEntry(file: File, base: YAMLMap, path: readonly string[], key: string, value: string): TextEdit | undefined {
  let map = base;
  for (let i = 0; i < path.length; i++) {
    const child = entry(map, path[i]);
    if (!child) return insertInto(file, map, path.slice(i), key, value);
    if (isMap(child.value)) {
      map = child.value;
      continue;
    }
    if (child.value && !(isScalar(child.value) && child.value.value === null)) return undefined;
    // `labels:` with nothing (or `~`) after it: put a block under the key.
    const keyColumn = column(file, start(child.keyNode));
    const nl = newline(file.text);
    const lines = blockLines(path.slice(i + 1), key, value, keyColumn + indentStep(file, map), indentStep(file, map));
    const at = child.value?.range ?? child.keyNode.range ?? [0, 0];
    const colon = file.text.indexOf(':', child.keyNode.range?.[1] ?? 0) + 1;
    return { start: colon, end: Math.max(at[1], colon), newText: nl + lines.join(nl) };
  }
  const existing = entry(map, key);
  if (existing?.value) return replaceValue(file, existing.value, value);
  return insertInto(file, map, [], key, value);
}

function insertInto(file: File, map: YAMLMap, path: readonly string[], key: string, value: string): TextEdit {
  const nl = newline(file.text);
  const items = entries(map);
  if (map.flow) {
    const last = items[items.length - 1];
    const pair = flowText(path, key, value).slice(2, -2);
    if (!last) return { start: start(map), end: map.range?.[1] ?? start(map), newText: `{ ${pair} }` };
    const at = last.value?.range?.[1] ?? last.keyNode.range?.[1] ?? 0;
    return { start: at, end: at, newText: `, ${pair}` };
  }
  const indent = column(file, start(map));
  const lines = blockLines(path, key, value, indent, indentStep(file, map));
  const last = items[items.length - 1];
  const at = nextLineStart(file.text, last ? entryEnd(last) : start(map));
  const prefix = at === file.text.length && !file.text.endsWith('\n') ? nl : '';
  return { start: at, end: at, newText: prefix + lines.join(nl) + nl };
}

/**
 * Removes `key` from the mapping at `mapKey` of `parent` (e.g. a label from `metadata.labels`).
 * Removing the last entry removes the then-empty mapping too, so no `labels:` with nothing is left.
 */
export function removeEntry(file: File, parent: YAMLMap, mapKey: string, key: string): TextEdit | undefined {
  const holder = entry(parent, mapKey);
  const map = holder && isMap(holder.value) ? holder.value : undefined;
  const target = entry(map, key);
  if (!holder || !map || !target) return undefined;
  if (map.items.length > 1 || map.flow) return removeFrom(file, map, target);
  if (parent.items.length > 1 && !parent.flow) return removeFrom(file, parent, holder);
  const keyEnd = holder.keyNode.range?.[1] ?? 0;
  let end = entryEnd(holder);
  while (end > keyEnd && (file.text[end - 1] === '\n' || file.text[end - 1] === '\r')) end--;
  return { start: keyEnd, end, newText: ': {}' };
}

function removeFrom(file: File, map: YAMLMap, target: Entry): TextEdit {
  const text = file.text;
  if (map.flow) {
    const kept = entries(map).filter((e) => e.pair !== target.pair).map((e) => text.slice(start(e.keyNode), entryEnd(e)));
    return { start: start(map), end: map.range?.[1] ?? start(map), newText: kept.length ? `{ ${kept.join(', ')} }` : '{}' };
  }
  const keyStart = start(target.keyNode);
  const from = lineStart(text, keyStart);
  const onlyIndent = text.slice(from, keyStart).trim() === '';
  return { start: onlyIndent ? from : keyStart, end: nextLineStart(text, entryEnd(target)), newText: '' };
}

/** Several edits of one fix as one edit spanning them, so no consumer has to order or merge them. */
export function mergeEdits(text: string, edits: ReadonlyArray<TextEdit | undefined>): TextEdit | undefined {
  const list = edits.filter((e): e is TextEdit => e !== undefined).sort((a, b) => a.start - b.start || a.end - b.end);
  if (list.length === 0) return undefined;
  const from = list[0].start;
  const to = Math.max(...list.map((e) => e.end));
  return { start: from, end: to, newText: applyEdits(text.slice(from, to), list.map((e) => ({ ...e, start: e.start - from, end: e.end - from }))) };
}

/** Applies non-overlapping edits (touching is fine) to a text. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => b.start - a.start || b.end - a.end);
  let out = text;
  for (const e of sorted) out = out.slice(0, e.start) + e.newText + out.slice(e.end);
  return out;
}
