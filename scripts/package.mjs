#!/usr/bin/env node
// `npm run package`: type-checks, builds the production bundle and packs the .vsix with
// @vscode/vsce, offline (.vscodeignore is an allowlist; dependencies are bundled, so vsce does not
// list node_modules). The README's relative links and pictures point at the repository
// (package.json `repository`), so they resolve on the Marketplace and Open VSX pages, which show the
// README from the .vsix. Prints the path of the .vsix.
//
//   node scripts/package.mjs [--out FILE] [--no-typecheck] [--no-build]   (default: out/istio-mesh-<version>.vsix)
//   --no-build packs the dist/ that is there (the packaging unit test checks vsce's warnings that way).
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);
const { name, version, repository } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const { values } = parseArgs({
  options: { out: { type: 'string' }, 'no-typecheck': { type: 'boolean', default: false }, 'no-build': { type: 'boolean', default: false } },
});
// https://github.com/OWNER/NAME(.git): pages from its default branch, pictures raw.
const repo = /^https:\/\/github\.com\/([\w.-]+\/[\w.-]+?)(?:\.git)?$/.exec(repository.url)?.[1];
if (!repo) throw new Error(`package.json repository.url is not a GitHub https URL: ${repository.url}`);
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
if (!values['no-build']) step(process.execPath, [join(root, 'scripts', 'build.mjs'), '--production']);
mkdirSync(dirname(out), { recursive: true });
step(process.execPath, [
  join(dirname(require.resolve('@vscode/vsce/package.json')), 'vsce'), 'package',
  '--no-dependencies', // everything the extension runs is in dist/ (esbuild bundle)
  '--baseContentUrl', `https://github.com/${repo}/blob/main`,
  '--baseImagesUrl', `https://raw.githubusercontent.com/${repo}/main`,
  '--out', out,
]);
console.log(`packaged ${out} (${(statSync(out).size / 1024).toFixed(0)} KiB)`);
