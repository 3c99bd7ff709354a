/**
 * A reader of regular block YAML, line by line: what generators and most people write (Kubernetes' and Istio's
 * manifests, CRDs). It takes a line at a time with the engine's string functions, where js-yaml reads a character at
 * a time; on the command line, which runs without V8's optimizing compiler, that makes it about four times faster.
 * It reads only what it is sure of, and returns `undefined` for anything else (the caller then reads the text with
 * js-yaml, see `loadFast`):
 * - block mappings with plain or simply quoted keys, block sequences (`- x`, `- key: value`);
 * - plain scalars, on one line or folded over more indented lines;
 * - single- and double-quoted scalars, folded over lines too (double-quoted ones with the common escapes);
 * - literal and folded block scalars (`|`, `|-`, `>`, `>-`, with an indentation indicator or not);
 * - flow sequences and mappings on one line (`[a, "b"]`, `{k: v}`, `[]`, `{}`), nested in each other
 *   (`[{port: 80, name: http}]`, `{matchLabels: {app: x}}`) up to `MAX_FLOW_DEPTH` levels;
 * - comments, and documents separated by `---` lines.
 * Anything else (anchors, tags, multi-line flow collections, complex keys, empty documents, tabs, carriage
 * returns…) is refused. Scalars resolve through the same YAML 1.2 core tags as `loadFast`'s js-yaml (`resolvePlain`),
 * and a key through them too: one that is not a string is refused. test/unit/yaml/compiledSchema.test.ts holds its
 * values to `yaml`'s on Istio's manifests and random edits of them.
 */
export function readRegularYaml(text: string, resolvePlain: (s: string) => unknown): unknown[] | undefined {
  const read = readOrStop(text, resolvePlain);
  return Array.isArray(read) ? read : undefined;
}

/**
 * Whether the reader, reading `text`, meets a key its mapping already holds before anything it refuses. `yaml` then
 * reads the same up to there and certainly has an error: that key twice in one mapping (`reportDuplicateKeys` of
 * src/yaml/parse.ts compares keys by value, and the reader's keys are strings), whatever comes after. A Helm template
 * with an `if`/`else` whose branches set the same key is such a text once its actions are masked.
 */
export function hasDuplicateKey(text: string, resolvePlain: (s: string) => unknown): boolean {
  return readOrStop(text, resolvePlain) === DUPLICATE_KEY;
}

/** The documents the reader reads of `text`, or why it stopped: it refused something, or met a key twice. */
function readOrStop(text: string, resolvePlain: (s: string) => unknown): unknown[] | typeof REFUSED | typeof DUPLICATE_KEY {
  if (UNREADABLE_CHARACTERS.test(text)) return REFUSED;
  try {
    return new Reader(text.split('\n'), resolvePlain).documents();
  } catch (err) {
    if (err === REFUSED || err === DUPLICATE_KEY) return err;
    throw err;
  }
}

/** Tabs, carriage returns, other control characters and byte order marks: each parser has its own rules for them. */
export const UNREADABLE_CHARACTERS = /[^\P{Cc}\n]|\ufeff/u;

/** Thrown to leave the reader at once: the text is not regular (caught in `readOrStop`). */
const REFUSED = Symbol('not regular YAML');

function refuse(): never {
  throw REFUSED;
}

/** Thrown at a key that its mapping already holds (see `hasDuplicateKey`): an error, which this reader refuses too. */
const DUPLICATE_KEY = Symbol('a key twice in one mapping');

/** Block collections nested deeper than this are refused (manifests nest about 20 deep). */
const MAX_DEPTH = 64;

/** The first character of a plain scalar may be none of these (YAML's indicators), nor `-`, `?` or `:` before a space. */
const INDICATORS = '#&*!|>\'"%@`,[]{}';

/** Inside a plain scalar: `: ` or a final `:` (a key where none may be), ` #` (a comment: the caller cuts it first). */
const KEY_INSIDE = /: |:$/;

/** Flow collections nested deeper than this in one another, on one line, are refused (manifests nest two or three). */
const MAX_FLOW_DEPTH = 16;

/** A plain scalar inside a flow collection: none of the flow indicators, no `:`, no comment. */
const FLOW_PLAIN = /^[^,[\]{}#"'&*!|>%@`?:-][^,[\]{}#"':]*$/;

class Reader {
  /** The line being read: the current entry's first line, then the last line its value took. */
  private at = 0;
  /** Collections open around the current one. */
  private depth = 0;

  constructor(
    private readonly lines: string[],
    private readonly resolvePlain: (s: string) => unknown,
  ) {}

  documents(): unknown[] {
    const docs: unknown[] = [];
    let marked = false;
    for (let next = this.nextContent(0); next >= 0; next = this.nextContent(this.at + 1)) {
      const line = this.lines[next];
      this.at = next;
      if (line.startsWith('---')) {
        // A document with no content (two markers in a row, or a marker then the end): refused.
        if (!/^--- *$/.test(line) || marked) refuse();
        marked = true;
        continue;
      }
      if (line.startsWith('...') || line[0] === '%' || indentOf(line) !== 0) refuse();
      docs.push(this.collection(0));
      marked = false;
      // The document must end at a marker or the end of the text.
      const after = this.nextContent(this.at + 1);
      if (after >= 0 && !this.lines[after].startsWith('---')) refuse();
    }
    if (marked || docs.length === 0) refuse();
    return docs;
  }

  /** Index of the next line with content (not blank, not a comment) from `from`, or -1. */
  private nextContent(from: number): number {
    for (let i = from; i < this.lines.length; i++) {
      const line = this.lines[i];
      const indent = indentOf(line);
      if (indent < 0 || line[indent] === '#') continue;
      return i;
    }
    return -1;
  }

  /**
   * The block collection at `column` whose first line is the current line. Deep nesting is left to js-yaml (and to
   * the nesting bound of the callers): it would cost this reader its stack, and rescans of the lines after it.
   */
  private collection(column: number): unknown {
    if (++this.depth > MAX_DEPTH) refuse();
    const value = isEntry(this.lines[this.at], column) ? this.sequence(column) : this.mapping(column);
    this.depth--;
    return value;
  }

  private mapping(column: number): Record<string, unknown> {
    const map: Record<string, unknown> = {};
    for (;;) {
      const line = this.lines[this.at];
      if (isEntry(line, column)) refuse();
      const { key, valueAt } = this.key(line, column);
      if (key === '__proto__') refuse();
      if (Object.prototype.hasOwnProperty.call(map, key)) throw DUPLICATE_KEY;
      map[key] = this.value(line, valueAt, column, true);
      if (!this.continues(column, false)) return map;
    }
  }

  private sequence(column: number): unknown[] {
    const list: unknown[] = [];
    for (;;) {
      const line = this.lines[this.at];
      const start = skipSpaces(line, column + 1);
      if (start >= line.length || line[start] === '#') refuse(); // `-` alone: refused
      if (isEntry(line, start)) refuse(); // `- - x`
      if (this.isKeyLine(line, start)) {
        // `- key: value`: a mapping whose keys stand at `start`; the line is read as if the `-` were a space.
        this.lines[this.at] = ' '.repeat(start) + line.slice(start);
        list.push(this.mapping(start));
      } else {
        list.push(this.value(line, start, column, false));
      }
      if (!this.continues(column, true)) return list;
    }
  }

  /**
   * Moves to the next content line when it belongs to the collection at `column`: it stands at that column (and is
   * an entry, for a sequence). Otherwise stays, and false: the collection ends (a line less indented, a marker, the
   * end, or a key after a sequence at its key's column). A line indented more is refused: nothing may follow a
   * complete value there.
   */
  private continues(column: number, entries: boolean): boolean {
    const next = this.nextContent(this.at + 1);
    if (next < 0) return false;
    const line = this.lines[next];
    const indent = indentOf(line);
    if (indent > column) refuse();
    if (indent < column || (column === 0 && (line.startsWith('---') || line.startsWith('...')))) return false;
    if (entries && !isEntry(line, column)) return false;
    this.at = next;
    return true;
  }

  /** Whether the text at `start` is `key:` (then a space, or the end of the line). */
  private isKeyLine(line: string, start: number): boolean {
    const c = line[start];
    if (c === '"' || c === "'") {
      const close = closingQuote(line, start + 1, c);
      return close > 0 && line[close + 1] === ':';
    }
    return keyEnd(line, start) >= 0;
  }

  private key(line: string, column: number): { key: string; valueAt: number } {
    const c = line[column];
    let key: string;
    let colon: number;
    if (c === '"' || c === "'") {
      const close = closingQuote(line, column + 1, c);
      if (close < 0 || line[close + 1] !== ':') refuse();
      key = quoted(line.slice(column + 1, close), c);
      colon = close + 1;
    } else {
      colon = keyEnd(line, column);
      if (colon < 0) refuse();
      const text = line.slice(column, colon);
      if (!plainStart(text) || text.endsWith(' ') || text === '<<') refuse();
      const value = this.resolvePlain(text);
      if (typeof value !== 'string') refuse();
      key = value;
    }
    if (colon + 1 < line.length && line[colon + 1] !== ' ') refuse();
    return { key, valueAt: skipSpaces(line, colon + 1) };
  }

  /**
   * The value that starts at `start` of the current line (a key's, or an entry's), of a collection at `column`. A
   * key's value may also be the block below it (`key:` alone), more indented, or a sequence at the key's own column.
   */
  private value(line: string, start: number, column: number, ofKey: boolean): unknown {
    if (start >= line.length || line[start] === '#') {
      if (start < line.length && line[start - 1] !== ' ') refuse();
      if (!ofKey) refuse();
      const next = this.nextContent(this.at + 1);
      if (next < 0) return null;
      const below = this.lines[next];
      const indent = indentOf(below);
      if (indent > column && (below[indent] === '{' || below[indent] === '[')) {
        // A flow collection alone on the line right below its key (after a blank line, `yaml` reads it otherwise).
        if (next !== this.at + 1) refuse();
        this.at = next;
        return this.flowLine(below, indent);
      }
      if (indent > column || (indent === column && isEntry(below, column))) {
        this.at = next;
        return this.collection(indent);
      }
      return null;
    }
    const c = line[start];
    if (c === '|' || c === '>') return this.blockScalar(line.slice(start), column);
    if (c === "'") return this.singleQuoted(line, start, column);
    if (c === '"') return this.doubleQuoted(line, start, column);
    if (c === '[' || c === '{') return this.flowLine(line, start);
    return this.plain(line, start, column);
  }

  /** Nothing but spaces, or spaces and a comment, from `at` to the end of the line. */
  private endOfLine(line: string, at: number): void {
    const rest = skipSpaces(line, at);
    if (rest < line.length && (line[rest] !== '#' || rest === at)) refuse();
  }

  /** A plain scalar from `start`, folded over the more indented lines below (a line break is a space). */
  private plain(line: string, start: number, column: number): unknown {
    const comment = line.indexOf(' #', start);
    let first = trimSpaces(comment < 0 ? line.slice(start) : line.slice(start, comment));
    if (!plainStart(first) || KEY_INSIDE.test(first) || first.startsWith('<<')) refuse();
    if (comment >= 0) return this.resolvePlain(first);
    for (const { index, line: next, indent, join } of this.folded(column)) {
      if (next[indent] === '#' || next.includes(' #') || KEY_INSIDE.test(next)) refuse();
      first += join + trimSpaces(next.slice(indent));
      this.at = index;
    }
    return this.resolvePlain(first);
  }

  /** A single-quoted scalar from `start`, folded over more indented lines until its closing quote. */
  private singleQuoted(line: string, start: number, column: number): string {
    let close = closingQuote(line, start + 1, "'");
    if (close >= 0) {
      this.endOfLine(line, close + 1);
      return quoted(line.slice(start + 1, close), "'");
    }
    let text = trimSpaces(line.slice(start + 1));
    for (const { index, line: next, indent, join } of this.folded(column)) {
      close = closingQuote(next, indent, "'");
      if (close < 0) {
        text += join + trimSpaces(next.slice(indent));
        continue;
      }
      this.endOfLine(next, close + 1);
      this.at = index;
      return quoted(text + join + next.slice(indent, close), "'");
    }
    return refuse();
  }

  /**
   * A double-quoted scalar from `start`, folded over more indented lines until its closing quote as YAML 1.2 folds
   * flow scalars: each line's final spaces and the next one's indentation are dropped, a line break is a space and a
   * blank line a line break, and an escaped line break (`\` last) joins with nothing. A blank line after an escaped
   * line break is refused: YAML 1.2 keeps it as a line break, `yaml` folds it to a space. A line at the collection's
   * column or less (a `---` or `...` among them) ends the scalar without its closing quote: refused, as `yaml` reports.
   */
  private doubleQuoted(line: string, start: number, column: number): string {
    let close = closingQuote(line, start + 1, '"');
    if (close >= 0) {
      this.endOfLine(line, close + 1);
      return quoted(line.slice(start + 1, close), '"');
    }
    let { text, escapedBreak } = doubleQuotedLine(line.slice(start + 1));
    for (const { index, line: next, indent, join } of this.folded(column)) {
      if (escapedBreak && join !== ' ') refuse();
      const glue = escapedBreak ? '' : join;
      close = closingQuote(next, indent, '"');
      if (close >= 0) {
        this.endOfLine(next, close + 1);
        this.at = index;
        return text + glue + quoted(next.slice(indent, close), '"');
      }
      const rest = doubleQuotedLine(next.slice(indent));
      text += glue + rest.text;
      escapedBreak = rest.escapedBreak;
    }
    return refuse();
  }

  /**
   * The lines after the current one that go on with a scalar folded over them (those more indented than the
   * collection at `column`), each with what folding puts before it: a space, or a line break per blank line between.
   */
  private *folded(column: number): Generator<{ index: number; line: string; indent: number; join: string }> {
    let blanks = 0;
    for (let i = this.at + 1; i < this.lines.length; i++) {
      const line = this.lines[i];
      const indent = indentOf(line);
      if (indent < 0) {
        blanks++;
        continue;
      }
      if (indent <= column) return;
      yield { index: i, line, indent, join: blanks > 0 ? '\n'.repeat(blanks) : ' ' };
      blanks = 0;
    }
  }

  /** `|`, `|-`, `>` or `>-` and the more indented lines below: their text, with one final line break unless `-`. */
  private blockScalar(header: string, column: number): string {
    const m = /^([|>])(?:([1-9])?(-?)|(-)([1-9]))(?: +#.*| *)$/.exec(header);
    if (!m) refuse();
    const style = m[1];
    const strip = m[3] || m[4];
    const given = Number(m[2] ?? m[5] ?? 0);
    const content: string[] = [];
    // An indentation indicator gives the content's indentation, from the collection's column.
    let indent = given > 0 ? column + given : -1;
    let end = this.at;
    for (let i = this.at + 1; i < this.lines.length; i++) {
      const next = this.lines[i];
      const own = indentOf(next);
      if (own < 0) {
        // Lines of spaces before the first content line: `yaml` refuses those longer than the content's indentation.
        if (indent < 0 && next.length > 0) refuse();
        content.push(next);
        continue;
      }
      if (own <= column) break;
      if (indent < 0) indent = own;
      else if (own < indent) refuse();
      content.push(next);
      end = i;
    }
    if (end === this.at) refuse();
    // Blank lines after the last content line belong to what follows (and to chomping, which drops them here).
    content.length = end - this.at;
    this.at = end;
    const lines = content.map((l) => (l.length > indent ? l.slice(indent) : ''));
    let text: string;
    if (style === '|') text = lines.join('\n');
    else {
      // Folded: a line break between two text lines is a space, a blank line a line break. More indented lines
      // keep their breaks in YAML: refused here.
      text = '';
      let blanks = 0;
      for (const l of lines) {
        if (l === '') {
          blanks++;
          continue;
        }
        if (l[0] === ' ') refuse();
        text += text === '' ? '\n'.repeat(blanks) : blanks > 0 ? '\n'.repeat(blanks) : ' ';
        text += l;
        blanks = 0;
      }
    }
    return strip ? text : `${text}\n`;
  }

  /** A flow collection that ends on its line: the rest of the line may be a comment only. */
  private flowLine(line: string, start: number): unknown {
    const { value, end } = flowCollection(line, start, this.resolvePlain);
    this.endOfLine(line, end);
    return value;
  }
}

/**
 * A flow sequence or mapping from `start` to its closing bracket on the same line, and the index after it: its
 * entries and values are scalars (plain ones without `:`, and quoted ones) or flow collections of the same kind, its
 * keys scalars. Empty entries, a `:` in a plain scalar, keys without values, single pairs in a sequence (`[a: b]`) and
 * collections nested more than `MAX_FLOW_DEPTH` deep are refused.
 */
function flowCollection(line: string, start: number, resolvePlain: (s: string) => unknown, depth = 1): { value: unknown; end: number } {
  if (depth > MAX_FLOW_DEPTH) refuse();
  const mapping = line[start] === '{';
  const closer = mapping ? '}' : ']';
  const list: unknown[] = [];
  const map: Record<string, unknown> = {};
  const node = (at: number) => (line[at] === '[' || line[at] === '{' ? flowCollection(line, at, resolvePlain, depth + 1) : flowScalar(line, at, resolvePlain));
  let at = skipSpaces(line, start + 1);
  if (line[at] === closer) return { value: mapping ? map : list, end: at + 1 };
  for (;;) {
    if (mapping) {
      const key = flowScalar(line, at, resolvePlain);
      at = skipSpaces(line, key.end);
      if (line[at] !== ':' || line[at + 1] !== ' ' || typeof key.value !== 'string' || key.value === '__proto__' || Object.prototype.hasOwnProperty.call(map, key.value)) refuse();
      const value = node(skipSpaces(line, at + 1));
      map[key.value] = value.value;
      at = skipSpaces(line, value.end);
    } else {
      const entry = node(at);
      list.push(entry.value);
      at = skipSpaces(line, entry.end);
    }
    if (line[at] === closer) return { value: mapping ? map : list, end: at + 1 };
    if (line[at] !== ',') refuse();
    at = skipSpaces(line, at + 1);
  }
}

/** A scalar inside a flow collection at `at`: quoted, or plain up to `,`, `:` or the closing bracket. */
function flowScalar(line: string, at: number, resolvePlain: (s: string) => unknown): { value: unknown; end: number } {
  const c = line[at];
  if (c === '"' || c === "'") {
    const close = closingQuote(line, at + 1, c);
    if (close < 0) refuse();
    return { value: quoted(line.slice(at + 1, close), c), end: close + 1 };
  }
  let end = at;
  while (end < line.length && !',]}:#'.includes(line[end])) end++;
  const text = trimSpaces(line.slice(at, end));
  if (!FLOW_PLAIN.test(text) || (line[end] === '#' && line[end - 1] !== ' ')) refuse();
  return { value: resolvePlain(text), end };
}

/** Spaces at the start of a line; -1 for a line of spaces only (blank). */
function indentOf(line: string): number {
  return line.search(/[^ ]/);
}

function skipSpaces(line: string, at: number): number {
  let i = at;
  while (line.charCodeAt(i) === 32) i++;
  return i;
}

/** A `- ` (or a final `-`) at `column`. */
function isEntry(line: string, column: number): boolean {
  return line[column] === '-' && (column + 1 === line.length || line[column + 1] === ' ');
}

/** The `:` that ends a plain key starting at `start` (followed by a space or the end of the line), or -1. */
function keyEnd(line: string, start: number): number {
  if (!plainStart(line.slice(start, start + 2))) return -1;
  const comment = line.indexOf(' #', start);
  for (let i = line.indexOf(':', start); i >= 0; i = line.indexOf(':', i + 1)) {
    if (comment >= 0 && comment < i) return -1;
    if (i + 1 === line.length || line[i + 1] === ' ') return i;
  }
  return -1;
}

/** Whether a plain scalar may start so: no indicator, no `-`, `?` or `:` before a space. */
function plainStart(text: string): boolean {
  const c = text[0];
  if (c === undefined || INDICATORS.includes(c)) return false;
  if ((c === '-' || c === '?' || c === ':') && (text.length === 1 || text[1] === ' ')) return false;
  return true;
}

/** Index of the quote closing a scalar, searching from `from` on this line; -1 when the scalar goes on past it. */
export function closingQuote(line: string, from: number, quote: string): number {
  for (let k = line.indexOf(quote, from); k >= 0; k = line.indexOf(quote, k + 1)) {
    if (quote === "'") {
      if (line[k + 1] === "'") {
        k++;
        continue;
      }
      return k;
    }
    // A double quote that a backslash escapes does not close.
    if (!escapedAt(line, k, from)) return k;
  }
  return -1;
}

/** Whether the backslashes right before `at` (from `from` on) escape it: there is an odd number of them. */
function escapedAt(line: string, at: number, from: number): boolean {
  let slashes = 0;
  while (at - 1 - slashes >= from && line.charCodeAt(at - 1 - slashes) === 92) slashes++;
  return slashes % 2 === 1;
}

/**
 * A line of a double-quoted scalar that goes on past it (from after the opening quote, or after the indentation): its
 * text, and whether it ends with an escaped line break (a `\` that no other escapes), which joins the next line with
 * nothing. Its final spaces go with the line break, but an escaped space (`\ `) among them stays.
 */
function doubleQuotedLine(inner: string): { text: string; escapedBreak: boolean } {
  const body = trimSpaces(inner);
  if (!escapedAt(body, body.length, 0)) return { text: quoted(body, '"'), escapedBreak: false };
  if (body.length < inner.length) return { text: quoted(`${body} `, '"'), escapedBreak: false };
  return { text: quoted(body.slice(0, -1), '"'), escapedBreak: true };
}

/** `text` without its final spaces. Not `trimEnd`: that drops any Unicode space, and YAML's white space is ` ` and tab. */
function trimSpaces(text: string): string {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 32) end--;
  return end === text.length ? text : text.slice(0, end);
}

/** A backslash before anything but `"`, `\` or `/`, or last (found too after an escaped backslash: then only slower). */
const OTHER_ESCAPES = /\\(?:[^"\\/]|$)/;

const ESCAPES: Record<string, string> = { '\\': '\\', '"': '"', '/': '/', n: '\n', t: '\t', r: '\r', '0': '\0', ' ': ' ' };

/** A quoted scalar's text from what is between its quotes (double-quoted: the common escapes, `\u` and `\U` too). */
function quoted(inner: string, quote: string): string {
  if (quote === "'") return inner.includes("''") ? inner.replaceAll("''", "'") : inner;
  if (!inner.includes('\\')) return inner;
  // Only backslashes before `"`, `\` or `/`, which drop them: one replacement, not a call for each escape.
  if (!OTHER_ESCAPES.test(inner)) return inner.replace(/\\(["\\/])/g, '$1');
  return inner.replace(/\\(u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.?)/g, (_, e: string) => {
    if (e.length > 1) {
      const code = parseInt(e.slice(1), 16);
      // Half of a surrogate pair: js-yaml and yaml may join pairs differently. Past Unicode's last code point: an error.
      if ((code >= 0xd800 && code <= 0xdfff) || code > 0x10ffff) refuse();
      return String.fromCodePoint(code);
    }
    return ESCAPES[e] ?? refuse();
  });
}
