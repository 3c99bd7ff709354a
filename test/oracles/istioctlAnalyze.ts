/**
 * The testbed's istioctl, and Istio's analyzer test table (analyzers_test.go), for comparing our analyzers with
 * Istio's. istioctl is the one the testbed builds (testbed/build.mjs); without it the comparison fails with the reason.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { repoRoot } from '../unit/repoRoot';
import { istioModuleDir } from './istioSource';

export async function testbedIstioctl(): Promise<string> {
  const build = (await import(pathToFileURL(join(repoRoot(), 'testbed', 'build.mjs')).href)) as { binaries(): { istioctl: string } };
  const path = build.binaries().istioctl;
  if (!existsSync(path)) throw new Error(`the testbed's istioctl is not built (${path}): run \`npm run testbed -- build\` (or npm run test:cluster once)`);
  return path;
}

export interface IstioctlMessage {
  readonly code: string;
  readonly origin: string;
}

/** `istioctl analyze --use-kube=false -A -o json` over one input set (files relative to `cwd`). */
export async function istioctlAnalyze(istioctl: string, cwd: string, files: readonly string[], meshConfig?: string): Promise<IstioctlMessage[]> {
  const stdout = await istioctlAnalyzeStdout(istioctl, cwd, files, meshConfig);
  // istioctl logs warnings (files it cannot read) on stdout before the JSON.
  const json = stdout.slice(Math.max(0, stdout.search(/^\[/m)));
  return (JSON.parse(json) as { code: string; origin: string }[]).map((m) => ({ code: m.code, origin: m.origin }));
}

/** The same run's stdout as istioctl wrote it, for parsers of its JSON. */
export async function istioctlAnalyzeStdout(istioctl: string, cwd: string, files: readonly string[], meshConfig?: string): Promise<string> {
  const args = ['analyze', '--use-kube=false', '--all-namespaces', '--output', 'json', ...(meshConfig ? ['--meshConfigFile', meshConfig] : []), ...files];
  // Exit status 79 means messages of level Error were found: still a result.
  const { stdout } = await promisify(execFile)(istioctl, args, { cwd, maxBuffer: 64 << 20 }).catch((err: { code?: number; stdout?: string; stderr?: string }) => {
    if (typeof err.stdout === 'string' && /^\[/m.test(err.stdout)) return { stdout: err.stdout };
    throw new Error(`istioctl ${args.join(' ')} failed (${err.code}): ${err.stderr}`);
  });
  return stdout;
}

export interface AnalyzerCase {
  readonly name: string;
  readonly inputFiles: readonly string[];
  readonly meshConfigFile?: string;
  /** The Go type of the analyzer the case tests (`annotations.K8sAnalyzer`). */
  readonly analyzer: string;
  /** `[message name, origin]`, as the case expects them. */
  readonly expected: readonly (readonly [string, string])[];
}

export const ANALYZERS_DIR = 'pkg/config/analysis/analyzers';

/** The cases of analyzers_test.go's testGrid, read from its text (each `{ name: ..., }` entry at one tab). */
export function analyzerCases(): AnalyzerCase[] {
  const source = readFileSync(join(istioModuleDir(), ANALYZERS_DIR, 'analyzers_test.go'), 'utf8');
  const grid = source.slice(source.indexOf('var testGrid = []testCase{'));
  const end = grid.indexOf('\n}\n');
  return grid.slice(0, end).split(/\n\t\{\n/).slice(1).map((block) => {
    const name = /name:\s+"([^"]+)"/.exec(block)?.[1] ?? '?';
    const files = /inputFiles:\s+\[\]string\{([^}]*)\}/.exec(block)?.[1] ?? '';
    const mesh = /meshConfigFile:\s+"([^"]+)"/.exec(block)?.[1];
    const analyzer = /analyzer:\s+&([\w.]+)\{\}/.exec(block)?.[1] ?? /analyzer:\s+([^\n,]+)/.exec(block)?.[1] ?? '?';
    const expected = [...block.matchAll(/\{msg\.(\w+),\s*"([^"]*)"/g)].map((m) => [m[1], m[2]] as const);
    return { name, inputFiles: [...files.matchAll(/"([^"]+)"/g)].map((m) => m[1]), ...(mesh ? { meshConfigFile: mesh } : {}), analyzer, expected };
  });
}
