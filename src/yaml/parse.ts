import { Composer, isMap, isPair, isScalar, isSeq, Lexer, LineCounter, Parser, YAMLParseError, type CST, type Document, type YAMLMap } from 'yaml';
import { clippedMessage, MAX_NESTING } from './limits';
import { maskTemplates, type MaskedText } from './template';
import type { Position, Range } from './types';

/** One YAML document of a file, with what the rules need to know about it. */
export interface ParsedManifest {
  /** Index of the document in its file (0-based). */
  readonly index: number;
  readonly doc: Document.Parsed;
  /** The document's root mapping, when it is one. */
  readonly root: YAMLMap | undefined;
  /** Set only for Kubernetes-shaped documents (string `apiVersion` and `kind`). */
  readonly apiVersion: string | undefined;
  readonly kind: string | undefined;
  readonly name: string | undefined;
  readonly namespace: string | undefined;
  /** [start, end) offsets of the document in the file. */
  readonly span: readonly [number, number];
  readonly hasErrors: boolean;
}

export interface SyntaxProblem {
  readonly message: string;
  readonly start: number;
  readonly end: number;
}

export interface ParsedFile {
  /** The text as given, and the text the parser saw (Helm actions masked, same length). */
  readonly text: string;
  readonly parsedText: string;
  readonly masked: MaskedText['masked'];
  readonly lineCounter: LineCounter;
  readonly manifests: readonly ParsedManifest[];
  /** The first syntax error of the file, if any: reported once, never as a cascade. */
  readonly syntaxError: SyntaxProblem | undefined;
  /** Where the first document nested deeper than `MAX_NESTING` goes too deep; such documents are not parsed. */
  readonly tooDeep: SyntaxProblem | undefined;
  /** The file is a Helm template (it had `{{ }}` actions). */
  readonly templated: boolean;
}

// Each written so that a string is matched in one pass, without backtracking: values come from any file.
const API_VERSION = /^(?:[a-z0-9]+(?:[.-]+[a-z0-9]+)*\/)?v[0-9][a-z0-9]*$/;
// Mixer's config.istio.io kinds were lower-case (`rule`, `handler`, `instance`): they are read too, to be flagged.
const KIND = /^[A-Za-z][A-Za-z0-9]*$/;

/** Whether a document with this `apiVersion` and `kind` is read as a Kubernetes object (by the rules, analyzers and schemas). */
export function isKubernetesShaped(apiVersion: string, kind: string): boolean {
  return API_VERSION.test(apiVersion) && KIND.test(kind);
}

const TOO_DEEP = `Nested more than ${MAX_NESTING} levels deep: this document is not checked.`;

/**
 * Parses every document of a YAML text with node ranges. Aliases are never expanded here (the
 * rules walk nodes, they never call toJS), so an alias bomb costs no more than its own text.
 */
export function parseManifests(text: string): ParsedFile {
  const { text: parsedText, masked } = maskTemplates(text);
  const lineCounter = new LineCounter();
  const list = composeDocuments(parsedText, lineCounter);
  let syntaxError: SyntaxProblem | undefined;
  let tooDeep: SyntaxProblem | undefined;
  const manifests = list.map((doc, index): ParsedManifest => {
    const deep = doc.errors.find(isTooDeep);
    if (deep && !tooDeep) tooDeep = { message: deep.message, start: deep.pos[0], end: deep.pos[0] + 1 };
    const error = doc.errors.find((e) => !isTooDeep(e));
    if (error && !syntaxError) {
      const start = insideDocument(parsedText, error.pos[0], doc.range[0]);
      syntaxError = { message: clippedMessage(error.message.split('\n')[0]), start, end: start === error.pos[0] ? Math.max(error.pos[1], start + 1) : start + 1 };
    }
    const root = isMap(doc.contents) ? doc.contents : undefined;
    const apiVersion = root ? stringAt(root, 'apiVersion') : undefined;
    const kind = root ? stringAt(root, 'kind') : undefined;
    const kube = apiVersion !== undefined && kind !== undefined && isKubernetesShaped(apiVersion, kind);
    const metadata = root?.get('metadata');
    return {
      index,
      doc,
      root,
      apiVersion: kube ? apiVersion : undefined,
      kind: kube ? kind : undefined,
      name: kube && isMap(metadata) ? stringAt(metadata, 'name') : undefined,
      namespace: kube && isMap(metadata) ? stringAt(metadata, 'namespace') : undefined,
      span: [doc.range[0], doc.range[2]],
      hasErrors: doc.errors.length > 0,
    };
  });
  return { text, parsedText, masked, lineCounter, manifests, syntaxError, tooDeep, templated: masked.length > 0 };
}

/**
 * `parseAllDocuments`, in its steps, with two changes that keep it linear and safe on any input: a document
 * nested too deep is not parsed on (see `tokens`), and duplicate keys are found with a set per mapping (the
 * library compares each key with every earlier key of its mapping: a 400 KB mapping took 20 s).
 */
function composeDocuments(text: string, lineCounter: LineCounter): Document.Parsed[] {
  // The parser makes an Error per problem, and broken input has one per line: capturing their stacks (never read)
  // was most of the time on such input. Synchronous, so no other code sees the setting.
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    const composer = new Composer({ uniqueKeys: false });
    const docs = Array.from(composer.compose(tokens(text, lineCounter)));
    for (const doc of docs) reportDuplicateKeys(doc);
    return docs;
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
  }
}

/**
 * The parser's tokens of a text (`Parser.parse`, lexeme by lexeme). When a document opens more than `MAX_NESTING`
 * collections, its content becomes an error at the one too many, and parsing goes on at the next document marker
 * (`---` or `...` at the start of a line, which ends a document whatever is open): the rest of that document is
 * neither parsed nor composed. Linear, and the same tokens as `Parser.parse` for every other document.
 */
function* tokens(text: string, lineCounter: LineCounter): Generator<CST.Token> {
  lineCounter.addNewLine(0);
  for (let from = 0; ; ) {
    const parser = new Parser(lineCounter.addNewLine);
    parser.offset = from;
    let deep: number | undefined;
    for (const lexeme of new Lexer().lex(from === 0 ? text : text.slice(from))) {
      yield* parser.next(lexeme);
      deep = tooDeepAt(parser.stack);
      if (deep !== undefined) break;
    }
    const document = parser.stack[0];
    if (deep === undefined || document?.type !== 'document') {
      yield* parser.end();
      return;
    }
    from = nextDocumentMarker(text, parser.offset);
    // A `...` line ends the document: parsing goes on after it (a new parser would read it as an empty document).
    if (text.startsWith('...', from)) from = text.indexOf('\n', from) === -1 ? text.length : text.indexOf('\n', from) + 1;
    // The parser counted the lines up to where it stopped; the lines it skips are counted here.
    for (let i = text.indexOf('\n', parser.offset); i !== -1 && i < from; i = text.indexOf('\n', i + 1)) lineCounter.addNewLine(i + 1);
    yield { type: 'document', offset: document.offset, start: document.start, value: { type: 'error', offset: deep, source: '', message: TOO_DEEP } };
    if (from >= text.length) return;
  }
}

/** Offset of the collection the parser has open beyond `MAX_NESTING` levels, if it has one. */
function tooDeepAt(stack: readonly CST.Token[]): number | undefined {
  // Below the document, the parser's stack holds the open collections, and at most a scalar or two on top.
  if (stack.length <= MAX_NESTING + 1) return undefined;
  let depth = 0;
  for (const token of stack) {
    if (token.type !== 'block-map' && token.type !== 'block-seq' && token.type !== 'flow-collection') continue;
    if (++depth > MAX_NESTING) return token.offset;
  }
  return undefined;
}

const DOCUMENT_MARKER = /(?:---|\.\.\.)(?=[ \t\r\n]|$)/y;

/** The start of the first line at or after `offset` that starts with a document marker, or the text's length. */
function nextDocumentMarker(text: string, offset: number): number {
  let line = offset === 0 || text[offset - 1] === '\n' ? offset : text.indexOf('\n', offset) + 1;
  if (line === 0 && offset !== 0) return text.length;
  for (;;) {
    DOCUMENT_MARKER.lastIndex = line;
    if (DOCUMENT_MARKER.test(text)) return line;
    const next = text.indexOf('\n', line);
    if (next === -1) return text.length;
    line = next + 1;
  }
}

function isTooDeep(error: YAMLParseError): boolean {
  return error.code === 'UNEXPECTED_TOKEN' && error.message === TOO_DEEP;
}

const [SPACE, TAB, RETURN, HASH, DASH, QUESTION, COLON, OPEN_BRACKET, OPEN_BRACE, DOUBLE_QUOTE, SINGLE_QUOTE, BACKSLASH, PIPE, GREATER] = [...' \t\r#-?:[{"\'\\|>'].map((c) => c.charCodeAt(0));

/**
 * Whether the collections of a text may nest deeper than `MAX_NESTING`, told in one pass without parsing, for
 * documents that go to yaml-language-server unparsed (it runs the same library, and a process that loses its worker
 * that way may not survive it). An upper bound for what the parser accepts: each `[` and `{` may open a level, and
 * each line as many as it has indicators (`- `, `? `, `: `) plus two (its first collection, an indentless
 * sequence) below the line it is indented under. Blank and comment lines leave the indentation as it is.
 *
 * `readsScalars`: where a wrong answer costs a notice rather than a process, what cannot nest is not counted while no
 * flow collection is open: quoted scalars that open and close on one line, and the content of block scalars (a JSON
 * document in a ConfigMap has hundreds of braces and no level). Still an upper bound for every text without syntax
 * errors: a misread needs a line inside a multi-line quoted scalar to start with its closing quote and go on, or a
 * line less indented than its block scalar's content and more than that scalar's parent, and both are errors.
 */
export function mayNestTooDeep(text: string, readsScalars = false): boolean {
  let flow = 0;
  const indents: number[] = [];
  const bounds: number[] = [];
  // The column a block scalar's content must be indented beyond (its parent's), while in one.
  let blockParent = -1;
  for (let start = 0; start < text.length; ) {
    const newline = text.indexOf('\n', start);
    const end = newline === -1 ? text.length : newline;
    if (blockParent >= 0) {
      let spaces = start;
      while (spaces < end && text.charCodeAt(spaces) === SPACE) spaces++;
      if (spaces - start > blockParent || isBlankLine(text, spaces, end)) {
        start = end + 1;
        continue;
      }
      blockParent = -1;
    }
    let first = start;
    while (first < end && (text.charCodeAt(first) === SPACE || text.charCodeAt(first) === TAB)) first++;
    const code = first < end ? text.charCodeAt(first) : RETURN;
    if (code !== RETURN && code !== HASH) {
      let indicators = 0;
      // Where a node may start (the line's first character, or after an indicator and its spaces), and the column
      // of the collection a node starting there belongs to.
      let nodeStart = first;
      let parent = first - start;
      for (let k = first; k < end; k++) {
        const c = text.charCodeAt(k);
        if (c === OPEN_BRACKET || c === OPEN_BRACE) flow++;
        else if (c === DASH || c === QUESTION || c === COLON) {
          const after = k + 1 < end ? text.charCodeAt(k + 1) : SPACE;
          const before = text.charCodeAt(k - 1);
          if (after === SPACE || after === TAB || after === RETURN || (c === COLON && (before === DOUBLE_QUOTE || before === SINGLE_QUOTE))) {
            indicators++;
            // A key's value belongs to the key's mapping; an entry's (`- `, `? `) to the indicator's collection.
            parent = c === COLON ? nodeStart - start : k - start;
            nodeStart = k + 1;
            while (nodeStart < end && (text.charCodeAt(nodeStart) === SPACE || text.charCodeAt(nodeStart) === TAB)) nodeStart++;
          }
        } else if (readsScalars && flow === 0 && k === nodeStart) {
          if (c === DOUBLE_QUOTE || c === SINGLE_QUOTE) {
            const close = closingQuote(text, k + 1, end, c);
            if (close >= 0) k = close;
          } else if ((c === PIPE || c === GREATER) && k > first) {
            BLOCK_HEADER.lastIndex = k;
            if (BLOCK_HEADER.test(text)) blockParent = parent;
            break;
          }
        }
      }
      const indent = first - start;
      while (indents.length > 0 && indents[indents.length - 1] >= indent) {
        indents.pop();
        bounds.pop();
      }
      const bound = (bounds[bounds.length - 1] ?? 0) + 2 + indicators;
      if (bound + flow > MAX_NESTING) return true;
      indents.push(indent);
      bounds.push(bound);
    }
    start = end + 1;
  }
  return false;
}

/** A block scalar's header (`|`, `>-`, `|2+`…), then nothing but a comment up to the end of the line. */
const BLOCK_HEADER = /[|>](?:[1-9][+-]?|[+-][1-9]?)?(?:[ \t]+(?:#[^\n]*)?)?\r?(?=\n|$)/y;

function isBlankLine(text: string, from: number, end: number): boolean {
  for (let k = from; k < end; k++) {
    const c = text.charCodeAt(k);
    if (c !== SPACE && c !== TAB && c !== RETURN) return false;
  }
  return true;
}

/** The offset of the quote that closes a quoted scalar opened before `from`, before `end`; -1 when none does. */
function closingQuote(text: string, from: number, end: number, quote: number): number {
  for (let k = from; k < end; k++) {
    const c = text.charCodeAt(k);
    if (quote === DOUBLE_QUOTE && c === BACKSLASH) k++;
    else if (c === quote) {
      if (quote === SINGLE_QUOTE && text.charCodeAt(k + 1) === SINGLE_QUOTE) k++;
      else return k;
    }
  }
  return -1;
}

/**
 * "Map keys must be unique" as the library would say it (it is told not to), each mapping's keys in one set; on the
 * duplicate key itself, where the library points at the end of what comes before it.
 */
function reportDuplicateKeys(doc: Document.Parsed): void {
  const found: YAMLParseError[] = [];
  const stack: unknown[] = [doc.contents];
  while (stack.length > 0) {
    const node = stack.pop();
    if (isMap(node)) {
      // Keys are equal as the library compares them: scalars by value (NaN equals nothing), other nodes never.
      const seen = new Set<unknown>();
      for (const pair of node.items) {
        const key = pair.key;
        if (isScalar(key) && !Number.isNaN(key.value)) {
          if (seen.has(key.value)) found.push(duplicateKey(key.range?.[0] ?? 0));
          else seen.add(key.value);
        }
        stack.push(pair.key, pair.value);
      }
    } else if (isSeq(node)) {
      for (const item of node.items) stack.push(item);
    } else if (isPair(node)) {
      stack.push(node.key, node.value);
    }
  }
  if (found.length === 0) return;
  // Merged into the library's errors by position, so that the first error of the document stays the first one
  // (at one position, the library's own come first).
  found.sort((a, b) => a.pos[0] - b.pos[0]);
  const own = doc.errors.splice(0);
  let i = 0;
  for (const error of own) {
    while (i < found.length && found[i].pos[0] < error.pos[0]) doc.errors.push(found[i++]);
    doc.errors.push(error);
  }
  while (i < found.length) doc.errors.push(found[i++]);
}

function duplicateKey(offset: number): YAMLParseError {
  return new YAMLParseError([offset, offset + 1], 'DUPLICATE_KEY', 'Map keys must be unique');
}

const MARKER_AT = /(---|\.\.\.)(?=[ \t\r\n]|$)/y;
const NON_BLANK = /\S/g;

/**
 * A collection or quote left open is reported where the parser notices it: at the next document's
 * `---` or at the end of the text, both outside the broken document (and the next document's
 * marker line is where its own findings go). The error is moved back onto the last character
 * before it, the end of what was left open, when that is in the error's own document.
 */
function insideDocument(text: string, offset: number, documentStart: number): number {
  MARKER_AT.lastIndex = offset;
  const atMarker = (offset === 0 || text[offset - 1] === '\n') && MARKER_AT.test(text);
  NON_BLANK.lastIndex = offset;
  if (!atMarker && NON_BLANK.test(text)) return offset;
  let last = offset - 1;
  while (last >= 0 && /\s/.test(text[last])) last--;
  return last >= documentStart ? last : offset;
}

function stringAt(map: YAMLMap, key: string): string | undefined {
  const node = map.get(key, true);
  return isScalar(node) && typeof node.value === 'string' ? node.value : undefined;
}

export function positionAt(file: Pick<ParsedFile, 'lineCounter'>, offset: number): Position {
  const { line, col } = file.lineCounter.linePos(offset);
  return { line: line - 1, character: col - 1 };
}

export function rangeOf(file: Pick<ParsedFile, 'lineCounter'>, start: number, end: number): Range {
  return { start: positionAt(file, start), end: positionAt(file, end) };
}
