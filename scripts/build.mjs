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

/** Whether esbuild resolves an import written in our own sources (not in a library's). */
const fromOurSources = (args) => args.importer.startsWith(join(root, 'src'));

/**
 * Modules our code loads only on first use (`await import(...)`), each bundled into a file of its own in dist/:
 * the specifier our files import → the dist file and its entry. VS Code reads and compiles all of
 * dist/extension.js at activation, even code that never runs: client-node alone is 3.5 MB minified, and it made
 * activation take hundreds of milliseconds.
 */
const LAZY_MODULES = {
  './kubernetesClient': { file: 'kubernetes-client', entry: 'src/cluster/kubernetesClient.ts' },
  yaml: { file: 'yaml', entry: 'yaml' },
};

/**
 * Our imports of a lazy module become `require('./<file>.js')` (libraries' own imports are left alone). Importing
 * client-node itself from our code would put all of it back into extension.js: the build refuses it.
 */
const lazyModules = {
  name: 'lazy-modules',
  setup(build) {
    const filter = new RegExp(`^(${Object.keys(LAZY_MODULES).map((n) => n.replace(/[/.]/g, '\\$&')).join('|')})$`);
    build.onResolve({ filter }, (args) => (fromOurSources(args) ? { path: `./${LAZY_MODULES[args.path].file}.js`, external: true } : undefined));
    build.onResolve({ filter: /^@kubernetes\/client-node$/ }, (args) => (fromOurSources(args)
      ? { errors: [{ text: 'import @kubernetes/client-node through src/cluster/kubernetesClient.ts, which is loaded on first use' }] }
      : undefined));
  },
};

/**
 * `import * as vscode from 'vscode'` in each of our files becomes, in a CommonJS bundle, a copy of the whole API
 * object (hundreds of properties) per file, made at activation. Our files share one copy instead: they import a
 * module that re-exports 'vscode' (measured: loading the bundle 45-55 ms -> 26-29 ms with a 300-name API object).
 */
const oneVscodeNamespace = {
  name: 'one-vscode-namespace',
  setup(build) {
    build.onResolve({ filter: /^vscode$/ }, (args) => (fromOurSources(args) ? { path: 'vscode', namespace: 'vscode-reexport' } : undefined));
    build.onLoad({ filter: /.*/, namespace: 'vscode-reexport' }, () => ({ contents: "export * from 'vscode';", loader: 'js', resolveDir: root }));
  },
};

const builds = [
  {
    ...common,
    entryPoints: Object.fromEntries(Object.values(LAZY_MODULES).map(({ file, entry }) => [file, entry])),
    outdir: 'dist',
  },
  {
    ...common,
    plugins: [lazyModules, oneVscodeNamespace],
    // `import()` of a lazy module as `require()`, like the modules inside the bundle.
    supported: { 'dynamic-import': false },
    entryPoints: {
      extension: 'src/extension.ts',
      // The command line's entry starts its worker threads, then loads the rest (src/cli.ts).
      cli: 'src/cli.ts',
      cliMain: 'src/cliMain.ts',
      // yaml-language-server runs in this worker thread (src/yaml/schema/workerService.ts).
      yamlWorker: 'src/yaml/schema/worker.ts',
      // A large `lint` run's shares checked beside the main thread (src/yaml/parallel/): from cliMain.js.
      lintWorker: 'src/yaml/parallel/workerEntry.ts',
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
// The command line's code caches, made from these bundles (a watch rebuild leaves them stale: the loader then ignores them).
if (!watch) await import('./code-cache.mjs');
