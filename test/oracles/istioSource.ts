/**
 * Istio's own files — samples/, manifests/, analyzer testdata — read from the Go module cache at test time, at the
 * exact commit the testbed builds (testbed/versions.mjs). Never copied into this repository. When the module is
 * not in the cache yet, `go mod download` fetches it from the Go module proxy (the testbed's build does the same);
 * without Go the tests that need it fail with the reason instead of being skipped.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { repoRoot } from '../unit/repoRoot';

let cached: string | undefined;

/** The `istio.io/istio` module's directory in the Go module cache (read-only files). */
export function istioModuleDir(): string {
  if (cached) return cached;
  const versions = readFileSync(join(repoRoot(), 'testbed', 'versions.mjs'), 'utf8');
  const version = /version: '(v0\.0\.0-[0-9]+-[0-9a-f]+)'/.exec(versions)?.[1];
  if (!version) throw new Error('testbed/versions.mjs names no istio.io/istio version');
  cached = goModuleDir('istio.io/istio', version);
  return cached;
}

/**
 * A module's directory in the Go module cache, fetched from the Go module proxy first when it is not there yet. A
 * new machine has none of them until the testbed's build has run, and the unit tier runs before that build ends.
 */
export function goModuleDir(module: string, version: string): string {
  const go = (args: string[]) => execFileSync('go', args, { encoding: 'utf8', env: { ...process.env, GOFLAGS: '-mod=mod', GOTOOLCHAIN: 'local' }, maxBuffer: 16 << 20 });
  let modcache: string;
  try {
    modcache = go(['env', 'GOMODCACHE']).trim();
  } catch (err) {
    throw new Error(`Istio's own files are read from the Go module cache, and Go does not run here: ${(err as Error).message}`);
  }
  const dir = join(modcache, `${module}@${version}`);
  if (!existsSync(join(dir, 'go.mod'))) {
    // `go mod download` outside a module: fetches into the module cache, prints where.
    const out = JSON.parse(go(['mod', 'download', '-json', `${module}@${version}`])) as { Dir?: string; Error?: string };
    if (!out.Dir) throw new Error(`go mod download ${module}@${version} failed: ${out.Error ?? 'no Dir'}`);
  }
  return dir;
}

/** Every file under `sub` (relative to the Istio module) whose name ends with one of `extensions`, sorted. */
export function istioFiles(sub: string, extensions: readonly string[] = ['.yaml', '.yml']): string[] {
  const root = istioModuleDir();
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (extensions.some((e) => name.endsWith(e))) out.push(path);
    }
  };
  walk(join(root, sub));
  return out;
}

/** A path relative to the Istio module, for messages and disagreement lists. */
export function istioRelative(path: string): string {
  return relative(istioModuleDir(), path);
}
