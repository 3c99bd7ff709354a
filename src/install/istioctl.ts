/**
 * Finding istioctl (setting, then PATH, then a copy the extension downloaded) and asking its version.
 */
import { access, constants } from 'node:fs/promises';
import { delimiter, isAbsolute, join } from 'node:path';
import { clientVersionArgs } from './args';
import { runProcess, type RunOptions, type RunResult } from './process';
import { parseIstioctlVersionJson } from './versions';

export type IstioctlSource = 'setting' | 'path' | 'downloaded';

export interface LocatedIstioctl {
  readonly path: string;
  readonly source: IstioctlSource;
}

export class IstioctlNotFoundError extends Error {
  readonly name = 'IstioctlNotFoundError';
}

export interface LocateInput {
  /** `istio.istioctlPath`; empty when unset. */
  readonly settingPath: string;
  /** The PATH to search. */
  readonly envPath: string;
  /** Where the extension keeps downloaded releases (`<dir>/istioctl`), if any. */
  readonly downloadedDir?: string;
  readonly platform?: NodeJS.Platform;
  /** For tests: whether a path is an executable file. */
  readonly isExecutable?: (path: string) => Promise<boolean>;
}

async function defaultIsExecutable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The setting wins and is never second-guessed: a setting that points nowhere is an error, not a
 * silent fallback to another istioctl of a different version. Returns undefined when none is found.
 */
export async function locateIstioctl(input: LocateInput): Promise<LocatedIstioctl | undefined> {
  const isExecutable = input.isExecutable ?? defaultIsExecutable;
  const exe = (input.platform ?? process.platform) === 'win32' ? 'istioctl.exe' : 'istioctl';
  if (input.settingPath !== '') {
    if (!isAbsolute(input.settingPath)) {
      throw new IstioctlNotFoundError(`The setting istio.istioctlPath must be an absolute path; it is "${input.settingPath}".`);
    }
    if (await isExecutable(input.settingPath)) return { path: input.settingPath, source: 'setting' };
    throw new IstioctlNotFoundError(`The setting istio.istioctlPath points to "${input.settingPath}", which is not an executable file.`);
  }
  for (const dir of input.envPath.split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, exe);
    if (await isExecutable(candidate)) return { path: candidate, source: 'path' };
  }
  if (input.downloadedDir) {
    const candidate = join(input.downloadedDir, exe);
    if (await isExecutable(candidate)) return { path: candidate, source: 'downloaded' };
  }
  return undefined;
}

/** Runs `istioctl version --remote=false -o json` and returns the client version. */
export async function istioctlClientVersion(
  path: string,
  run: (exe: string, args: readonly string[], options?: RunOptions) => Promise<RunResult> = runProcess,
  signal?: AbortSignal,
): Promise<string> {
  const result = await run(path, clientVersionArgs(), { signal });
  const version = result.exitCode === 0 ? parseIstioctlVersionJson(result.stdout) : undefined;
  if (!version) {
    const why = result.stderr.trim().split('\n').pop() || `exit code ${result.exitCode}`;
    throw new IstioctlNotFoundError(`${path} did not report its version (${why}). Is it istioctl?`);
  }
  return version;
}
