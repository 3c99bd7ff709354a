import type { Diagnostic } from 'yaml-language-server';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { Composer, isAlias, isMap, isNode, isScalar, LineCounter, Parser, visit, type Document, type YAMLError } from 'yaml';
import { documentNode, supported } from './documentNodes';
import { loadFast } from './fastYaml';
import { coveredKinds, SCHEMA_NAME } from './kinds';
import type { SchemaValidation, YamlLanguageService } from './languageService';
import { SchemaValidator, unsupportedKeywords, type Problem } from './validator';

/** Validates what this module leaves to yaml-language-server (anchors, aliases, tags, merge keys). */
export type Fallback = () => Promise<Pick<YamlLanguageService, 'validate'>>;

/**
 * Schema validation for the command line: yaml-language-server's diagnostics (same ranges, messages and
 * severities, see validator.ts) at a fraction of its cost.
 *
 * - Most texts are read by js-yaml (fastYaml.ts) and each document's values checked against its kind; a text
 *   whose documents all pass has no diagnostic, and costs no `yaml` parse.
 * - Any other text is parsed with `yaml` exactly as yaml-language-server parses it, and its problems found
 *   and reported as it would report them (syntax errors, then schema problems, then its de-duplication and
 *   `# yaml-language-server-disable` comments).
 * - Texts with anchors, aliases, tags or merge keys go to `fallback` (yaml-language-server itself), as does
 *   everything when the schema uses a keyword validator.ts does not implement. One fixed URI is used for
 *   those calls: yaml-language-server caches one parsed text per URI.
 */
export function createCompiledSchemaValidation(schemaJson: string, fallback: Fallback): SchemaValidation {
  const bundle = JSON.parse(schemaJson) as Record<string, unknown>;
  const kinds = coveredKinds(bundle);
  const validator = new SchemaValidator(bundle, SCHEMA_NAME);
  const branches = kindSchemas(bundle);
  const supported = unsupportedKeywords(bundle).length === 0;
  const delegate = async (text: string) => (await fallback()).validate(FALLBACK_URI, text);
  return {
    covers: (apiVersion, kind) => kinds.has(`${apiVersion} ${kind}`),
    async validate(_uri, text) {
      // A schema named in the text (a modeline or `$schema`) is yaml-language-server's business.
      if (!supported || /yaml-language-server\s*:|\$schema/.test(text)) return delegate(text);
      if (cleanFast(validator, branches, text)) return [];
      return explain(validator, branches, text) ?? delegate(text);
    },
    acceptsParsed: (text, docs) => supported && !/yaml-language-server\s*:|\$schema/.test(text) && docs.every((doc) => acceptsParsed(validator, branches, doc)),
  };
}

/**
 * True when a document the checker parsed with `yaml` (as yaml-language-server parses it) certainly has no
 * diagnostic, from its values: the same test as `cleanFast`, without reading the text again with js-yaml. What
 * `cleanFast` leaves to yaml-language-server is refused here too: errors or warnings, anchors, aliases, tags,
 * merge keys, complex keys, and documents that are not mappings. False means "not sure": the text is then
 * validated as before.
 */
function acceptsParsed(validator: SchemaValidator, branches: ReadonlyMap<string, unknown>, doc: Document.Parsed): boolean {
  if (doc.errors.length > 0 || doc.warnings.length > 0 || !isMap(doc.contents)) return false;
  let plain = true;
  visit(doc, {
    Node: (_, node) => {
      if (isAlias(node) || (isNode(node) && (node.anchor !== undefined || node.tag !== undefined))) {
        plain = false;
        return visit.BREAK;
      }
      return undefined;
    },
    Pair: (_, pair) => {
      if (!isScalar(pair.key) || pair.key.value === '<<') {
        plain = false;
        return visit.BREAK;
      }
      return undefined;
    },
  });
  if (!plain) return false;
  const value = doc.toJS() as { apiVersion?: unknown; kind?: unknown };
  if (typeof value.apiVersion !== 'string' || typeof value.kind !== 'string') return false;
  const schema = branches.get(`${value.apiVersion} ${value.kind}`);
  return schema === undefined || validator.accepts(value, schema);
}

const FALLBACK_URI = 'istio-mesh:///command-line.yaml';

/**
 * The schema each `apiVersion kind` is checked against: the `then` of the bundle's `if` branch for it. A mapping
 * matches the `if` of at most one branch (equal strings), and only that branch can report problems.
 */
function kindSchemas(bundle: Record<string, unknown>): Map<string, unknown> {
  const out = new Map<string, unknown>();
  const branches = Array.isArray(bundle.allOf) ? (bundle.allOf as { if?: { properties?: Record<string, { const?: unknown; enum?: unknown[] }> }; then?: unknown }[]) : [];
  for (const branch of branches) {
    const props = branch.if?.properties;
    const kind = props?.kind?.const;
    const versions = props?.apiVersion?.const !== undefined ? [props.apiVersion.const] : (props?.apiVersion?.enum ?? []);
    if (typeof kind === 'string') for (const v of versions) if (typeof v === 'string' && !out.has(`${v} ${kind}`)) out.set(`${v} ${kind}`, branch.then);
  }
  return out;
}

/** True when every document of the text is certainly free of diagnostics; false when unsure. */
function cleanFast(validator: SchemaValidator, branches: ReadonlyMap<string, unknown>, text: string): boolean {
  // yaml-language-server validates a blank text as an empty mapping: nothing to report.
  if (!/\S/.test(text)) return true;
  const docs = loadFast(text);
  if (!docs) return false;
  for (const doc of docs) {
    // An empty or scalar document is validated by yaml-language-server in ways js-yaml cannot tell apart.
    if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return false;
    const { apiVersion, kind } = doc as { apiVersion?: unknown; kind?: unknown };
    const schema = typeof apiVersion === 'string' && typeof kind === 'string' ? branches.get(`${apiVersion} ${kind}`) : undefined;
    // Of another kind (or none): no `if` of the bundle holds, nothing to report.
    if (schema === undefined) continue;
    if (!validator.accepts(doc, schema)) return false;
  }
  return true;
}

/** yaml-language-server's diagnostics for the text; undefined when it uses what is left to yaml-language-server. */
function explain(validator: SchemaValidator, branches: ReadonlyMap<string, unknown>, text: string): Diagnostic[] | undefined {
  const document = TextDocument.create(FALLBACK_URI, 'yaml', 0, text);
  const lineCounter = new LineCounter();
  // As yaml-language-server parses: its line counter only fills when the last line has text.
  const lastLine = document.positionAt(text.length).line;
  const lastLineEmpty = lineText(document, lastLine).trim().length === 0;
  const parser = lastLineEmpty ? new Parser() : new Parser(lineCounter.addNewLine);
  const composer = new Composer({ strict: false, version: '1.2', keepSourceTokens: true });
  const out: Diagnostic[] = [];
  for (const doc of composer.compose(parser.parse(text), true, text.length)) {
    for (const e of doc.errors) out.push(yamlDiagnostic(document, e));
    for (const e of doc.warnings) out.push(yamlDiagnostic(document, e));
    if (!supported(doc.contents)) return undefined;
    // Schema problems of a document with a syntax error are never shown (the checker reports the error alone).
    if (doc.errors.length > 0) continue;
    const schema = schemaOf(doc.contents, branches);
    if (schema === NONE) continue;
    const root = documentNode(doc.contents, lineCounter);
    if (root === 'unsupported') return undefined;
    for (const p of validator.validate(root, schema === WHOLE ? undefined : schema)) out.push(schemaDiagnostic(document, p));
  }
  return suppressed(document, deduplicated(out));
}

const NONE = Symbol('no kind');
const WHOLE = Symbol('the whole bundle');

/**
 * What a parsed document is validated against, as the `if` branches of the bundle decide: the schema of its kind,
 * none (a mapping of another kind: no `if` holds), or the whole bundle (anything else, e.g. a scalar document,
 * which every `if` accepts, or a key without any value, which an `if` does not look at).
 */
function schemaOf(contents: unknown, branches: ReadonlyMap<string, unknown>): unknown {
  if (contents === null || contents === undefined) return NONE;
  if (!isMap(contents)) return WHOLE;
  const field = (name: string) => contents.items.find((p) => isScalar(p.key) && p.key.value === name);
  const apiVersion = field('apiVersion');
  const kind = field('kind');
  if (!apiVersion || !kind) return NONE;
  if (apiVersion.value === null || kind.value === null) return WHOLE;
  const a = isScalar(apiVersion.value) ? apiVersion.value.value : undefined;
  const k = isScalar(kind.value) ? kind.value.value : undefined;
  if (typeof a !== 'string' || typeof k !== 'string') return NONE;
  return branches.get(`${a} ${k}`) ?? NONE;
}

function yamlDiagnostic(document: TextDocument, error: YAMLError): Diagnostic {
  const start = document.positionAt(error.pos[0]);
  // yaml-language-server reports parser errors and warnings alike, as errors up to the end of the line.
  const end = { line: start.line, character: lineLength(document, start.line) };
  return { range: { start, end }, message: error.message, severity: 1, code: 0, source: 'YAML' };
}

function schemaDiagnostic(document: TextDocument, p: Problem): Diagnostic {
  return {
    range: { start: document.positionAt(p.offset), end: document.positionAt(p.offset + p.length) },
    message: p.message,
    severity: 2,
    code: 0,
    source: `yaml-schema: ${SCHEMA_NAME}`,
  };
}

/** As yaml-language-server: a message repeated on the next spot of the same line extends the first; exact repeats go. */
function deduplicated(list: readonly Diagnostic[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  const seen = new Set<string>();
  let previous: Diagnostic | undefined;
  for (const d of list) {
    if (previous && previous.message === d.message && previous.range.end.line === d.range.start.line && Math.abs(previous.range.end.character - d.range.end.character) >= 1) {
      previous.range.end = d.range.end;
      continue;
    }
    previous = d;
    const signature = `${d.range.start.line} ${d.range.start.character} ${d.message}`;
    if (!seen.has(signature)) {
      out.push(d);
      seen.add(signature);
    }
  }
  return out;
}

const DISABLE = /^\s*#\s*yaml-language-server-disable\b(.*)$/;

/** Diagnostics under a `# yaml-language-server-disable [substring, ...]` line are dropped, as yaml-language-server does. */
function suppressed(document: TextDocument, list: readonly Diagnostic[]): Diagnostic[] {
  return list.filter((d) => {
    const line = d.range.start.line;
    if (line === 0) return true;
    const match = DISABLE.exec(lineText(document, line - 1).replace(/[\r\n]+$/, ''));
    if (!match) return true;
    const specifiers = match[1].trim() === '' ? [] : match[1].split(',').map((s) => s.trim().toLowerCase()).filter((s) => s.length > 0);
    if (specifiers.length === 0) return false;
    const message = d.message.toLowerCase();
    return !specifiers.some((s) => message.includes(s));
  });
}

/** A line's text with its line break (yaml-language-server's TextBuffer). */
function lineText(document: TextDocument, line: number): string {
  const start = document.offsetAt({ line, character: 0 });
  const end = line + 1 < document.lineCount ? document.offsetAt({ line: line + 1, character: 0 }) : document.getText().length;
  return document.getText().slice(start, end);
}

function lineLength(document: TextDocument, line: number): number {
  return lineText(document, line).length;
}
