import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse, type ParseError } from 'jsonc-parser';
import { isIstCode } from '../analyzers/messages';

/**
 * The `istio.*` settings the command line honours from a workspace's `.vscode/settings.json`, so `lint` in a folder
 * says what the editor says there.
 */
export interface WorkspaceSettings {
  /** `istio.analysis.ignoredCodes`. */
  readonly ignoredCodes: readonly string[];
  /** `istio.meshConfig.rootNamespace`, when set. */
  readonly rootNamespace?: string;
  /** The settings file read, if any (the command line names it). */
  readonly file?: string;
}

/**
 * The settings of the nearest `.vscode/settings.json` from `dir` up to the file system's root, read as VS Code reads
 * it (comments and trailing commas allowed). None found, or one that cannot be read: no settings.
 */
export function workspaceSettings(dir: string): WorkspaceSettings {
  for (let at = dir; ; at = dirname(at)) {
    const file = join(at, '.vscode', 'settings.json');
    const text = readText(file);
    if (text !== undefined) return { ...settingsFrom(text), file };
    if (dirname(at) === at) return { ignoredCodes: [] };
  }
}

/** The `istio.*` settings of a settings.json text; a value of the wrong type counts as unset. */
export function settingsFrom(text: string): Omit<WorkspaceSettings, 'file'> {
  const errors: ParseError[] = [];
  const json: unknown = parse(text, errors, { allowTrailingComma: true, disallowComments: false });
  const settings = typeof json === 'object' && json !== null && !Array.isArray(json) ? (json as Record<string, unknown>) : {};
  const codes = settings['istio.analysis.ignoredCodes'];
  const root = settings['istio.meshConfig.rootNamespace'];
  return {
    ignoredCodes: Array.isArray(codes) ? codes.filter((c): c is string => typeof c === 'string') : [],
    ...(typeof root === 'string' && root.trim() !== '' ? { rootNamespace: root.trim() } : {}),
  };
}

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** The `--ignore-code` option of every command line (`lint`, `explain`, `analyze`) in its usage text. */
export function ignoreCodeUsage(what: string): string {
  return `  --ignore-code  leave out ${what} with this Istio analyzer code (IST0118); repeatable. The codes of
                 istio.analysis.ignoredCodes in the nearest .vscode/settings.json (from the current folder up) too`;
}

/**
 * Reads `--ignore-code CODE` or `--ignore-code=CODE` at `argv[i]`: undefined when that argument is another one;
 * else the code and the index of the last argument it took, or what is wrong with it.
 */
export function ignoreCodeArg(argv: readonly string[], i: number): { code: string; last: number } | { error: string } | undefined {
  const arg = argv[i];
  if (arg !== '--ignore-code' && !arg.startsWith('--ignore-code=')) return undefined;
  const code = arg === '--ignore-code' ? argv[i + 1] : arg.slice('--ignore-code='.length);
  if (code === undefined || !isIstCode(code.toUpperCase())) return { error: `--ignore-code takes a code like IST0118, got ${code ?? 'nothing'}` };
  return { code, last: arg === '--ignore-code' ? i + 1 : i };
}

/** The codes a command leaves out: those of its `--ignore-code` options, then those of the workspace's settings. */
export function ignoredCodesFrom(options: readonly string[], cwd: string, settings: WorkspaceSettings = workspaceSettings(cwd)): string[] {
  return [...options, ...settings.ignoredCodes];
}
