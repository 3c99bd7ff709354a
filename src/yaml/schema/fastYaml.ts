import * as jsYaml from 'js-yaml';
import { isScalar, Schema } from 'yaml';
import { closingQuote, readRegularYaml, UNREADABLE_CHARACTERS } from './regularYaml';

/**
 * A fast first look at a YAML text for the command line: js-yaml reads plain, everyday YAML about ten
 * times faster than `yaml`, the parser yaml-language-server (and the editor) use. Its answer is used
 * only when it is certain to be theirs: the text has no syntax error or warning for `yaml`, and the
 * values are the ones `yaml` would give. Anything else returns `undefined`, and the caller parses with
 * `yaml` as the editor does.
 *
 * Certainty comes from two sides:
 * - scalars resolve through `yaml`'s own YAML 1.2 core tags (same tests, same order, same functions);
 * - `plainEnough` refuses every construct where the two parsers were seen (or could be expected) to
 *   differ: anchors, aliases, tags, merge keys, complex keys, directives, tabs, carriage returns, control
 *   characters, multi-line keys, empty sequence entries, empty documents, a scalar alone below its key, and block
 *   structure whose indentation is not the regular one (a sequence or key at a column no parent opened).
 *   test/unit/yaml/compiledSchema.test.ts checks the claim on random edits of Istio's manifests.
 */
export function loadFast(text: string): unknown[] | undefined {
  const regular = readRegularYaml(text, resolvePlain);
  if (regular) return regular;
  if (!plainEnough(text)) return undefined;
  const docs: unknown[] = [];
  try {
    jsYaml.loadAll(text, (doc) => docs.push(doc), { schema: coreSchema() });
  } catch {
    return undefined;
  }
  return docs;
}

let schema: jsYaml.Schema | undefined;
let implicitTypes: jsYaml.Type[] = [];

/** A plain scalar's value as js-yaml reads it with `coreSchema`: the first of its implicit types that resolves it. */
export function resolvePlain(text: string): unknown {
  if (!schema) coreSchema();
  for (const type of implicitTypes) if (type.resolve(text)) return type.construct(text);
  return text;
}

/**
 * The characters a plain scalar that YAML 1.2's core schema reads as other than a string can start with: `~`, the
 * null/true/false words in their three spellings, digits, signs and `.` (`.inf`, `.nan`, `.5`).
 */
export const CORE_STARTS: ReadonlySet<string> = new Set(['~', 'n', 'N', 't', 'T', 'f', 'F', '+', '-', '.', ...'0123456789']);

/** js-yaml with no types of its own: plain scalars resolve through `yaml`'s YAML 1.2 core tags, in their order. */
function coreSchema(): jsYaml.Schema {
  if (schema) return schema;
  const tags = new Schema({ schema: 'core' }).tags.filter((t) => t.default === true && 'test' in t && t.test instanceof RegExp);
  const implicit = tags.map((tag, i) => {
    const test = (tag as { test: RegExp }).test;
    const resolve = (tag as { resolve: (s: string, onError: (m: string) => void, o: { intAsBigInt: boolean }) => unknown }).resolve;
    // One js-yaml tag name per `yaml` tag: js-yaml keeps only the last type of a repeated name.
    return new jsYaml.Type(`tag:istio-mesh,core:${i}`, {
      kind: 'scalar',
      resolve: (s: string | null) => test.test(s ?? ''),
      construct: (s: string | null) => {
        const value = resolve(s ?? '', () => undefined, { intAsBigInt: false });
        return isScalar(value) ? value.value : value;
      },
    });
  });
  // Tried first: a plain scalar that no core tag can match, told by its first character (see `CORE_STARTS`), is a
  // string; js-yaml would otherwise try every tag's pattern on each of them (most scalars of a manifest).
  const word = new jsYaml.Type('tag:istio-mesh,core:string', {
    kind: 'scalar',
    resolve: (s: string | null) => s !== null && s.length > 0 && !CORE_STARTS.has(s[0]),
    construct: (s: string) => s,
  });
  implicitTypes = [word, ...implicit];
  schema = new jsYaml.Schema({ implicit: implicitTypes, explicit: [] });
  return schema;
}

/** A block collection opened at a column: keys of a mapping, or entries of a sequence. */
interface Level {
  readonly column: number;
  readonly kind: 'key' | 'seq';
}

/** What the previous structural line leaves open for the next one: a `key:` without a value, or nothing. */
type Opening = 'none' | 'key-empty';

/**
 * Whether the text stays within the YAML both parsers read alike. False means "not sure": never an error.
 * Line by line: each line is a mapping key (with its value), a sequence entry, a comment, the continuation
 * of a multi-line scalar or flow collection, or block scalar content.
 */
function plainEnough(text: string): boolean {
  if (UNREADABLE_CHARACTERS.test(text)) return false;
  const lines = text.split('\n');
  let levels: Level[] = [];
  let opening: Opening = 'none';
  let docStart = true;
  // A `---` opened the current document: it must have content (yaml-language-server flags an empty one).
  let marked = false;
  // A block scalar: its parent's column, the indentation of its content (once known, or given by an indentation
  // indicator), and the longest blank line before its first content line.
  let block: { parent: number; indent: number; leadingBlank: number } | undefined;
  // A plain scalar that may continue on more indented lines.
  let plain: { above: number; commented: boolean } | undefined;
  // A quoted scalar or flow collection still open at the end of a line.
  let open: { above: number; quote: '"' | "'" | undefined; depth: number } | undefined;

  // The document ended with `...`: only comments or a `---` may follow.
  let ended = false;
  // Index of the last structural line (a key or an entry), and of the current line.
  let lastStructural = -1;
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index];
    let indent = 0;
    while (line.charCodeAt(indent) === 32) indent++;
    const blank = indent === line.length;

    if (open) {
      if (blank) continue;
      if (indent <= open.above || isMarker(line)) return false;
      const scan = scanInline(line, indent, open.quote, open.depth);
      if (!scan) return false;
      if (scan.quote || scan.depth > 0) {
        open = { ...open, quote: scan.quote, depth: scan.depth };
        continue;
      }
      // A multi-line implicit key is an error for `yaml`.
      if (scan.key) return false;
      open = undefined;
      if (!scan.ended) return false;
      continue;
    }
    if (block) {
      if (blank) {
        if (block.indent < 0) block.leadingBlank = Math.max(block.leadingBlank, indent);
        continue;
      }
      if (indent > block.parent) {
        if (block.indent < 0) {
          // Leading blank lines longer than the content's indentation are an error for `yaml`.
          if (block.leadingBlank > indent) return false;
          block.indent = indent;
        } else if (indent < block.indent) {
          return false;
        }
        continue;
      }
      block = undefined;
    }
    if (blank) continue;
    if (line[indent] === '#') {
      if (plain && indent > plain.above) plain.commented = true;
      continue;
    }
    if (plain && indent > plain.above) {
      // The continuation of a multi-line plain scalar: text only, no key, no comment.
      if (plain.commented || /: |:$| #/.test(line)) return false;
      continue;
    }
    plain = undefined;
    if (isMarker(line)) {
      if (!/^(?:---|\.\.\.)(?: +(?:#.*)?)?$/.test(line) || (marked && docStart)) return false;
      if (line.startsWith('...')) {
        // The end of a document that had content.
        if (docStart) return false;
        ended = true;
        continue;
      }
      levels = [];
      opening = 'none';
      docStart = true;
      marked = true;
      ended = false;
      continue;
    }
    if (line[0] === '%' || ended) return false;

    // A structural line: `- ` entries, then at most one `key:`, then a value.
    let column = indent;
    const entries: Level[] = [];
    while (line[column] === '-' && (line[column + 1] === ' ' || column + 1 === line.length)) {
      if (entries.length > 0) return false; // `- - x`: a compact nested sequence
      entries.push({ column, kind: 'seq' });
      column += 1;
      while (line.charCodeAt(column) === 32) column++;
    }
    const rest = scanValue(line, column, entries.length > 0);
    if (!rest) return false;
    if (rest.key !== undefined) entries.push({ column: rest.key, kind: 'key' });
    let parent: number;
    const above = levels[levels.length - 1];
    if (entries.length === 0 && !docStart) {
      // A flow collection alone on the line right below its `key:`. (Not a scalar: after a line of spaces, `yaml`
      // reads a scalar there differently from js-yaml.)
      const flow = line[column] === '[' || line[column] === '{';
      if (!flow || opening !== 'key-empty' || lastStructural !== index - 1 || !above || indent <= above.column) return false;
      parent = above.column;
    } else if (entries.length === 0) {
      // A scalar or flow collection as the whole document: nothing may follow it at the document level.
      if (rest.value === 'none') return false;
      parent = -1;
      levels = [{ column: -1, kind: 'key' }];
    } else {
      if (!fits(entries[0], levels, opening, docStart)) return false;
      const first = entries[0];
      levels = levels.filter((l) => l.column < first.column || l.column === first.column && l.kind === 'key' && first.kind === 'seq');
      for (const e of entries) levels.push(e);
      const last = entries[entries.length - 1];
      parent = last.column;
    }
    docStart = false;
    lastStructural = index;
    const last = entries[entries.length - 1];
    // An entry with nothing after its `-`: js-yaml then takes a less indented `- ` for one of its siblings.
    if (rest.value === 'none' && last?.kind === 'seq') return false;
    opening = rest.value === 'none' && last ? 'key-empty' : 'none';
    if (rest.value === 'block') block = { parent, indent: rest.indentation ? parent + rest.indentation : -1, leadingBlank: 0 };
    else if (rest.value === 'plain') plain = { above: parent, commented: false };
    else if (rest.value === 'open') open = { above: parent, quote: rest.quote, depth: rest.depth };
  }
  return !open && !(marked && docStart);
}

function isMarker(line: string): boolean {
  return line.startsWith('---') || line.startsWith('...');
}

/**
 * Whether a line's first collection entry may stand at its column: a sibling of an open collection of the
 * same kind at that column, the first entry below a `key:` with nothing after it, or the start of the document.
 */
function fits(first: Level, levels: readonly Level[], opening: Opening, docStart: boolean): boolean {
  if (docStart) return true;
  const above = levels[levels.length - 1];
  if (opening === 'key-empty' && above && first.column > above.column) return true;
  // `key:` then `- item` at the key's own column (a compact sequence value).
  if (opening === 'key-empty' && above && first.kind === 'seq' && first.column === above.column) return true;
  // A compact sequence shares its key's column: both may be open there.
  for (let i = levels.length - 1; i >= 0 && levels[i].column >= first.column; i--) {
    if (levels[i].column === first.column && levels[i].kind === first.kind) return true;
  }
  return false;
}

interface ValueScan {
  /** Column of the `key` of a `key: value` line. */
  readonly key?: number;
  /** What follows the key (or the entry): nothing, a scalar or flow collection ended on this line, or more to come. */
  readonly value: 'none' | 'done' | 'plain' | 'block' | 'open';
  readonly quote?: '"' | "'";
  readonly depth: number;
  /** A block scalar's indentation indicator. */
  readonly indentation?: number;
}

/**
 * The rest of a structural line from `column`: an optional key, then its value. `entry`: the line opened a
 * sequence entry before `column`. Undefined: not plain enough.
 */
function scanValue(line: string, column: number, entry: boolean): ValueScan | undefined {
  let key: number | undefined;
  let at = column;
  for (;;) {
    const c = line[at];
    if (c === undefined || c === '#') return { key, value: 'none', depth: 0 };
    if (c === '|' || c === '>') {
      // A block scalar header (the value of a key or an entry): chomping and indentation indicators, a comment.
      if (key === undefined && !entry) return undefined;
      const header = /^[|>](?:([1-9])[+-]?|[+-]([1-9])?)?(?: +#.*)?$/.exec(line.slice(at));
      return header ? { key, value: 'block', depth: 0, indentation: Number(header[1] ?? header[2] ?? 0) } : undefined;
    }
    // Anchors, aliases, tags, complex and empty keys, directives, reserved indicators, a flow end, `<<`
    // (`:path` or `?x` are plain scalars, `: ` and `? ` are not).
    if ('&*!%@`,]}'.includes(c) || c === '<' && line[at + 1] === '<') return undefined;
    if ((c === ':' || c === '?') && (line[at + 1] === ' ' || at + 1 === line.length)) return undefined;
    // `key: - x`: a sequence cannot start on a key's line.
    if (c === '-' && (line[at + 1] === ' ' || at + 1 === line.length)) return undefined;
    if (c === '"' || c === "'" || c === '[' || c === '{') {
      const scan = scanInline(line, at, undefined, 0);
      if (!scan) return undefined;
      if (scan.quote || scan.depth > 0) return { key, value: 'open', quote: scan.quote, depth: scan.depth };
      if (scan.key) {
        // A quoted key; a collection as a key is a complex key.
        if (key !== undefined || c === '[' || c === '{') return undefined;
        key = at;
        at = scan.next;
        continue;
      }
      return scan.ended ? { key, value: 'done', depth: 0 } : undefined;
    }
    // A plain scalar: up to `: ` (a key), ` #` (a comment) or the end of the line.
    const end = plainEnd(line, at);
    if (end.key) {
      if (key !== undefined) return undefined; // `a: b: c`
      key = at;
      at = end.next;
      continue;
    }
    return { key, value: end.comment ? 'done' : 'plain', depth: 0 };
  }
}

/** Where a plain scalar starting at `at` ends on this line, and whether it is a key. */
function plainEnd(line: string, at: number): { key: boolean; next: number; comment: boolean } {
  for (let i = at; i < line.length; i++) {
    const c = line[i];
    if (c === ':' && (line[i + 1] === ' ' || i + 1 === line.length)) {
      let next = i + 1;
      while (line.charCodeAt(next) === 32) next++;
      return { key: true, next, comment: false };
    }
    if (c === '#' && line[i - 1] === ' ') return { key: false, next: i, comment: true };
  }
  return { key: false, next: line.length, comment: false };
}

interface InlineScan {
  /** Still inside a quoted scalar at the end of the line. */
  readonly quote: '"' | "'" | undefined;
  /** Flow collections still open at the end of the line. */
  readonly depth: number;
  /** The scalar or collection that closed on this line is a key (`: ` follows it). */
  readonly key: boolean;
  /** Nothing but spaces or a comment follows what closed. */
  readonly ended: boolean;
  /** Column after the key's `: `. */
  readonly next: number;
}

/**
 * Scans quoted scalars and flow collections from `at` (or continues one left open by the previous line).
 * Inside a flow collection: scalars, `,`, `:` and nested collections; no indicators that start anchors,
 * aliases, tags, block scalars or complex keys.
 */
function scanInline(line: string, at: number, quote: '"' | "'" | undefined, depth: number): InlineScan | undefined {
  let i = at;
  let nodeStart = !quote;
  for (;;) {
    if (quote) {
      const close = closingQuote(line, i, quote);
      if (close < 0) return { quote, depth, key: false, ended: false, next: line.length };
      quote = undefined;
      i = close + 1;
      nodeStart = false;
      if (depth === 0) return afterNode(line, i);
      continue;
    }
    if (i >= line.length) return { quote: undefined, depth, key: false, ended: depth === 0, next: i };
    const c = line[i];
    if (c === ' ') {
      i++;
      continue;
    }
    if (c === '#') {
      if (line[i - 1] !== ' ' && i > 0) return undefined;
      return { quote: undefined, depth, key: false, ended: depth === 0, next: line.length };
    }
    if (c === '"' || c === "'") {
      if (!nodeStart) return undefined;
      quote = c;
      i++;
      continue;
    }
    if (c === '[' || c === '{') {
      if (!nodeStart) return undefined;
      depth++;
      i++;
      continue;
    }
    if (c === ']' || c === '}') {
      if (depth === 0) return undefined;
      depth--;
      i++;
      nodeStart = false;
      if (depth === 0) return afterNode(line, i);
      continue;
    }
    if (depth === 0) return undefined;
    if (c === ',') {
      nodeStart = true;
      i++;
      continue;
    }
    if (c === ':') {
      // `a: b` inside a flow collection; an empty key (`{: b}`) is not worth the risk.
      if (nodeStart) return undefined;
      nodeStart = true;
      i++;
      continue;
    }
    if (!nodeStart) return undefined;
    if ('&*!?%@`|>-<'.includes(c) && !(c === '-' && /[0-9.]/.test(line[i + 1] ?? ''))) return undefined;
    // A plain scalar inside a flow collection ends at `,`, `]`, `}`, `: ` or ` #`.
    let j = i;
    while (j < line.length && !',]}'.includes(line[j]) && !(line[j] === ':' && ' ,]}'.includes(line[j + 1] ?? ' ')) && !(line[j] === '#' && line[j - 1] === ' ')) {
      if ('[{"'.includes(line[j])) return undefined;
      j++;
    }
    i = j;
    nodeStart = false;
  }
}

/** After a closed quoted scalar or flow collection at block level: a key's `:`, a comment, or nothing. */
function afterNode(line: string, at: number): InlineScan | undefined {
  let i = at;
  while (line.charCodeAt(i) === 32) i++;
  if (i >= line.length) return { quote: undefined, depth: 0, key: false, ended: true, next: i };
  if (line[i] === '#' && i > at) return { quote: undefined, depth: 0, key: false, ended: true, next: line.length };
  if (line[i] === ':' && i === at && (line[i + 1] === ' ' || i + 1 === line.length)) {
    let next = i + 1;
    while (line.charCodeAt(next) === 32) next++;
    return { quote: undefined, depth: 0, key: true, ended: false, next };
  }
  return undefined;
}
