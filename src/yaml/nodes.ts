import { isAlias, isMap, isScalar, isSeq, visit, type Alias, type Document, type Node, type Pair, type Scalar, type YAMLMap } from 'yaml';

/**
 * The anchors and aliases of one document. Kubernetes reads a manifest with its aliases resolved and its merge keys
 * (`<<: *base`) merged, so the rules judge what an alias stands for. Edits are only made to text that means one thing:
 * never inside an anchored node that an alias repeats elsewhere. Indexed on first use, without expanding any alias
 * (an alias bomb costs its own size).
 */
export class Anchors {
  private index: { readonly anchored: Map<string, Node[]>; readonly aliased: Set<string> } | undefined;

  constructor(private readonly doc: Document) {}

  /** The node an alias stands for: the last node with its anchor before it. */
  resolve(alias: Alias): Node | undefined {
    const at = alias.range?.[0] ?? 0;
    let found: Node | undefined;
    for (const node of this.built().anchored.get(alias.source) ?? []) if ((node.range?.[0] ?? 0) < at) found = node;
    return found;
  }

  /** Whether `node` itself carries an anchor that some alias of the document names. */
  isShared(node: Node | undefined): boolean {
    return node !== undefined && !isAlias(node) && node.anchor !== undefined && this.built().aliased.has(node.anchor);
  }

  /** Whether `node` or anything inside it carries an anchor that some alias names: its text cannot change alone. */
  holdsShared(node: Node | null | undefined): boolean {
    if (!node) return false;
    const { aliased } = this.built();
    if (aliased.size === 0) return false;
    let shared = false;
    visit(node, {
      Node: (_key, n) => {
        if (!isAlias(n) && n.anchor !== undefined && aliased.has(n.anchor)) {
          shared = true;
          return visit.BREAK;
        }
        return undefined;
      },
    });
    return shared;
  }

  private built(): NonNullable<Anchors['index']> {
    if (this.index) return this.index;
    const anchored = new Map<string, Node[]>();
    const aliased = new Set<string>();
    visit(this.doc, {
      Node: (_key, node) => {
        if (isAlias(node)) aliased.add(node.source);
        else if (node.anchor !== undefined) {
          const list = anchored.get(node.anchor) ?? [];
          list.push(node);
          anchored.set(node.anchor, list);
        }
      },
    });
    for (const list of anchored.values()) list.sort((a, b) => (a.range?.[0] ?? 0) - (b.range?.[0] ?? 0));
    return (this.index = { anchored, aliased });
  }
}

/** A mapping of a document, found by following keys from its root. */
export interface MapRef {
  readonly map: YAMLMap;
  readonly anchors: Anchors;
  /** The map is written where it was looked up: reached without an alias or a merge key. */
  readonly own: boolean;
  /** The mapping this one was reached from (none for the root), to tell whether an alias repeats any of them. */
  readonly parent?: MapRef;
  /** Where the map was reached through an alias or a merge key: the text of that alias or `<<` entry (for ranges). */
  readonly via?: readonly [number, number];
}

/** A `key: value` entry of a mapping whose key is a plain string, with its nodes for ranges and edits. */
export interface Entry {
  readonly key: string;
  readonly pair: Pair;
  readonly keyNode: Scalar;
  /** The value as Kubernetes reads it (an alias resolved to its anchor's node); a null scalar for `key:` with nothing after it. */
  readonly value: Node | undefined;
  /** The value node as written at the entry: an alias, or `value` itself. */
  readonly written: Node | undefined;
  /** The entry is written in an own map (not merged in through `<<`), so its text may be edited. */
  readonly own: boolean;
  /** Where a merged or aliased entry comes in: the `<<` entry or alias (for ranges). */
  readonly via?: readonly [number, number];
  /** The map the entry is written in (a merge source for a merged entry). */
  readonly map: MapRef;
  readonly anchors: Anchors;
}

/** The root mapping of a parsed document, when it is one. */
export function rootRef(doc: Document.Parsed): MapRef | undefined {
  return isMap(doc.contents) ? { map: doc.contents, anchors: new Anchors(doc), own: true } : undefined;
}

function makeEntry(ref: MapRef, pair: Pair, key: string, keyNode: Scalar): Entry {
  const written = (pair.value ?? undefined) as Node | undefined;
  const value = isAlias(written) ? ref.anchors.resolve(written) : written;
  const aliasSpan = isAlias(written) ? nodeSpan(written, 0) : undefined;
  return { key, pair, keyNode, value, written, own: ref.own, via: ref.via ?? aliasSpan, map: ref, anchors: ref.anchors };
}

/** The entries written in the map itself (merge keys not followed): what edits work on. */
export function entries(ref: MapRef | undefined): Entry[] {
  if (!ref) return [];
  const out: Entry[] = [];
  for (const pair of ref.map.items) {
    if (!isScalar(pair.key) || typeof pair.key.value !== 'string' || isMergeKey(pair)) continue;
    out.push(makeEntry(ref, pair, pair.key.value, pair.key));
  }
  return out;
}

/**
 * The entry for `key` as Kubernetes reads the map: its own entry, else the first merge source (`<<: *a` or
 * `<<: [*a, *b]`, depth first) that has it. Each map is searched once, so nested merges cost their size.
 */
export function entry(ref: MapRef | undefined, key: string, seen?: Set<YAMLMap>): Entry | undefined {
  if (!ref || seen?.has(ref.map)) return undefined;
  // A plain scan without building every entry: the rules look keys up on every document.
  let merges = false;
  for (const pair of ref.map.items) {
    if (!isScalar(pair.key) || pair.key.value !== key) merges ||= isMergeKey(pair);
    else if (!isMergeKey(pair)) return makeEntry(ref, pair, key, pair.key);
  }
  if (!merges) return undefined;
  const visited = seen ?? new Set<YAMLMap>();
  visited.add(ref.map);
  for (const source of mergeSources(ref)) {
    const found = entry(source, key, visited);
    if (found) return found;
  }
  return undefined;
}

/** The entry for `key` that the map's merge keys bring in (what is left when its own entry is removed). */
export function mergedEntry(ref: MapRef, key: string): Entry | undefined {
  if (!hasMergeKey(ref)) return undefined;
  const seen = new Set<YAMLMap>([ref.map]);
  for (const source of mergeSources(ref)) {
    const found = entry(source, key, seen);
    if (found) return found;
  }
  return undefined;
}

function hasMergeKey(ref: MapRef): boolean {
  return ref.map.items.some(isMergeKey);
}

function isMergeKey(pair: Pair): boolean {
  return isScalar(pair.key) && pair.key.value === '<<' && pair.key.type === 'PLAIN';
}

function mergeSources(ref: MapRef): MapRef[] {
  const out: MapRef[] = [];
  for (const pair of ref.map.items) {
    if (!isMergeKey(pair)) continue;
    const span: [number, number] = [(pair.key as Scalar).range?.[0] ?? 0, nodeSpan(pair.value as Node | undefined, 0)[1]];
    const via = ref.via ?? span;
    const value = pair.value as Node | undefined;
    for (const item of isSeq(value) ? (value.items as Node[]) : [value]) {
      const map = isAlias(item) ? ref.anchors.resolve(item) : item;
      if (isMap(map)) out.push({ map, anchors: ref.anchors, own: false, parent: ref, via });
    }
  }
  return out;
}

/** The mapping held by an entry, if its value is one (through an alias too). */
export function mapOf(parent: MapRef, e: Entry | undefined): MapRef | undefined {
  if (!e || !isMap(e.value)) return undefined;
  const own = parent.own && e.own && !isAlias(e.written);
  return { map: e.value, anchors: parent.anchors, own, parent, via: e.via ?? parent.via };
}

/** Whether text of the map may be edited: it is written here, and no alias repeats it or a mapping around it. */
export function editable(ref: MapRef): boolean {
  if (!ref.own) return false;
  for (let r: MapRef | undefined = ref; r; r = r.parent) if (ref.anchors.isShared(r.map)) return false;
  return true;
}

/** The mapping reached by following keys from `ref`, if every step is a mapping. */
export function mapAt(ref: MapRef | undefined, path: readonly string[]): MapRef | undefined {
  let current = ref;
  for (const key of path) {
    current = current && mapOf(current, entry(current, key));
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

/** The whole entry `key: value`, for ranges of findings about the entry (the `<<` entry or alias it came through). */
export function entrySpan(e: Entry): [number, number] {
  if (e.via && !e.own) return [e.via[0], e.via[1]];
  const start = e.keyNode.range?.[0] ?? 0;
  const valueEnd = e.written?.range?.[1];
  const end = valueEnd !== undefined && valueEnd > start ? valueEnd : (e.keyNode.range?.[1] ?? start);
  return [start, end];
}

/** Where an entry's value is shown to be: its text, or the alias or `<<` entry it came through. */
export function valueSpan(e: Entry): [number, number] {
  if (e.via) return [e.via[0], e.via[1]];
  return nodeSpan(e.written, e.keyNode.range?.[1] ?? 0);
}

/**
 * Kubernetes decodes YAML as version 1.1, where plain `yes`, `on`, `y`, numbers and `~` are not
 * strings. Label values must be strings, so any of these is an error even when YAML 1.2 says string.
 */
const YAML11_NON_STRING = /^(y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|~|null|Null|NULL|[-+]?(0|[1-9][0-9_]*)(\.[0-9_]*)?([eE][-+]?[0-9]+)?|[-+]?\.[0-9]+|0x[0-9a-fA-F_]+|0o?[0-7_]+|\.inf|\.nan)$/;

const STR_TAG = 'tag:yaml.org,2002:str';
const CORE_TAG = /^tag:yaml\.org,2002:(bool|int|float|null)$/;

export function isNonStringScalar(node: Node | undefined): boolean {
  if (!isScalar(node)) return false;
  // An explicit tag decides, quoted or not: `!!str yes` is a string, `!!bool "true"` a boolean.
  if (node.tag !== undefined) return node.tag !== STR_TAG && CORE_TAG.test(node.tag) && node.value !== null;
  if (node.type !== 'PLAIN') return false;
  if (node.value === null) return false;
  return typeof node.value !== 'string' || YAML11_NON_STRING.test(String(node.source ?? node.value));
}
