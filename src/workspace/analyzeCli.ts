import { visible, type CliIo } from '../yaml/cli';
import { nodeFileSystem, unreadable, yamlFiles, type FileSystem } from '../yaml/files';
import { DEFAULT_MAX_FILE_SIZE } from '../yaml/lint';
import { ignoreCodeUsage, ignoreCodeArg, ignoredCodesFrom } from '../yaml/workspaceSettings';
import { toCli, type CliFinding } from '../yaml/lintPaths';
import type { Severity } from '../yaml/types';
import { analyzeWorkspace } from './analyze';
import { WorkspaceIndex } from './index';

const ANALYZE_USAGE = `usage: istio-mesh analyze [--format text|json] [--complete] [--ignore-code IST0xxx]... <files or directories>

Runs Istio's analyzers that read several resources (IST0101 references not found, IST0109, IST0111, IST0112,
IST0116, IST0132) over the YAML files given, taken together. Directories are searched for *.yaml and *.yml files.

  --complete   the files hold every resource of the mesh: a reference they do not hold is an error, as
               istioctl analyze says it. Without it, "not found in the workspace" is an information: the
               reference may live in the cluster.
${ignoreCodeUsage('the findings')}

Exit status: 0 no errors (warnings allowed), 1 errors found, 2 usage error,
3 some file or directory could not be read (each is named on stderr; the others were analysed).
`;

export interface AnalyzeOptions {
  readonly fs?: FileSystem;
  readonly maxFileSize?: number;
  /** Where the workspace's .vscode/settings.json is looked for (the current folder by default). */
  readonly cwd?: string;
}

/** `analyze` over files and directories; `argv` starts after the word `analyze`. Returns the exit status. */
export async function analyzeMain(argv: readonly string[], io: CliIo, options: AnalyzeOptions = {}): Promise<number> {
  let format: 'text' | 'json' = 'text';
  let complete = false;
  const paths: string[] = [];
  const ignored: string[] = [];
  const usage = async (message: string) => {
    await write(io.stderr, `istio-mesh: ${visible(message)}\n${ANALYZE_USAGE}`);
    return 2;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const ignore = ignoreCodeArg(argv, i);
    if (arg === '--help' || arg === '-h') {
      await write(io.stdout, ANALYZE_USAGE);
      return 0;
    }
    if (arg === '--complete') complete = true;
    else if (ignore) {
      if ('error' in ignore) return usage(ignore.error);
      ignored.push(ignore.code);
      i = ignore.last;
    } else if (arg === '--format' || arg.startsWith('--format=')) {
      const value = arg === '--format' ? argv[++i] : arg.slice('--format='.length);
      if (value !== 'text' && value !== 'json') return usage(`--format must be text or json, got ${value ?? 'nothing'}`);
      format = value;
    } else if (arg.startsWith('-')) return usage(`unknown option: ${arg}`);
    else paths.push(arg);
  }
  if (paths.length === 0) return usage('no files or directories given');

  const fs = options.fs ?? nodeFileSystem;
  const max = options.maxFileSize ?? DEFAULT_MAX_FILE_SIZE;
  const index = new WorkspaceIndex();
  let skipped = 0;
  const skip = (path: string, reason: string) => {
    skipped++;
    return write(io.stderr, `istio-mesh: skipped ${visible(path)}: ${visible(reason)}\n`);
  };
  for await (const entry of yamlFiles(paths, fs)) {
    if ('skipped' in entry) {
      await skip(entry.skipped, entry.reason);
      continue;
    }
    let text: string;
    try {
      text = await fs.readText(entry.file);
    } catch (err) {
      await skip(entry.file, await unreadable(fs, entry.file, err));
      continue;
    }
    if (text.length > max) await skip(entry.file, `larger than ${max} characters`);
    else index.setFile(entry.file, text);
  }

  const found = analyzeWorkspace(index, { complete, ignoredCodes: ignoredCodesFrom(ignored, options.cwd ?? process.cwd()) });
  const all: CliFinding[] = index.files().flatMap((file) => (found.get(file) ?? []).map((f) => toCli(file, f)));
  const counts: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  for (const f of all) counts[f.severity]++;
  if (format === 'json') await write(io.stdout, JSON.stringify(all, null, 2) + '\n');
  else {
    const lines = all.map((r) => `${visible(r.file)}:${r.startLine}:${r.startColumn}: ${r.severity} ${r.code}: ${visible(r.message)}\n`).join('');
    const analysed = `${index.files().length} file(s) analysed${skipped > 0 ? `, ${skipped} skipped` : ''}`;
    await write(io.stdout, `${lines}${analysed}: ${counts.error} error(s), ${counts.warning} warning(s), ${counts.info} info.\n`);
  }
  return skipped > 0 ? 3 : counts.error > 0 ? 1 : 0;
}

/** Writes and waits for the stream to take it, so the status is returned after the output. */
function write(stream: NodeJS.WritableStream, text: string): Promise<void> {
  return new Promise((done) => stream.write(text, () => done()));
}
