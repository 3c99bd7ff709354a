#!/usr/bin/env node
// Runs bench/install.ts: bundles it with esbuild (as the extension is bundled, so client-node's
// lazy imports resolve the same way) and runs the bundle with node. Arguments pass through:
//   node bench/install.mjs [--rounds 3] [--profile minimal] [--json FILE]
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'istio-mesh-bench-build-'));
const outfile = join(dir, 'install.cjs');
await esbuild.build({
  entryPoints: [join(root, 'bench', 'install.ts')], outfile, bundle: true, platform: 'node', target: 'node20', format: 'cjs',
  mainFields: ['module', 'main'], external: ['vscode'], logLevel: 'warning', sourcemap: 'inline',
});
const code = await new Promise((resolve) => {
  const child = spawn(process.execPath, ['--enable-source-maps', outfile, ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
  child.on('close', (c) => resolve(c ?? 1));
});
rmSync(dir, { recursive: true, force: true });
process.exit(code);
