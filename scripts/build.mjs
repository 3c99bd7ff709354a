// Bundles the extension, its command-line entry and every test file with esbuild.
// Type-checking is `tsc --noEmit` (see package.json "build"); esbuild only transpiles.
import * as esbuild from 'esbuild';
import { readdirSync, statSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

function testEntries(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...testEntries(path));
    else if (name.endsWith('.test.ts') || name === 'index.ts' && dir.endsWith(join('test', 'integration'))) out.push(path);
  }
  return out;
}

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: !production,
  minify: production,
  // jsonc-parser's UMD build breaks when bundled: prefer the ESM entry points.
  mainFields: ['module', 'main'],
  external: ['vscode'],
  // Only YAML formatting uses prettier; the extension never formats, so keep it out of the bundle.
  alias: { prettier: join(root, 'scripts', 'empty-module.cjs'), 'prettier/standalone': join(root, 'scripts', 'empty-module.cjs'), 'prettier/plugins/yaml': join(root, 'scripts', 'empty-module.cjs'), 'prettier/plugins/estree': join(root, 'scripts', 'empty-module.cjs') },
  logLevel: 'warning',
  absWorkingDir: root,
};

const builds = [
  {
    ...common,
    entryPoints: {
      extension: 'src/extension.ts',
      cli: 'src/cli.ts',
    },
    outdir: 'dist',
    metafile: true,
  },
  {
    ...common,
    entryPoints: testEntries(join(root, 'test')).map((p) => relative(root, p)),
    outbase: 'test',
    outdir: 'out/test',
    // The in-host runner loads mocha from node_modules: bundled, mocha's own require.resolve calls break.
    external: ['vscode', 'mocha'],
    sourcemap: true,
    minify: false,
  },
];

if (!watch) rmSync(join(root, 'out'), { recursive: true, force: true });
for (const options of builds) {
  if (watch) await (await esbuild.context(options)).watch();
  else await esbuild.build(options);
}
