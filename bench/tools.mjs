// What the YAML benchmarks share (bench/yaml.mjs, bench/yamlCorpus.ts): istioctl to compare with, and the built
// command line.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';

/** The testbed's cache of binaries (testbed/README.md): ISTIO_MESH_TESTBED_CACHE or ~/.cache/istio-mesh/testbed. */
function testbedCache() {
  return process.env.ISTIO_MESH_TESTBED_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'istio-mesh', 'testbed');
}

/** istioctl from ISTIOCTL, the testbed's cache (istio-<version>/bin/istioctl, newest first), or PATH; with where it looked. */
export function findIstioctl() {
  const looked = [];
  if (process.env.ISTIOCTL) {
    if (isExecutable(process.env.ISTIOCTL)) return { path: process.env.ISTIOCTL, looked };
    looked.push(`ISTIOCTL=${process.env.ISTIOCTL} (not an executable file)`);
  } else looked.push('ISTIOCTL (unset)');
  const cache = testbedCache();
  const builds = existsSync(cache) ? readdirSync(cache).filter((e) => e.startsWith('istio-')).sort().reverse() : [];
  for (const build of builds) {
    const path = join(cache, build, 'bin', 'istioctl');
    if (isExecutable(path)) return { path, looked };
  }
  looked.push(`${join(cache, 'istio-*', 'bin', 'istioctl')} (${builds.length ? 'no executable' : 'no istio build'})`);
  for (const dir of (process.env.PATH ?? '').split(delimiter)) if (dir && isExecutable(join(dir, 'istioctl'))) return { path: join(dir, 'istioctl'), looked };
  looked.push('PATH');
  return { path: undefined, looked };
}

function isExecutable(path) {
  try {
    const info = statSync(path);
    return info.isFile() && (info.mode & 0o111) !== 0;
  } catch {
    return false;
  }
}

/** dist/cli.js as `npm run build` makes it (with dist/yamlWorker.js), rebuilt first when a source is newer. */
export function builtCli(root, log = console.log) {
  const cli = join(root, 'dist', 'cli.js');
  const newest = (dir) => readdirSync(dir, { withFileTypes: true }).reduce((m, d) => Math.max(m, d.isDirectory() ? newest(join(dir, d.name)) : statSync(join(dir, d.name)).mtimeMs), 0);
  const sources = Math.max(newest(join(root, 'src')), statSync(join(root, 'schemas', 'kubernetes-istio.schema.json')).mtimeMs);
  if (!existsSync(cli) || !existsSync(join(root, 'dist', 'yamlWorker.js')) || statSync(cli).mtimeMs < sources) {
    log('  building dist/ (its sources are newer) ...');
    const build = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'inherit' });
    if (build.status !== 0) throw new Error('node scripts/build.mjs failed');
  }
  return cli;
}
