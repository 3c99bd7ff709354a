import { isAlias, isMap, isPair, isScalar, isSeq, type Node, type Pair } from 'yaml';
import { editable, entries, entry, mapOf, mergedEntry, type Entry, type MapRef } from './nodes';
import { positionAt, type ParsedFile } from './parse';
import type { TextEdit } from './types';

/**
 * Minimal text edits computed from node ranges. Everything outside the edited span stays byte for
 * byte as written: comments, quoting style, blank lines, line endings. Where no such edit can be
 * made safely (text an alias repeats, an entry merged in with `<<`, a layout it cannot follow),
 * the functions return undefined and no fix is offered.
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

/** Offset of the line break (`\r\n` or `\n`) ending the line that holds `offset`, or the end of the text. */
function lineEnd(text: string, offset: number): number {
  const i = text.indexOf('\n', offset);
  if (i === -1) return text.length;
  return i > 0 && text[i - 1] === '\r' ? i - 1 : i;
}

/** Offset of the start of the line after the one holding `offset - 1`. */
function nextLineStart(text: string, offset: number): number {
  if (offset > 0 && text[offset - 1] === '\n') return offset;
  const i = text.indexOf('\n', offset);
  return i === -1 ? text.length : i + 1;
}

function isBlank(text: string): boolean {
  return /^[ \t]*$/.test(text);
}

/** A trailing comment, as found in the text after a value on its line. */
const COMMENT = /(?:^|[ \t])(#.*)$/;

function isBlockScalar(node: Node | null | undefined): boolean {
  return isScalar(node) && (node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED');
}

function start(node: Node | null | undefined): number {
  return node?.range?.[0] ?? 0;
}

/** End of a node's text without the line breaks, blanks and comment lines that a block node's range takes in after it. */
function contentEnd(text: string, node: Node | null | undefined): number {
  const [s, e] = node?.range ?? [0, 0];
  let end = e;
  while (end > s && /[ \t\r\n]/.test(text[end - 1])) end--;
  return end;
}

/**
 * Where a node's text ends. A block scalar keeps its trailing blank lines (with `|+` they are its content), also
 * when it is the last value inside a block mapping or sequence (`annotations:` ending in `key: |+`).
 */
function nodeEnd(text: string, node: Node | null | undefined): number {
  if (isBlockScalar(node)) return node?.range?.[1] ?? 0;
  if ((isMap(node) || isSeq(node)) && !node.flow && node.items.length > 0) {
    const last = node.items[node.items.length - 1];
    return Math.max(contentEnd(text, node), isPair(last) ? pairEnd(text, last) : nodeEnd(text, last as Node));
  }
  return contentEnd(text, node);
}

/** Where a pair's text ends (see `nodeEnd`). */
function pairEnd(text: string, pair: Pair): number {
  return Math.max(contentEnd(text, pair.key as Node | null), nodeEnd(text, pair.value as Node | null));
}

/** Offset of the line after a pair (where a new entry of its block mapping goes). */
function afterPair(text: string, pair: Pair): number {
  return nextLineStart(text, pairEnd(text, pair));
}

/** Whether the text of an entry (key and value) may be changed: written here, and no alias repeats any of it. */
function editableEntry(e: Entry): boolean {
  return e.own && editable(e.map) && !isAlias(e.written) && !e.anchors.holdsShared(e.keyNode) && !e.anchors.holdsShared(e.written);
}

/** Offset just after the `:` of an entry, when it is on the key's line. */
function colonAfter(text: string, e: Entry): number | undefined {
  let i = e.keyNode.range?.[1];
  if (i === undefined) return undefined;
  while (text[i] === ' ' || text[i] === '\t') i++;
  return text[i] === ':' ? i + 1 : undefined;
}

/**
 * Replaces an entry's value (its tag and anchor too: `!!bool true` becomes `"true"`, not `!!bool "true"`). A value
 * that starts on a later line (a block mapping, a list) is replaced from the `:` on, so the result reads `key: value`;
 * a comment on the key's line or on a block scalar's `|` line stays on the line.
 */
export function replaceValue(file: File, e: Entry, newText: string): TextEdit | undefined {
  if (!editableEntry(e)) return undefined;
  const text = file.text;
  const colon = colonAfter(text, e);
  if (colon === undefined) return undefined;
  let p = colon;
  while (text[p] === ' ' || text[p] === '\t') p++;
  const node = e.written;
  const valueStart = node?.range?.[0] ?? p;
  const end = Math.max(p, contentEnd(text, node));
  const keyLineEnd = lineEnd(text, colon);
  let from = p;
  let comment: string | undefined;
  if (valueStart > keyLineEnd) {
    // `key:` alone (or with a comment) on its line, the value below it: the result reads `key: value  # comment`.
    if (e.map.map.flow) return undefined;
    from = colon;
    comment = COMMENT.exec(text.slice(colon, keyLineEnd))?.[1];
  } else if (isBlockScalar(node)) {
    comment = COMMENT.exec(text.slice(valueStart, Math.min(lineEnd(text, valueStart), end)))?.[1];
  }
  const moved = comment ? ` ${comment.trimEnd()}` : '';
  const after = text.slice(end, lineEnd(text, end)).trim();
  // A comment moved behind the new value must be the end of its line.
  if (moved && after !== '' && !after.startsWith('#')) return undefined;
  const lead = from === colon ? ' ' : '';
  const gap = text[end] === '#' ? ' ' : '';
  return { start: from, end, newText: lead + newText + moved + gap };
}

/** Indentation step of the document around `map`: the offset of a nested block map's keys, else 2. */
function indentStep(file: File, ref: MapRef): number {
  for (const e of entries(ref)) {
    if (isMap(e.written) && !e.written.flow && e.written.items.length > 0) {
      const step = keyColumn(file, start(e.written.items[0].key as Node)) - keyColumn(file, start(e.keyNode));
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
 * A key merged in with `<<` is overridden by an entry of the map itself (the anchor is left alone).
 * Returns undefined when a step of the path holds something that is not a mapping, or is not written here.
 */
export function setEntry(file: File, base: MapRef, path: readonly string[], key: string, value: string): TextEdit | undefined {
  let ref = base;
  for (let i = 0; i < path.length; i++) {
    const child = entry(ref, path[i]);
    if (!child) return insertInto(file, ref, path.slice(i), key, value);
    if (!child.own || isAlias(child.written)) return undefined;
    const map = mapOf(ref, child);
    if (map) {
      ref = map;
      continue;
    }
    if (child.value && !(isScalar(child.value) && child.value.value === null)) return undefined;
    return fillEmpty(file, ref, child, path.slice(i + 1), key, value);
  }
  const existing = entry(ref, key);
  if (existing?.own) return replaceValue(file, existing, value);
  return insertInto(file, ref, [], key, value);
}

/** `labels:` with nothing (or `~`) after it: a mapping under the key, the key's comment kept on its line. */
function fillEmpty(file: File, parent: MapRef, child: Entry, path: readonly string[], key: string, value: string): TextEdit | undefined {
  if (!editableEntry(child)) return undefined;
  const text = file.text;
  const colon = colonAfter(text, child);
  if (colon === undefined) return undefined;
  if (parent.map.flow) return replaceValue(file, child, flowText(path, key, value));
  const end = lineEnd(text, colon);
  // A `~` written on a line of its own below the key: not a layout worth guessing at.
  if (start(child.written) > end) return undefined;
  const comment = COMMENT.exec(text.slice(colon, end))?.[1];
  const nl = newline(text);
  const step = indentStep(file, parent);
  const lines = blockLines(path, key, value, keyColumn(file, start(child.keyNode)) + step, step);
  return { start: colon, end, newText: (comment ? ` ${comment.trimEnd()}` : '') + nl + lines.join(nl) };
}

/** Column where a block mapping's key starts: before its tag or anchor, when those start its line. */
function keyColumn(file: File, keyStart: number): number {
  const before = file.text.slice(lineStart(file.text, keyStart), keyStart);
  const props = /^([ \t]*)(?:[!&][^ \t]*[ \t]+)*$/.exec(before);
  return props ? props[1].length : column(file, keyStart);
}

function insertInto(file: File, ref: MapRef, path: readonly string[], key: string, value: string): TextEdit | undefined {
  if (!editable(ref)) return undefined;
  const text = file.text;
  const nl = newline(text);
  const items = ref.map.items;
  const last = items[items.length - 1];
  if (ref.map.flow) {
    const pair = flowText(path, key, value).slice(2, -2);
    if (!last) return { start: start(ref.map), end: contentEnd(text, ref.map), newText: `{ ${pair} }` };
    const at = pairEnd(text, last);
    return { start: at, end: at, newText: `, ${pair}` };
  }
  const lines = blockLines(path, key, value, keyColumn(file, start((ref.map.items[0]?.key as Node | undefined) ?? ref.map)), indentStep(file, ref));
  const at = last ? afterPair(text, last) : nextLineStart(text, start(ref.map));
  const prefix = at === text.length && !text.endsWith('\n') ? nl : '';
  return { start: at, end: at, newText: prefix + lines.join(nl) + nl };
}

/**
 * Removes `key` from the mapping at `mapKey` of `parent` (e.g. a label from `metadata.labels`).
 * Removing the last entry removes the then-empty mapping too, so no `labels:` with nothing is left.
 */
export function removeEntry(file: File, parent: MapRef, mapKey: string, key: string): TextEdit | undefined {
  const holder = entry(parent, mapKey);
  const map = holder && mapOf(parent, holder);
  const target = entry(map, key);
  if (!holder || !map || !target || !editableEntry(target)) return undefined;
  // A merge key would bring the key back: removing it means editing the anchor.
  if (mergedEntry(map, key)) return undefined;
  if (map.map.items.length > 1 || map.map.flow) return removeFrom(file, map, target);
  if (!editableEntry(holder)) return undefined;
  if (parent.map.items.length > 1 && !parent.map.flow) return removeFrom(file, parent, holder);
  return replaceValue(file, holder, '{}');
}

/**
 * Removes `key` from a mapping that holds other entries too (a document's root, which has no key of its own to
 * remove with it). Undefined when it is the only entry: what is left would be an empty document.
 */
export function removeKey(file: File, ref: MapRef, key: string): TextEdit | undefined {
  const target = entry(ref, key);
  if (!target || !editableEntry(target) || mergedEntry(ref, key)) return undefined;
  return ref.map.items.length > 1 ? removeFrom(file, ref, target) : undefined;
}

function removeFrom(file: File, ref: MapRef, target: Entry): TextEdit | undefined {
  if (ref.map.flow) return removeFromFlow(file.text, ref, target);
  const text = file.text;
  const keyStart = start(target.keyNode);
  const from = lineStart(text, keyStart);
  // Only the indentation and the key's own tag or anchor may precede it on its line.
  if (!/^[ \t]*(?:[!&][^ \t]*[ \t]+)*$/.test(text.slice(from, keyStart))) return undefined;
  return { start: from, end: afterPair(text, target.pair), newText: '' };
}

/** Skips blanks, line breaks and comments in a flow collection. */
function skipGap(text: string, offset: number): number {
  let i = offset;
  for (;;) {
    while (i < text.length && /[ \t\r\n]/.test(text[i])) i++;
    if (text[i] !== '#' || (i > 0 && !/[ \t\r\n]/.test(text[i - 1]))) return i;
    i = lineEnd(text, i);
  }
}

/**
 * Removes one entry of a flow mapping and one comma next to it; every other byte stays, so keys of any type,
 * comments and the closing brace's place are kept. An entry alone on its line goes with its line.
 */
function removeFromFlow(text: string, ref: MapRef, target: Entry): TextEdit | undefined {
  const items = ref.map.items;
  const i = items.indexOf(target.pair);
  const open = start(ref.map);
  if (i < 0 || text[open] !== '{') return undefined;
  const commaAfter = (j: number): number => {
    const k = skipGap(text, pairEnd(text, items[j]));
    return text[k] === ',' ? k : -1;
  };
  const startOf = (j: number): number => skipGap(text, j === 0 ? open + 1 : commaAfter(j - 1) + 1);
  const from = startOf(i);
  const to = pairEnd(text, target.pair);
  const aloneBefore = (at: number) => isBlank(text.slice(lineStart(text, at), at));
  const aloneAfter = (at: number) => {
    const rest = text.slice(at, lineEnd(text, at)).trim();
    return rest === '' || rest.startsWith('#');
  };
  const comma = commaAfter(i);
  if (comma >= 0 || i === 0) {
    let end = comma >= 0 ? comma + 1 : to;
    while (text[end] === ' ' || text[end] === '\t') end++;
    if (aloneBefore(from) && aloneAfter(end)) return { start: lineStart(text, from), end: nextLineStart(text, end), newText: '' };
    return { start: from, end, newText: '' };
  }
  // The last entry, without a comma after it: it goes with the comma before it.
  const before = commaAfter(i - 1);
  if (before < 0) return undefined;
  if (aloneBefore(from) && aloneAfter(to)) {
    const lineFrom = lineStart(text, from);
    return { start: before, end: nextLineStart(text, to), newText: text.slice(before + 1, lineFrom) };
  }
  return { start: before, end: to, newText: text.slice(before + 1, from).replace(/[ \t]+$/, '') };
}

/** Renames an entry's key (its tag or anchor stays). */
export function renameKey(e: Entry, newKey: string): TextEdit | undefined {
  const key = e.keyNode.range;
  return key && editableEntry(e) ? { start: key[0], end: key[1], newText: newKey } : undefined;
}

/** Renames an entry's key and sets its value, as one edit. */
export function replaceEntry(file: File, e: Entry, newKey: string, newValue: string): TextEdit | undefined {
  return mergeEdits(file.text, [renameKey(e, newKey), replaceValue(file, e, newValue)], true);
}

/**
 * Several edits of one fix as one edit spanning them, so no consumer has to order or merge them. Undefined when
 * edits overlap, or (with `all`) when one of them could not be made.
 */
export function mergeEdits(text: string, edits: ReadonlyArray<TextEdit | undefined>, all = false): TextEdit | undefined {
  if (all && edits.some((e) => e === undefined)) return undefined;
  const list = edits.filter((e): e is TextEdit => e !== undefined).sort((a, b) => a.start - b.start || a.end - b.end);
  if (list.length === 0) return undefined;
  for (let i = 1; i < list.length; i++) if (list[i].start < list[i - 1].end || list[i].start === list[i - 1].start) return undefined;
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
