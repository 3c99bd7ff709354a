import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { YamlChecker } from './checker';
import { mergeFacts } from './facts';
import { yamlFiles } from './files';
import { fixFiles } from './fix';
import type { YamlLanguageService } from './schema/languageService';
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

export interface CliIo {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
}

/** Loads the schema validator; only called when schema validation is on. */
export type SchemaLoader = () => Promise<YamlLanguageService | undefined>;

const USAGE = `usage: istio-mesh lint [--format text|json] [--no-schema] [--fix | --fix-dry-run] <files or directories>

Checks Kubernetes and Istio YAML: schema errors and Istio injection mistakes.
Directories are searched for *.yaml and *.yml files.

  --fix          apply each finding's preferred quick fix in place (repeated until none applies; not info findings),
                 print what changed per file, then report what remains
  --fix-dry-run  print the fixes as a unified diff instead (report on stderr); write nothing

Exit status: 0 no errors (warnings allowed), 1 errors found (after fixing, with --fix), 2 usage error.
`;

interface Args {
  readonly format: 'text' | 'json';
  readonly schema: boolean;
  readonly paths: string[];
  readonly fix?: 'write' | 'dry-run';
}

class UsageError extends Error {}

function parseArgs(argv: readonly string[]): Args | 'help' {
  const [command, ...rest] = argv;
  if (command === '--help' || command === '-h' || command === 'help') return 'help';
  if (command !== 'lint') throw new UsageError(command === undefined ? 'missing command' : `unknown command: ${command}`);
  let format: Args['format'] = 'text';
  let schema = true;
  let fix: Args['fix'];
  const paths: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
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
    } else if (arg.startsWith('-') && arg !== '-') throw new UsageError(`unknown option: ${arg}`);
    else paths.push(arg);
  }
  if (paths.length === 0) throw new UsageError('no files or directories given');
  return { format, schema, paths, fix };
}

/**
 * `lint` over files and directories. Returns the exit status. `schemas` is called only when
 * schema validation is on, so `--no-schema` never loads yaml-language-server.
 */
export async function main(
  argv: readonly string[],
  io: CliIo = { stdout: process.stdout, stderr: process.stderr },
  schemas?: SchemaLoader,
): Promise<number> {
  let args: Args | 'help';
  try {
    args = parseArgs(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.stderr.write(`istio-mesh: ${err.message}\n${USAGE}`);
    return 2;
  }
  if (args === 'help') {
    io.stdout.write(USAGE);
    return 0;
  }
  let files: string[];
  try {
    files = await yamlFiles(args.paths);
  } catch (err) {
    io.stderr.write(`istio-mesh: ${err instanceof Error ? err.message : String(err)}\n`);
    return 2;
  }
  const schemaLoader = args.schema ? schemas : undefined;
  let results: CliFinding[];
  if (args.fix) {
    // --fix lists its fixes before the report (on stderr under --format json); --fix-dry-run leaves stdout to the diff.
    const out = args.fix === 'dry-run' || args.format === 'text' ? io.stdout : io.stderr;
    const remaining = await fixFiles(files, { write: args.fix === 'write', schemas: schemaLoader, out });
    results = remaining.flatMap((r) => r.findings.map((f) => toCli(r.file, f)));
  } else results = await lintFiles(files, schemaLoader);
  const report = args.fix === 'dry-run' ? io.stderr : io.stdout;
  report.write(args.format === 'json' ? JSON.stringify(results, null, 2) + '\n' : formatText(results, files.length));
  return results.some((r) => r.severity === 'error') ? 1 : 0;
}

/** Two passes: what each file says about namespaces first, so a Namespace in one file sees workloads of another. */
export async function lintFiles(files: readonly string[], schemas?: SchemaLoader): Promise<CliFinding[]> {
  const checker = new YamlChecker(schemas ?? (async () => undefined));
  const texts = await Promise.all(files.map(async (file) => ({ file, uri: pathToFileURL(resolve(file)).toString(), text: await readFile(file, 'utf8') })));
  const workspace = mergeFacts(texts.map(({ uri, text }) => checker.facts(uri, text)));
  const out: CliFinding[] = [];
  for (const { file, uri, text } of texts) {
    const findings = await checker.check(uri, text, { schema: schemas !== undefined, workspace });
    findings.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
    out.push(...findings.map((f) => toCli(file, f)));
  }
  return out;
}

function toCli(file: string, f: Finding): CliFinding {
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

function formatText(results: readonly CliFinding[], fileCount: number): string {
  const lines = results.map((r) => `${r.file}:${r.startLine}:${r.startColumn}: ${r.severity} ${r.code}: ${r.message}`);
  const count = (s: Severity) => results.filter((r) => r.severity === s).length;
  lines.push(`${fileCount} file(s) checked: ${count('error')} error(s), ${count('warning')} warning(s), ${count('info')} info.`);
  return lines.join('\n') + '\n';
}
