#!/usr/bin/env node
// `npm run package`: type-checks, builds the production bundle and packs the .vsix with
// @vscode/vsce, offline (.vscodeignore is an allowlist; dependencies are bundled, so vsce does not
// list node_modules). Prints the path of the .vsix.
//
//   node scripts/package.mjs [--out FILE] [--no-typecheck]   (default: out/istio-mesh-<version>.vsix)
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);
const { name, version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const { values } = parseArgs({ options: { out: { type: 'string' }, 'no-typecheck': { type: 'boolean', default: false } } });
const out = resolve(values.out ?? join(root, 'out', `${name}-${version}.vsix`));

function step(file, args) {
  try {
    execFileSync(file, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  } catch {
    console.error(`package: ${args.slice(0, 2).join(' ')} failed (see above)`);
    process.exit(1);
  }
}
if (!values['no-typecheck']) step(process.execPath, [require.resolve('typescript/bin/tsc'), '--noEmit', '-p', '.']);
step(process.execPath, [join(root, 'scripts', 'build.mjs'), '--production']);
mkdirSync(dirname(out), { recursive: true });
step(process.execPath, [
  join(dirname(require.resolve('@vscode/vsce/package.json')), 'vsce'), 'package',
  '--no-dependencies', // everything the extension runs is in dist/ (esbuild bundle)
  '--allow-missing-repository',
  '--no-rewrite-relative-links', // README images ship inside the .vsix (media/)
  '--out', out,
]);
console.log(`packaged ${out} (${(statSync(out).size / 1024).toFixed(0)} KiB)`);
