// Makes the V8 code caches of the command line's bundles (dist/cliMain.js.cache, dist/yaml.js.cache; see
// src/util/codeCache.ts): runs `lint` and `analyze` over the repository's YAML fixtures with ISTIO_MESH_CODE_CACHE=write,
// each run starting from the caches the one before made, so the functions both compile are in them. The caches are
// V8's and this Node's: another Node version rejects them and compiles the files as usual.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist');
const fixtures = join(root, 'test', 'fixtures', 'yaml');

for (const file of ['cliMain.js', 'yaml.js']) rmSync(join(dist, `${file}.cache`), { force: true });
for (const args of [['lint', '--jobs', '1', fixtures], ['analyze', fixtures]]) {
  const run = spawnSync(process.execPath, [join(dist, 'cli.js'), ...args], { cwd: root, env: { ...process.env, ISTIO_MESH_CODE_CACHE: 'write' }, stdio: ['ignore', 'ignore', 'inherit'] });
  // Findings exit 1; a usage error or a crash exits 2.
  if (run.status !== 0 && run.status !== 1) throw new Error(`code cache: node dist/cli.js ${args.join(' ')} exited ${run.status}`);
}
