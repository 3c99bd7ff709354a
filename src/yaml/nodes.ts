import { isMap, isScalar, type Node, type Pair, type Scalar, type YAMLMap } from 'yaml';

/** A `key: value` entry of a mapping whose key is a plain string, with its nodes for ranges and edits. */
export interface Entry {
  readonly key: string;
  readonly pair: Pair;
  readonly keyNode: Scalar;
  /** The value node; a null scalar for `key:` with nothing after it. */
  readonly value: Node | undefined;
}

export function entries(map: YAMLMap | undefined): Entry[] {
  if (!map) return [];
  const out: Entry[] = [];
  for (const pair of map.items) {
    if (!isScalar(pair.key)) continue;
    const key = pair.key.value;
    if (typeof key !== 'string') continue;
    out.push({ key, pair, keyNode: pair.key, value: (pair.value ?? undefined) as Node | undefined });
  }
  return out;
}

export function entry(map: YAMLMap | undefined, key: string): Entry | undefined {
  // A plain scan without building every entry: the rules look keys up on every document.
  for (const pair of map?.items ?? []) {
    if (isScalar(pair.key) && pair.key.value === key) return { key, pair, keyNode: pair.key, value: (pair.value ?? undefined) as Node | undefined };
  }
  return undefined;
}

/** The mapping reached by following keys from `map`, if every step is a mapping. */
export function mapAt(map: YAMLMap | undefined, path: readonly string[]): YAMLMap | undefined {
  let current: YAMLMap | undefined = map;
  for (const key of path) {
    const value = entry(current, key)?.value;
    current = isMap(value) ? value : undefined;
    if (!current) return undefined;
  }
  return current;
}

/** The value of a scalar as YAML 1.2 reads it, or undefined for non-scalars. */
export function scalarValue(node: Node | undefined): unknown {
  return isScalar(node) ? node.value : undefined;
}

/** [start, end) of a node's own text, without a trailing comment. */
export function nodeSpan(node: Node | Pair | undefined, fallback: number): [number, number] {
  const range = node && 'range' in node ? node.range : undefined;
  return range ? [range[0], range[1]] : [fallback, fallback];
}

/** The whole entry `key: value`, for ranges of findings about the entry. */
export function entrySpan(e: Entry): [number, number] {
  const start = e.keyNode.range?.[0] ?? 0;
  const valueEnd = e.value?.range?.[1];
  const end = valueEnd !== undefined && valueEnd > start ? valueEnd : (e.keyNode.range?.[1] ?? start);
  return [start, end];
}

/**
 * Kubernetes decodes YAML as version 1.1, where plain `yes`, `on`, `y`, numbers and `~` are not
 * strings. Label values must be strings, so any of these is an error even when YAML 1.2 says string.
 */
const YAML11_NON_STRING = /^(y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|~|null|Null|NULL|[-+]?(0|[1-9][0-9_]*)(\.[0-9_]*)?([eE][-+]?[0-9]+)?|[-+]?\.[0-9]+|0x[0-9a-fA-F_]+|0o?[0-7_]+|\.inf|\.nan)$/;

export function isNonStringScalar(node: Node | undefined): boolean {
  if (!isScalar(node)) return false;
  if (node.type !== 'PLAIN') return false;
  if (node.value === null) return false;
  return typeof node.value !== 'string' || YAML11_NON_STRING.test(String(node.source ?? node.value));
}
