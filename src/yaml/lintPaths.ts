import { basename, dirname, join } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { withoutIgnored } from '../analyzers/ignore';
import { YamlChecker } from './checker';
import { sameLabels, withRootNamespace, type WorkspaceFacts } from './facts';
import { nodeFileSystem, unreadable, yamlFiles, type FileEntry, type FileSystem } from './files';
import { checkTogether, fixTexts, type FixedText } from './fix';
import { isIstioValuesFile, mayBeChartValues } from './helmValues';
import type { Labels } from '../istio/injection';
import type { FileFacts } from './lint';
import type { SchemaValidation } from './schema/languageService';
import type { Finding, Severity } from './types';

/** One finding as the command line prints it: 1-based lines and columns, like editors and CI annotations show. */
export interface CliFinding {
  readonly file: string;
  readonly startLine: number;
  readonly startColumn: number;
  readonly endLine: number;
  readonly endColumn: number;
  readonly severity: Severity;
  readonly code: string;
  readonly message: string;
}

/** Loads the schema validation; only called when schema validation is on, and once per run. */
export type SchemaLoader = () => Promise<SchemaValidation | undefined>;

/**
 * What `lintPaths` reports: one checked file with its findings (sorted by position), a path not checked, or (when
 * fixing) one file's fixes, reported before any file's findings.
 */
export type LintEvent =
  | { readonly file: string; readonly findings: CliFinding[] }
  | { readonly skipped: string; readonly reason: string }
  | { readonly fixed: FixedText };

export interface LintOptions {
  readonly schemas?: SchemaLoader;
  /** The file system (tests make entries fail through it). */
  readonly fs?: FileSystem;
  /** Texts kept from one pass to the next up to this many characters; beyond, files are read again. */
  readonly keptTextBudget?: number;
  /** What the checker read of the kept texts is kept too, up to this much (see `YamlChecker.parsedSize`); default 1 M. */
  readonly parsedBudget?: number;
  /** Apply the quick fixes first: `write` writes each fixed file as soon as it is fixed, `dry-run` writes nothing. */
  readonly fix?: 'write' | 'dry-run';
  /** IST codes neither reported nor fixed (`--ignore-code`, the workspace's `istio.analysis.ignoredCodes`). */
  readonly ignoredCodes?: readonly string[];
  /** The mesh's root namespace (`--root-namespace`): where a MeshPolicy's replacement goes; `istio-system` without it. */
  readonly rootNamespace?: string;
  /**
   * Give every document the ranged parse and every rule and analyzer, as the editor does without schema validation;
   * by default a document is read as plain values and parsed only where one may report (see `YamlChecker`). The
   * differential tests hold the default to this.
   */
  readonly parseEveryDocument?: boolean;
  /**
   * What a walk of the paths already found (see `parallel/`: a share of a run, or a run the walk left on one thread):
   * each file is read as it is, not walked again (one gone since is reported as skipped when it is read).
   */
  readonly walked?: readonly FileEntry[];
  /**
   * Set when these paths are one share of a larger run (`parallel/`): given what this share's files say about
   * namespaces, by file, in order, returns what every file of the run says, in the run's order. Called after the
   * first pass, and after the fixes.
   */
  readonly share?: (facts: readonly (readonly [file: string, facts: FileFacts])[]) => Promise<readonly FileFacts[]>;
}

/**
 * Characters of parsed documents kept from the first pass for the second, which then does not parse them again:
 * 20 to 40 MB of parsed YAML (about 20 bytes a character measured on Istio's own documents, which take 0.44 M). A
 * document read as plain values counts for a sixth of its characters (`YamlChecker.parsedSize`).
 */
const PARSED_BUDGET = 1_000_000;

/**
 * Passes over the files, one file at a time: first what each file says about namespaces (a Namespace in one file
 * learns that workloads of another ask for a sidecar); when fixing, then the fixes of each file, written as soon
 * as they are made; then the checks. Between the passes only the facts and the file names are kept (and texts up
 * to a budget), so memory does not grow with the number of files. A file is read through the path the walk gave
 * it, which reaches each real file once: no file is fixed twice.
 */
export async function* lintPaths(paths: readonly string[], options: LintOptions = {}): AsyncGenerator<LintEvent> {
  const fs = options.fs ?? nodeFileSystem;
  const ignored = options.ignoredCodes ?? [];
  const cluster = withRootNamespace(undefined, options.rootNamespace);
  const schemas = options.schemas && once(options.schemas);
  // The command line knows no cluster: what only a cluster's facts could concern is not parsed.
  const checker = new YamlChecker(schemas ?? (async () => undefined), { offline: true, screen: !options.parseEveryDocument });
  const texts = new KeptTexts(options.keptTextBudget ?? 16_000_000, options.parsedBudget ?? PARSED_BUDGET);
  let facts = new NamespaceFacts();
  let files: string[] = [];
  const uriOf = fileUris();
  for await (const entry of options.walked ?? yamlFiles(paths, fs)) {
    if ('skipped' in entry) {
      yield entry;
      continue;
    }
    const text = await read(fs, entry.file);
    if (typeof text !== 'string') {
      yield text;
      continue;
    }
    const uri = uriOf(entry.file);
    facts.add(checker.facts(uri, text), entry.file);
    files.push(entry.file);
    if (!texts.keep(entry.file, text, checker.parsedSize(uri))) checker.forget(uri);
  }
  if (options.share) {
    // The other threads may still be reading: meanwhile this one reads its next files' documents ahead of their
    // checks (a worker starting up made the first thread wait a third of a run, idle).
    let exchanged = false;
    const all = options.share(facts.byFile).finally(() => (exchanged = true));
    for (const file of files) {
      if (exchanged) break;
      const text = texts.peek(file);
      if (text === undefined) continue;
      const uri = uriOf(file);
      checker.prepare(uri, text, schemas !== undefined);
      if (!texts.reparsed(file, checker.parsedSize(uri))) {
        // The budget is spent: what is read ahead from here on would be dropped as this was.
        checker.forget(uri);
        break;
      }
      await nextTurn();
    }
    facts = NamespaceFacts.of(await all);
  }
  let workspace = facts.workspace();
  const fix = async (file: string, text: string): Promise<FixedText> => {
    // Each file is fixed with what the other files say before any fix: the same whichever order they come in.
    const own = checker.facts(uriOf(file), text);
    facts.remove(own);
    const others = facts.workspace();
    facts.add(own);
    const check = checkTogether(checker, { workspace: others, cluster, istioValues: await istioValues(fs, file, text) });
    return (await fixTexts([{ file, text }], async (sources) => (await check(sources)).map((list) => withoutIgnored(list, ignored))))[0];
  };
  if (options.fix) {
    const fixing = fixPass(files, fs, checker, texts, fix, options.fix === 'write', uriOf);
    let next = await fixing.next();
    for (; !next.done; next = await fixing.next()) yield next.value;
    files = next.value.files;
    const { after } = next.value;
    workspace = (options.share ? NamespaceFacts.of(await options.share(after.byFile)) : after).workspace();
  }
  // A dry run writes nothing: the fixed text of a file not kept is made again from its text.
  const fixedAgain = options.fix === 'dry-run' ? fix : undefined;
  for (const file of files) {
    let text = texts.take(file) ?? (await read(fs, file));
    if (typeof text !== 'string') {
      yield text;
      continue;
    }
    if (fixedAgain && !texts.wasFixed(file)) text = (await fixedAgain(file, text)).after;
    const uri = uriOf(file);
    const findings = withoutIgnored(await checker.check(uri, text, { schema: schemas !== undefined, workspace, cluster, istioValues: await istioValues(fs, file, text) }), ignored);
    checker.forget(uri);
    findings.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
    yield { file, findings: findings.map((f) => toCli(file, f)) };
  }
}

interface FixPassResult {
  /** The files fixed (or whose fixes were shown), to be checked. */
  readonly files: string[];
  /** What the files say about namespaces after their fixes. */
  readonly after: NamespaceFacts;
}

/**
 * Each file's fixes, written as soon as they are made (`write`). A file that cannot be read again, or written, is
 * reported as skipped. A fix that a fix in another file makes possible is left to the next run.
 */
async function* fixPass(
  files: readonly string[],
  fs: FileSystem,
  checker: YamlChecker,
  texts: KeptTexts,
  fix: (file: string, text: string) => Promise<FixedText>,
  write: boolean,
  uriOf: (file: string) => string,
): AsyncGenerator<LintEvent, FixPassResult> {
  const after = new NamespaceFacts();
  const fixedFiles: string[] = [];
  for (const file of files) {
    const text = texts.take(file) ?? (await read(fs, file));
    if (typeof text !== 'string') {
      yield text;
      continue;
    }
    const uri = uriOf(file);
    const fixed = await fix(file, text);
    after.add(checker.facts(uri, fixed.after), file);
    if (write && fixed.after !== text) {
      try {
        await fs.writeText(file, fixed.after);
      } catch (err) {
        yield { skipped: file, reason: `its fixes could not be written: ${await unreadable(fs, file, err)}` };
        checker.forget(uri);
        continue;
      }
    }
    yield { fixed };
    fixedFiles.push(file);
    if (!texts.keep(file, fixed.after, checker.parsedSize(uri), true)) checker.forget(uri);
  }
  return { files: fixedFiles, after };
}

/** Every finding of the files, in order (for callers that want them all at once). */
export async function lintFiles(paths: readonly string[], schemas?: SchemaLoader): Promise<CliFinding[]> {
  const out: CliFinding[] = [];
  for await (const event of lintPaths(paths, { schemas })) {
    if ('skipped' in event) throw new Error(`${event.skipped}: ${event.reason}`);
    if ('findings' in event) for (const f of event.findings) out.push(f);
  }
  return out;
}

/** Texts (and what the checker parsed of them) waiting for the next pass, within budgets. */
class KeptTexts {
  private readonly texts = new Map<string, { readonly text: string; readonly parsedSize: number; readonly fixed: boolean }>();
  private readonly fixedTaken = new Set<string>();
  private chars = 0;
  private parsed = 0;

  constructor(private readonly budget: number, private readonly parsedBudget: number) {}

  /**
   * Keeps `text` if it fits, and counts what the checker parsed of it if that fits too; false when the parse does
   * not (the caller then drops what the checker holds of it). Parsed YAML takes many times the memory of its text:
   * it has a budget of its own, and a text is worth keeping without its parse (it is not read again).
   */
  keep(file: string, text: string, parsedSize: number, fixed = false): boolean {
    if (this.chars + text.length > this.budget) return false;
    const parsed = this.parsed + parsedSize <= this.parsedBudget ? parsedSize : 0;
    this.texts.set(file, { text, parsedSize: parsed, fixed });
    this.chars += text.length;
    this.parsed += parsed;
    return parsed === parsedSize;
  }

  peek(file: string): string | undefined {
    return this.texts.get(file)?.text;
  }

  /** Counts what is now parsed of a kept text; false when that does not fit (as `keep`). */
  reparsed(file: string, parsedSize: number): boolean {
    const kept = this.texts.get(file);
    if (!kept) return false;
    const parsed = this.parsed - kept.parsedSize + parsedSize <= this.parsedBudget ? parsedSize : 0;
    this.parsed += parsed - kept.parsedSize;
    this.texts.set(file, { ...kept, parsedSize: parsed });
    return parsed === parsedSize;
  }

  take(file: string): string | undefined {
    const kept = this.texts.get(file);
    if (!kept) return undefined;
    this.texts.delete(file);
    this.chars -= kept.text.length;
    this.parsed -= kept.parsedSize;
    if (kept.fixed) this.fixedTaken.add(file);
    return kept.text;
  }

  /** Whether the text last taken for `file` was its fixed text (the others are as read). */
  wasFixed(file: string): boolean {
    return this.fixedTaken.delete(file);
  }
}

/**
 * What files say about namespaces, each file's facts counted so that they can be taken out again (when a file is
 * fixed, its old facts no longer hold): namespaces asked for by workloads, and each Namespace document's labels in
 * the order the files gave them (the last one wins, as in `mergeFacts`).
 */
class NamespaceFacts {
  private readonly asking = new Map<string, number>();
  private readonly labels = new Map<string, Labels[]>();
  /** Each file's facts as added, when they say something (for `LintOptions.share`). */
  readonly byFile: [string, FileFacts][] = [];

  static of(all: readonly FileFacts[]): NamespaceFacts {
    const facts = new NamespaceFacts();
    for (const f of all) facts.add(f);
    return facts;
  }

  add(facts: FileFacts, file?: string): void {
    if (file !== undefined && (facts.namespacesAskingForSidecars.size > 0 || facts.namespaceLabels.size > 0)) this.byFile.push([file, facts]);
    count(this.asking, facts.namespacesAskingForSidecars, 1);
    facts.namespaceLabels.forEach((labels, name) => {
      const given = this.labels.get(name);
      if (given) given.push(labels);
      else this.labels.set(name, [labels]);
    });
  }

  remove(facts: FileFacts): void {
    count(this.asking, facts.namespacesAskingForSidecars, -1);
    facts.namespaceLabels.forEach((labels, name) => {
      const given = this.labels.get(name) ?? [];
      const i = given.findLastIndex((l) => sameLabels(l, labels));
      if (i >= 0) given.splice(i, 1);
      if (given.length === 0) this.labels.delete(name);
    });
  }

  workspace(): WorkspaceFacts {
    return {
      namespacesAskingForSidecars: new Set(this.asking.keys()),
      namespaceLabels: new Map([...this.labels].map(([name, given]) => [name, given[given.length - 1]])),
    };
  }
}

function count(counts: Map<string, number>, names: ReadonlySet<string>, by: number): void {
  for (const n of names) {
    const c = (counts.get(n) ?? 0) + by;
    if (c > 0) counts.set(n, c);
    else counts.delete(n);
  }
}

async function read(fs: FileSystem, file: string): Promise<string | { skipped: string; reason: string }> {
  try {
    return await fs.readText(file);
  } catch (err) {
    return { skipped: file, reason: await unreadable(fs, file, err) };
  }
}

/** Whether the file is a Helm values file of Istio's charts: its marker, or its name and the Chart.yaml beside it. */
async function istioValues(fs: FileSystem, file: string, text: string): Promise<boolean> {
  const name = basename(file);
  const chart = mayBeChartValues(name) ? await fs.readText(join(dirname(file), 'Chart.yaml')).catch(() => undefined) : undefined;
  return isIstioValuesFile(name, text, chart);
}

/** The checker's key of each file of a run, made once per file (each pass asks for it). */
function fileUris(): (file: string) => string {
  const uris = new Map<string, string>();
  return (file) => {
    let uri = uris.get(file);
    if (uri === undefined) {
      uri = pathToFileURL(file).toString();
      uris.set(file, uri);
    }
    return uri;
  };
}

function once<T>(load: () => Promise<T>): () => Promise<T> {
  let loaded: Promise<T> | undefined;
  return () => (loaded ??= load());
}

export function toCli(file: string, f: Finding): CliFinding {
  return {
    file,
    startLine: f.range.start.line + 1,
    startColumn: f.range.start.character + 1,
    endLine: f.range.end.line + 1,
    endColumn: f.range.end.character + 1,
    severity: f.severity,
    code: f.code,
    message: f.message,
  };
}
