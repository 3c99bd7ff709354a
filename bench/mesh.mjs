// Launcher of the mesh benchmark: bundles bench/mesh.ts and runs it with --expose-gc against the cluster
// of KUBECONFIG (start one with `node testbed/testbed.mjs up --istio` and `eval "$(node testbed/testbed.mjs env)"`).
import * as esbuild from 'esbuild';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const outfile = join(mkdtempSync(join(tmpdir(), 'istio-mesh-bench-')), 'mesh.cjs');
await esbuild.build({
  entryPoints: [join(root, 'bench', 'mesh.ts')], bundle: true, platform: 'node', target: 'node20', format: 'cjs',
  mainFields: ['module', 'main'], outfile, logLevel: 'warning', absWorkingDir: root,
});
const run = spawnSync(process.execPath, ['--expose-gc', outfile], { stdio: 'inherit', env: process.env });
process.exit(run.status ?? 1);
