import { unifiedDiff } from './diff';
import { formatApplied } from './fix';
import type { SchemaLoader } from './lintPaths';
import { lintInParallel, type ParallelOptions } from './parallel/run';
import { ignoreCodeUsage, ignoreCodeArg, ignoredCodesFrom, workspaceSettings } from './workspaceSettings';
import type { Severity } from './types';

export type { CliFinding, SchemaLoader } from './lintPaths';

export interface CliIo {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
}

/** Exit statuses of `lint`. */
const EXIT = { clean: 0, errors: 1, usage: 2, skipped: 3 } as const;

const USAGE = `usage: istio-mesh lint [--format text|json] [--no-schema] [--fix | --fix-dry-run] [--ignore-code IST0xxx]... [--root-namespace NAME] [--jobs N] <files or directories>

Checks Kubernetes and Istio YAML: schema errors and Istio injection mistakes.
Directories are searched for *.yaml and *.yml files; symbolic links are followed.

  --fix          apply each finding's preferred quick fix in place (repeated until none applies; not info findings),
                 print what changed per file, then report what remains
  --fix-dry-run  print the fixes as a unified diff instead (report on stderr); write nothing
${ignoreCodeUsage('the findings (neither reported nor fixed)')}
  --root-namespace  the mesh's root namespace (meshConfig.rootNamespace), where a MeshPolicy's replacement goes;
                 default: istio.meshConfig.rootNamespace of that settings.json, else istio-system
  --jobs N       check on at most N threads (default: one per core not kept busy by other work); a large run is
                 shared among them, with the same output in the same order. --jobs 1 keeps it on one thread

Exit status: 0 no errors (warnings allowed), 1 errors found (after fixing, with --fix), 2 usage error,
3 some file or directory could not be checked (each is named on stderr; the others were checked).
`;

interface Args {
  readonly format: 'text' | 'json';
  readonly schema: boolean;
  readonly paths: string[];
  readonly fix?: 'write' | 'dry-run';
  readonly ignoredCodes: string[];
  readonly rootNamespace?: string;
  readonly jobs?: number;
}

class UsageError extends Error {}

/** A Kubernetes namespace name (RFC 1123 label). */
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

function parseArgs(argv: readonly string[]): Args | 'help' {
  const [command, ...rest] = argv;
  if (command === '--help' || command === '-h' || command === 'help') return 'help';
  if (command !== 'lint') throw new UsageError(command === undefined ? 'missing command' : `unknown command: ${command}`);
  let format: Args['format'] = 'text';
  let schema = true;
  let fix: Args['fix'];
  const paths: string[] = [];
  const ignoredCodes: string[] = [];
  let rootNamespace: string | undefined;
  let jobs: number | undefined;
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    const ignore = ignoreCodeArg(rest, i);
    if (arg === '--help' || arg === '-h') return 'help';
    if (arg === '--no-schema') schema = false;
    else if (arg === '--fix' || arg === '--fix-dry-run') {
      const mode = arg === '--fix' ? 'write' : 'dry-run';
      if (fix && fix !== mode) throw new UsageError('--fix and --fix-dry-run exclude each other');
      fix = mode;
    } else if (arg === '--format' || arg.startsWith('--format=')) {
      const value = arg === '--format' ? rest[++i] : arg.slice('--format='.length);
      if (value !== 'text' && value !== 'json') throw new UsageError(`--format must be text or json, got ${value ?? 'nothing'}`);
      format = value;
    } else if (ignore) {
      if ('error' in ignore) throw new UsageError(ignore.error);
      ignoredCodes.push(ignore.code);
      i = ignore.last;
    } else if (arg === '--root-namespace' || arg.startsWith('--root-namespace=')) {
      const value = arg === '--root-namespace' ? rest[++i] : arg.slice('--root-namespace='.length);
      if (value === undefined || !DNS_LABEL.test(value)) throw new UsageError(`--root-namespace takes a namespace name, got ${value ?? 'nothing'}`);
      rootNamespace = value;
    } else if (arg === '--jobs' || arg.startsWith('--jobs=')) {
      const value = arg === '--jobs' ? rest[++i] : arg.slice('--jobs='.length);
      if (value === undefined || !/^[1-9][0-9]{0,3}$/.test(value)) throw new UsageError(`--jobs takes a number of threads (1 or more), got ${value ?? 'nothing'}`);
      jobs = Number(value);
    } else if (arg.startsWith('-') && arg !== '-') throw new UsageError(`unknown option: ${arg}`);
    else paths.push(arg);
  }
  if (paths.length === 0) throw new UsageError('no files or directories given');
  return { format, schema, paths, fix, ignoredCodes, ...(rootNamespace ? { rootNamespace } : {}), ...(jobs ? { jobs } : {}) };
}


/**
 * `lint` over files and directories. Returns the exit status (`EXIT`). `schemas` is called only when schema
 * validation is on, so `--no-schema` never loads it. Results are written as each file is checked; what
 * cannot be checked is named on stderr, once, and the run goes on. With `--fix`, each file's fixes are listed (on
 * stderr under `--format json`) and with `--fix-dry-run` shown as a diff on stdout (the report then goes to stderr),
 * file by file, before the report of what remains.
 */
export async function main(
  argv: readonly string[],
  io: CliIo = { stdout: process.stdout, stderr: process.stderr },
  schemas?: SchemaLoader,
  options: Omit<ParallelOptions, 'schemas' | 'fix' | 'ignoredCodes' | 'rootNamespace' | 'jobs'> & { readonly cwd?: string } = {},
): Promise<number> {
  let args: Args | 'help';
  try {
    args = parseArgs(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    await write(io.stderr, `istio-mesh: ${visible(err.message)}\n${USAGE}`);
    return EXIT.usage;
  }
  if (args === 'help') {
    await write(io.stdout, USAGE);
    return EXIT.clean;
  }
  const counts: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  let files = 0;
  let skipped = 0;
  let first = true;
  const report = args.fix === 'dry-run' ? io.stderr : io.stdout;
  const fixes = args.fix === 'dry-run' || args.format === 'text' ? io.stdout : io.stderr;
  if (args.format === 'json') await write(report, '[');
  const settings = workspaceSettings(options.cwd ?? process.cwd());
  const ignoredCodes = ignoredCodesFrom(args.ignoredCodes, options.cwd ?? process.cwd(), settings);
  const rootNamespace = args.rootNamespace ?? settings.rootNamespace;
  const run = { ...options, schemas: args.schema ? schemas : undefined, fix: args.fix, ignoredCodes, rootNamespace, ...(args.jobs ? { jobs: args.jobs } : {}) };
  for await (const event of lintInParallel(args.paths, run)) {
    if ('skipped' in event) {
      skipped++;
      await write(io.stderr, `istio-mesh: skipped ${visible(event.skipped)}: ${visible(event.reason)}\n`);
      continue;
    }
    if ('fixed' in event) {
      const { fixed } = event;
      await write(fixes, args.fix === 'dry-run' ? unifiedDiff(fixed.before, fixed.after, visible(fixed.file)) : formatApplied([{ ...fixed, file: visible(fixed.file) }]));
      continue;
    }
    files++;
    for (const f of event.findings) counts[f.severity]++;
    if (event.findings.length === 0) continue;
    // A few thousand findings per write: a file with very many does not become one huge string.
    for (let i = 0; i < event.findings.length; i += WRITE_BATCH) {
      const batch = event.findings.slice(i, i + WRITE_BATCH);
      if (args.format === 'json') {
        // As JSON.stringify(all, null, 2) would print them.
        const items = batch.map((f) => JSON.stringify(f, null, 2).replace(/^/gm, '  '));
        await write(report, (first ? '\n' : ',\n') + visibleJson(items.join(',\n')));
        first = false;
      } else {
        await write(report, batch.map((r) => `${visible(r.file)}:${r.startLine}:${r.startColumn}: ${r.severity} ${r.code}: ${visible(r.message)}\n`).join(''));
      }
    }
  }
  if (args.format === 'json') await write(report, first ? ']\n' : '\n]\n');
  else {
    const checked = skipped > 0 ? `${files} file(s) checked, ${skipped} skipped` : `${files} file(s) checked`;
    await write(report, `${checked}: ${counts.error} error(s), ${counts.warning} warning(s), ${counts.info} info.\n`);
  }
  return skipped > 0 ? EXIT.skipped : counts.error > 0 ? EXIT.errors : EXIT.clean;
}

const WRITE_BATCH = 2000;

/**
 * Control characters (escape sequences), bidirectional overrides and line separators in file names and
 * messages, written as visible escapes (`\x1b`, `\u202e`): printed raw they could rewrite the terminal or
 * hide text.
 */
const INVISIBLE = /[\p{Cc}\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/gu;

export function visible(text: string): string {
  return text.replace(INVISIBLE, (c) => {
    if (c === '\n') return '\\n';
    if (c === '\r') return '\\r';
    if (c === '\t') return '\\t';
    const code = c.charCodeAt(0);
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** What JSON.stringify leaves raw among those (it escapes the other control characters itself). */
const INVISIBLE_IN_JSON = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** JSON keeps every character, but as `\u` escapes where a terminal would act on it. */
function visibleJson(json: string): string {
  return json.replace(INVISIBLE_IN_JSON, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Writes and waits while the stream's buffer is full, so a slow reader does not make the output pile up in memory. */
function write(stream: NodeJS.WritableStream, text: string): Promise<void> {
  if (stream.write(text)) return Promise.resolve();
  return new Promise((done) => stream.once('drain', done));
}
