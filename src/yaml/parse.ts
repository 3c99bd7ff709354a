import { LineCounter, parseAllDocuments, isMap, isScalar, type Document, type YAMLMap } from 'yaml';
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
  /** The file is a Helm template (it had `{{ }}` actions). */
  readonly templated: boolean;
}

const API_VERSION = /^([a-z0-9]([a-z0-9.-]*[a-z0-9])?\/)?v[0-9]+[a-z0-9]*$/;
const KIND = /^[A-Z][A-Za-z0-9]*$/;

/**
 * Parses every document of a YAML text with node ranges. Aliases are never expanded here (the
 * rules walk nodes, they never call toJS), so an alias bomb costs no more than its own text.
 */
export function parseManifests(text: string): ParsedFile {
  const { text: parsedText, masked } = maskTemplates(text);
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(parsedText, { lineCounter, prettyErrors: false });
  // parseAllDocuments returns an EmptyStream (not an array) for a file with no documents.
  const list = Array.isArray(docs) ? docs : [];
  let syntaxError: SyntaxProblem | undefined;
  const manifests = list.map((doc, index): ParsedManifest => {
    const error = doc.errors[0];
    if (error && !syntaxError) {
      const start = insideDocument(parsedText, error.pos[0], doc.range[0]);
      syntaxError = { message: error.message.split('\n')[0], start, end: start === error.pos[0] ? Math.max(error.pos[1], start + 1) : start + 1 };
    }
    const root = isMap(doc.contents) ? doc.contents : undefined;
    const apiVersion = root ? stringAt(root, 'apiVersion') : undefined;
    const kind = root ? stringAt(root, 'kind') : undefined;
    const kube = apiVersion !== undefined && kind !== undefined && API_VERSION.test(apiVersion) && KIND.test(kind);
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
  return { text, parsedText, masked, lineCounter, manifests, syntaxError, templated: masked.length > 0 };
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
