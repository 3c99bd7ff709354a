import { mayBeAnalyzed } from '../analyzers';
import { enableInjectionFix, manifestAt } from './actions';
import { isEmptyDocument, shiftFinding, shiftFix, splitDocuments, type Chunk } from './chunks';
import { REMOVED_API_GROUPS } from './legacyApis';
import { MAX_FINDINGS } from './limits';
import { factsSignature, mergeFacts, withOwnFacts, type ClusterFacts, type WorkspaceFacts } from './facts';
import { fileFacts, lintParsed, lintText, mayReportPlain, plainFacts, syntaxFinding, type FileFacts, type LintOptions } from './lint';
import { mayNestTooDeep, parseManifests, type ParsedFile } from './parse';
import { mayFindPlain } from './plainLint';
import { isBrokenTemplate, isTemplate, maskedPlainManifests, plainManifests, type PlainManifest } from './plain';
import type { ScreenContext } from './rules';
import type { Diagnostic } from 'yaml-language-server';
import type { SchemaValidation } from './schema/languageService';
import { isSyntaxError, schemaFindings } from './schema/diagnostics';
import type { Finding, Fix, Position } from './types';
import { errorMessage } from '../util/errors';
import { maskTemplates } from './template';

/** One document's results, relative to its chunk; reused while its text is unchanged. */
interface ChunkResult {
  /**
   * False when the document was not parsed: nothing in it can concern an Istio rule (see `leftToSchema`), or it was
   * read as plain values and is parsed only if a rule or analyzer may report on it (see `plain`).
   */
  parsed: boolean;
  file: ParsedFile | undefined;
  /** The documents as plain values, when they were read so (see `screen` in the constructor). */
  readonly plain?: readonly PlainManifest[];
  /** Those are a Helm template's, read with its actions masked: never sent to the schema validation. */
  readonly templated?: boolean;
  readonly facts: FileFacts;
  readonly tooLarge: Finding[];
  rules?: { readonly signature: string; readonly findings: Finding[] };
  schema?: Finding[];
}

export interface CheckOptions extends LintOptions {
  /** Validate against the schemas too (needs a language service). */
  readonly schema?: boolean;
}

/**
 * Every Istio rule on Kubernetes' objects and every cross-document fact needs one of these in the document: a
 * `Namespace` value (its kind: the word alone as a scalar, not within prose such as a CRD's descriptions; the rules
 * on `istio-injection` are rules of Namespaces), `istio.io/rev`, `istio.io/dataplane-mode`, `sidecar.istio.io/inject` or
 * `hostNetwork` (a pod on the host network in an injected namespace). A document without any cannot produce an
 * Istio finding, so when yaml-language-server validates it anyway (and reports its syntax errors), it is not
 * parsed a second time here.
 */
const RULE_WORDS = /(?:^|[\s:"'{,[])Namespace["']?[ \t]*(?:$|[,}\]#])|istio\.io\/rev|istio\.io\/dataplane-mode|sidecar\.istio\.io\/inject|hostNetwork/m;

/** Without cluster facts, `istio.io/rev` matters only on a Namespace (its revision is checked against the cluster's). */
const OFFLINE_RULE_WORDS = /(?:^|[\s:"'{,[])Namespace["']?[ \t]*(?:$|[,}\]#])|istio\.io\/dataplane-mode|sidecar\.istio\.io\/inject|hostNetwork/m;

/**
 * The rules on Istio's own APIs need no word of `RULE_WORDS` but one of these: a removed API group (removed-api),
 * `EnvoyFilter` (envoy-filter-legacy), an IstioOperator's group or a `mesh:` key (the `istio` ConfigMap's mesh config,
 * removed-field). They tell nothing about other files, so they are not parsed for facts.
 */
const ISTIO_API_RULE_WORDS = new RegExp([...REMOVED_API_GROUPS.map((g) => `${g.replace(/\./g, '\\.')}/`), 'EnvoyFilter', 'install\\.istio\\.io/', `^[ \\t]*["']?mesh["']?[ \\t]*:`].join('|'), 'm');

interface Words {
  /** Some cross-document fact, or a rule that may use one, may concern the document. */
  readonly facts: RegExp;
  /** The same, or a rule on Istio's own APIs may concern it. */
  readonly rules: RegExp;
  /** The same, or the document is a Helm template (parsed so that it is never sent to schema validation). */
  readonly parse: RegExp;
}

const withTemplates = (facts: RegExp): Words => {
  const rules = new RegExp(`${facts.source}|${ISTIO_API_RULE_WORDS.source}`, 'm');
  return { facts, rules, parse: new RegExp(`${rules.source}|\\{\\{`, 'm') };
};
const CONNECTED_WORDS = withTemplates(RULE_WORDS);
const OFFLINE_WORDS = withTemplates(OFFLINE_RULE_WORDS);

/**
 * Whether a document may stay unparsed here, left to the schema validation (see `RULE_WORDS`). Schema
 * validation concerns only Kubernetes objects, mappings with an `apiVersion` and a `kind`: a document without
 * both words (empty after a trailing or doubled `---`, comments only, a list or a scalar, a CI workflow) is
 * never sent to it. It is parsed here instead, which costs less and reports its syntax errors the same way. Nor is
 * a document that may nest too deep for yaml-language-server (parsed here, and not sent to it when it does).
 */
function leftToSchema(text: string, words: Words): boolean {
  return !words.parse.test(text) && !mayBeAnalyzed(text) && text.includes('apiVersion') && text.includes('kind') && !mayNestTooDeep(text);
}

/** Re-validating more chunks than this at once is cheaper as one whole-file call. */
const WHOLE_FILE_THRESHOLD = 8;

/** A document's characters read as plain values held about this many times less memory than parsed (see `parsedSize`). */
const PLAIN_PER_PARSED = 6;

/**
 * The checks of one YAML text, document by document with a cache: after a one-character edit,
 * only the edited document is parsed, checked and schema-validated again. Results equal
 * `lintText` (plus schema findings) on the whole text.
 */
export class YamlChecker {
  private readonly cache = new Map<string, Map<string, ChunkResult>>();
  /** The facts each file's rules last ran with (see `check`). */
  private readonly signatures = new Map<string, string>();
  /** The last facts signed, with their signature: the command line checks every file with the same facts. */
  private signed: { readonly workspace: Required<WorkspaceFacts>; readonly cluster: ClusterFacts | undefined; readonly signature: string } | undefined;

  private readonly words: Words;
  private readonly screen: boolean;

  /**
   * `offline`: the checks of this checker are never given cluster facts (the command line), so documents that only
   * a cluster's facts could concern are not parsed. `screen`: each document is read as plain values first (when they
   * are certain, see src/yaml/plain.ts; a Helm template with its actions masked), its facts taken from them, and it
   * is parsed with ranges only when a rule or analyzer may report on it (`mayReportPlain`) and finds something when
   * run on those values (`mayFindPlain`); its schema validation (never a template's) starts from the same values.
   */
  constructor(
    private readonly languageService: () => Promise<SchemaValidation | undefined>,
    { offline = false, screen = false }: { offline?: boolean; screen?: boolean } = {},
  ) {
    this.words = offline ? OFFLINE_WORDS : CONNECTED_WORDS;
    this.screen = screen;
  }

  async check(uri: string, text: string, options: CheckOptions = {}): Promise<Finding[]> {
    const max = options.maxFileSize;
    if (max !== undefined && text.length > max) return lintText(text, { maxFileSize: max }).findings;
    const chunks = splitDocuments(text);
    const service = options.schema ? await this.languageService() : undefined;
    const lazy = service !== undefined;
    const known = this.cached(uri, chunks, lazy);
    // Documents that are not parsed here go to the schema validation first: when it runs in a
    // worker thread, it works on them while this thread parses the others and runs the rules.
    const first = new Set(known.filter((r): r is ChunkResult => r !== undefined && !r.parsed && !r.plain));
    const early = service ? this.validateSchemas(service, uri, chunks, known, (r): r is ChunkResult => r !== undefined && first.has(r)) : undefined;
    const results = this.results(uri, chunks, known, lazy);
    const workspace = withOwnFacts(options.workspace, results.map((r) => r.facts));
    const lintOptions: LintOptions = { ...options, workspace };
    // A values file of Istio's charts is checked for more than its other documents: that is part of what rules ran with.
    const computed = this.signatureOf(workspace, options.cluster) + (options.istioValues ? '|istio-values' : '');
    // The same string as last time when it is equal, so that each document compares it in constant time (two
    // equal strings of a file with many namespaces would be compared character by character, for each document).
    const last = this.signatures.get(uri);
    const signature = last === computed ? last : computed;
    this.signatures.set(uri, signature);
    const screen: ScreenContext = { cluster: options.cluster ?? {}, namespacesAskingForSidecars: workspace.namespacesAskingForSidecars, namespaceLabels: workspace.namespaceLabels, istioValues: options.istioValues };
    results.forEach((r, i) => {
      if (r.plain && !r.file && r.rules?.signature !== signature) {
        if (!mayReportPlain(r.plain, screen) || !mayFindPlain(r.plain, lintOptions)) {
          r.rules = { signature, findings: [] };
          return;
        }
        r.file = parseManifests(chunks[i].text);
        r.parsed = true;
      }
      if (r.file && r.rules?.signature !== signature) r.rules = { signature, findings: lintParsed(r.file, lintOptions) };
    });
    // A failed validation (the worker died or timed out) costs the schema findings of this check only: the rules'
    // findings still go out, with a notice; the documents keep no schema result, so the next check validates again.
    const schemaFailure = service
      ? await Promise.all([early, this.validateSchemas(service, uri, chunks, results, (r): r is ChunkResult => r !== undefined && !first.has(r))])
        .then(() => undefined, (err: unknown) => errorMessage(err))
      : undefined;

    const out = new CappedFindings();
    if (schemaFailure) {
      const start = { line: 0, character: 0 };
      out.add({ range: { start, end: start }, code: 'schema', severity: 'info', message: `Schema validation failed (${schemaFailure}); the Istio checks ran. It is tried again on the next edit.` });
    }
    let syntaxReported = false;
    chunks.forEach((chunk, i) => {
      const r = results[i];
      for (const list of [r.tooLarge, r.rules?.findings ?? [], r.schema ?? []]) {
        for (const f of list) {
          if (f.code === 'yaml-syntax') {
            if (syntaxReported) continue;
            syntaxReported = true;
          }
          out.add(f, chunk);
        }
      }
    });
    return out.findings();
  }

  private signatureOf(workspace: Required<WorkspaceFacts>, cluster: ClusterFacts | undefined): string {
    const last = this.signed;
    if (last && last.cluster === cluster && last.workspace.namespacesAskingForSidecars === workspace.namespacesAskingForSidecars && last.workspace.namespaceLabels === workspace.namespaceLabels) return last.signature;
    this.signed = { workspace, cluster, signature: factsSignature(workspace, cluster) };
    return this.signed.signature;
  }

  /**
   * What a file tells about namespaces (for the other files). Only the documents with a word of a rule can tell
   * something (see `RULE_WORDS`): those are parsed into the cache, the others are left for `check` to classify,
   * so a run over many files does not parse the documents that only an analyzer or the schema reads twice.
   */
  facts(uri: string, text: string): FileFacts {
    const read = this.read(uri, text, (chunk) => (this.words.facts.test(chunk) ? prepare(chunk, true, this.words, this.screen) : undefined));
    return mergeFacts(read.map((r) => r?.facts ?? NO_FACTS));
  }

  /**
   * Reads every document of a file ahead of its check, as `check` would (`lazy`: with schema validation), so that
   * `check` finds them cached. Used while a thread waits for the others (see `lintPaths`).
   */
  prepare(uri: string, text: string, lazy: boolean): void {
    this.read(uri, text, (chunk) => prepare(chunk, lazy, this.words, this.screen));
  }

  /**
   * Each document's result: cached (for this file, or an equal document earlier in it), else what `fresh` reads of it;
   * undefined where it reads nothing. The results become the file's cache.
   */
  private read(uri: string, text: string, fresh: (chunk: string) => ChunkResult | undefined): (ChunkResult | undefined)[] {
    const previous = this.cache.get(uri);
    const current = new Map<string, ChunkResult>();
    const results = splitDocuments(text).map(({ text: chunk }) => {
      const result = current.get(chunk) ?? previous?.get(chunk) ?? fresh(chunk);
      if (result) current.set(chunk, result);
      return result;
    });
    this.cache.set(uri, current);
    return results;
  }

  /**
   * Each chunk's result when it is known without parsing: cached for the same text, or a
   * document left to the schema validation when `lazy` (see `leftToSchema`; their syntax errors
   * come from the schema validation). Undefined where the chunk must be parsed.
   */
  private cached(uri: string, chunks: readonly Chunk[], lazy: boolean): (ChunkResult | undefined)[] {
    const previous = this.cache.get(uri);
    const seen = new Map<string, ChunkResult>();
    return chunks.map((chunk) => {
      const cached = seen.get(chunk.text) ?? previous?.get(chunk.text);
      // With the screen, a document is read as plain values before it may be left to the schema validation unparsed.
      const unread = () => nothingToCheck(chunk.text, this.words) ?? (!this.screen && leftToSchema(chunk.text, this.words) ? unparsed() : undefined);
      const result = cached && (cached.parsed || cached.plain || lazy) ? cached : lazy ? unread() : undefined;
      if (result) seen.set(chunk.text, result);
      return result;
    });
  }

  /** Every chunk's result, parsing those `known` lacks; becomes the cache of `uri`. */
  private results(uri: string, chunks: readonly Chunk[], known: readonly (ChunkResult | undefined)[], lazy: boolean): ChunkResult[] {
    const current = new Map<string, ChunkResult>();
    const results = chunks.map((chunk, i) => {
      const result = known[i] ?? current.get(chunk.text) ?? prepare(chunk.text, lazy, this.words, this.screen);
      current.set(chunk.text, result);
      return result;
    });
    this.cache.set(uri, current);
    return results;
  }

  /** "Enable Istio sidecar injection" for the Namespace document at `offset`, if it is one. */
  enableInjectionAt(text: string, offset: number): Fix | undefined {
    const chunk = splitDocuments(text).find((c) => c.start <= offset && offset <= c.start + c.text.length);
    if (!chunk) return undefined;
    const file = prepare(chunk.text, false, this.words).file;
    const m = file && manifestAt(file, offset - chunk.start);
    const fix = file && m ? enableInjectionFix(file, m) : undefined;
    return fix && shiftFix(fix, chunk);
  }

  forget(uri: string): void {
    this.cache.delete(uri);
    this.signatures.delete(uri);
  }

  /**
   * What keeping the cache of `uri` costs, roughly, in characters of documents parsed with positions: a document read
   * as plain values counts for a sixth of its characters (over Istio's manifests the parse held 13 bytes of heap a
   * character, the plain values 2).
   */
  parsedSize(uri: string): number {
    let size = 0;
    for (const [text, r] of this.cache.get(uri) ?? []) size += r.file ? text.length : r.plain ? Math.ceil(text.length / PLAIN_PER_PARSED) : 0;
    return size;
  }

  /** Schema findings of the chunks `which` selects that have none yet (the others are left as they are). */
  private async validateSchemas(
    service: SchemaValidation,
    uri: string,
    chunks: readonly Chunk[],
    known: readonly (ChunkResult | undefined)[],
    which: (r: ChunkResult | undefined) => r is ChunkResult,
  ): Promise<void> {
    // Unparsed documents unless empty (their syntax errors are reported from here); parsed ones when
    // their kind is in the schema, they parsed cleanly and are not Helm templates.
    // Documents read as plain values have no syntax error, nor are they templates or too deep: a mapping with a string
    // `apiVersion` and `kind` is sent, as a document left unparsed would be (its schema decides), any other is not.
    const objects = (m: PlainManifest) => typeof m.root?.apiVersion === 'string' && typeof m.root.kind === 'string';
    const wanted = (r: ChunkResult, text: string) =>
      r.plain ? !r.templated && r.plain.some(objects)
        : !r.parsed ? !isEmptyDocument(text) : r.file !== undefined && !r.file.syntaxError && !r.file.tooDeep && !r.file.templated && r.file.manifests.some((m) => m.kind !== undefined && service.covers(m.apiVersion!, m.kind));
    // A document the service finds clean from what was read here is not sent (it would be read again).
    const clean = (r: ChunkResult, text: string) => r.plain
      ? service.acceptsPlain !== undefined && service.acceptsPlain(text, r.plain.map((m) => m.root))
      : r.file !== undefined && service.acceptsParsed !== undefined && service.acceptsParsed(text, r.file.manifests.map((m) => m.doc));
    const results = known.map((r, i) => {
      if (!which(r) || r.schema !== undefined) return undefined;
      if ((r.parsed || r.plain) && wanted(r, chunks[i].text) && clean(r, chunks[i].text)) {
        r.schema = [];
        return undefined;
      }
      return r;
    });
    const todo = results.map((r, i) => (r ? i : -1)).filter((i) => i >= 0);
    if (todo.length === 0) return;
    // Each chunk's diagnostics, lines relative to the chunk.
    const byChunk = chunks.map((): Diagnostic[] => []);
    if (todo.length > WHOLE_FILE_THRESHOLD) {
      // First look at a file: one call for all of it, then the diagnostics are filed under their
      // documents. Documents that need no validation, or are not asked for, are blanked (their lines
      // kept, so positions hold).
      const validated = chunks.map((chunk, i) => (results[i] && wanted(results[i], chunk.text) ? chunk.text : chunk.text.replace(/[^\n]/g, ''))).join('');
      let cause: ((at: Position) => number) | undefined;
      for (const d of await service.validate(uri, validated)) {
        const line = isSyntaxError(d) ? (cause ??= lineOfCause(validated))(d.range.start) : d.range.start.line;
        const i = chunkAtLine(chunks, line);
        byChunk[i].push(moved(d, -chunks[i].line));
      }
    } else {
      for (const i of todo) if (wanted(results[i]!, chunks[i].text)) byChunk[i] = await service.validate(uri, chunks[i].text);
    }
    for (const i of todo) {
      const r = results[i]!;
      r.schema = wanted(r, chunks[i].text) ? schemaFindingsOf(r, chunks[i].text, byChunk[i]) : [];
    }
  }
}

/**
 * The findings of one document's diagnostics. An unparsed document's syntax error is taken from
 * this checker's own parser, as for every other document: the same message and position whether
 * the document was validated alone or within its file, and always inside the document.
 */
function schemaFindingsOf(r: ChunkResult, text: string, diagnostics: readonly Diagnostic[]): Finding[] {
  if (!r.parsed && diagnostics.some(isSyntaxError)) {
    const own = syntaxFinding(parseManifests(text));
    if (own) return [own];
  }
  return schemaFindings(diagnostics, r.rules?.findings ?? [], 0, !r.parsed);
}

/**
 * The line of what a syntax error is about. A collection or quote left open is reported where the
 * parser notices it: at the next document's `---` or the end of the text, after blanked documents
 * in between. The broken document is the one with the last text before that point. (The last
 * non-blank line before each line is computed once: errors after one long blank stretch do not
 * each walk it back.)
 */
function lineOfCause(text: string): (at: Position) => number {
  const lines = text.split('\n');
  const lastNonBlank = new Int32Array(lines.length);
  let last = -1;
  lines.forEach((l, i) => {
    lastNonBlank[i] = last;
    if (l.trim() !== '') last = i;
  });
  return (at) => {
    if (lines[at.line]?.slice(0, at.character).trim()) return at.line;
    const before = at.line < lines.length ? lastNonBlank[at.line] : last;
    return before >= 0 ? before : at.line;
  };
}

function moved(d: Diagnostic, lineDelta: number): Diagnostic {
  const move = (p: Diagnostic['range']['start']) => ({ line: p.line + lineDelta, character: p.character });
  return { ...d, range: { start: move(d.range.start), end: move(d.range.end) } };
}

/** Index of the chunk holding a 0-based line (chunks are in line order). */
function chunkAtLine(chunks: readonly Chunk[], line: number): number {
  let low = 0;
  let high = chunks.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (chunks[mid].line <= line) low = mid;
    else high = mid - 1;
  }
  return low;
}

const NO_FACTS: FileFacts = { namespacesAskingForSidecars: new Set(), namespaceLabels: new Map() };

/** A fresh result per document (its schema findings are filled in later). */
function unparsed(): ChunkResult {
  return { parsed: false, file: undefined, facts: NO_FACTS, tooLarge: [] };
}

/**
 * Documents that cannot produce a finding, known without parsing them: blank ones (only `---`, comments and blank
 * lines), and Helm templates without any word of an Istio rule or analyzer that do not nest too deep (templates get
 * no schema validation and no syntax error). Undefined for the others.
 */
function nothingToCheck(text: string, words: Words): ChunkResult | undefined {
  const nothing = (): ChunkResult => ({ parsed: true, file: undefined, facts: NO_FACTS, tooLarge: [] });
  if (isEmptyDocument(text)) return nothing();
  if (isTemplate(text) && !words.rules.test(text) && !mayBeAnalyzed(text) && (!mayNestTooDeep(maskTemplates(text).text, true) || maskedPlainManifests(text))) return nothing();
  return undefined;
}

function prepare(text: string, lazy: boolean, words: Words, screen = false): ChunkResult {
  const nothing = lazy ? nothingToCheck(text, words) : undefined;
  if (nothing) return nothing;
  // A Helm template is read with its actions masked, as the ranged parse reads it.
  const templated = isTemplate(text);
  const plain = !screen ? undefined : templated ? maskedPlainManifests(text) : plainManifests(text);
  if (plain) return { parsed: false, file: undefined, plain, templated, facts: plainFacts(plain), tooLarge: [] };
  if (screen && templated && isBrokenTemplate(text)) return { parsed: true, file: undefined, facts: NO_FACTS, tooLarge: [] };
  if (lazy && leftToSchema(text, words)) return unparsed();
  const { file, findings } = lintText(text, { maxFileSize: Number.MAX_SAFE_INTEGER });
  return { parsed: true, file, facts: file ? fileFacts(file) : NO_FACTS, tooLarge: file ? [] : findings };
}

/**
 * The findings of a file, at most `MAX_FINDINGS` of them: past that, one notice says how many more there are, at
 * the first one left out. Those are not even moved to their place in the file.
 */
class CappedFindings {
  private readonly list: Finding[] = [];
  private more = 0;
  private firstLeftOut: Position | undefined;

  add(f: Finding, chunk?: Chunk): void {
    if (this.list.length < MAX_FINDINGS) this.list.push(chunk ? shiftFinding(f, chunk) : f);
    else if (this.more++ === 0) this.firstLeftOut = chunk ? { line: f.range.start.line + chunk.line, character: f.range.start.character } : f.range.start;
  }

  findings(): Finding[] {
    if (this.more === 0) return this.list;
    const at = this.firstLeftOut ?? { line: 0, character: 0 };
    const message = `${this.more} more finding${this.more === 1 ? '' : 's'} not shown: only the first ${MAX_FINDINGS} of a file are listed.`;
    return [...this.list, { range: { start: at, end: at }, code: 'too-many-findings', severity: 'info', message }];
  }
}
