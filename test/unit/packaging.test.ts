import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { repoRoot } from './repoRoot';

const root = repoRoot();

interface Manifest {
  main: string;
  icon: string;
  contributes: {
    viewsContainers: Record<string, { icon: string }[]>;
    views: Record<string, { icon?: string }[]>;
    grammars: { path: string }[];
    walkthroughs: { steps: { media: { markdown?: string; image?: string } }[] }[];
  };
}

/** The files `vsce package` puts in the .vsix (.vscodeignore is an allowlist), from vsce itself, loaded unbundled. */
async function packagedFiles(): Promise<string[]> {
  const vsce = createRequire(join(root, 'package.json'))('@vscode/vsce') as { listFiles(options: { cwd: string; packageManager: number }): Promise<string[]>; PackageManager: { None: number } };
  // No dependencies: the bundles in dist/ carry them (as `npm run package` packs with --no-dependencies).
  return (await vsce.listFiles({ cwd: root, packageManager: vsce.PackageManager.None })).map((f) => f.replace(/\\/g, '/')).sort();
}

const clean = (path: string) => path.replace(/^\.\//, '');

/** The .vsix holds what the installed extension needs, and nothing more. Needs `npm run build` first (dist/). */
describe('.vsix contents (.vscodeignore)', function () {
  this.timeout(30_000);
  let files: string[];
  before(async function () {
    assert.ok(existsSync(join(root, 'dist', 'extension.js')), 'dist/extension.js is missing: run `npm run build` first');
    files = await packagedFiles();
  });

  it('holds every file the manifest names', () => {
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Manifest;
    const named = [
      manifest.main,
      manifest.icon,
      ...Object.values(manifest.contributes.viewsContainers).flat().map((c) => c.icon),
      ...Object.values(manifest.contributes.views).flat().flatMap((v) => (v.icon ? [v.icon] : [])),
      ...manifest.contributes.grammars.map((g) => g.path),
      ...manifest.contributes.walkthroughs.flatMap((w) => w.steps.flatMap((s) => [s.media.markdown, s.media.image].filter((m): m is string => !!m))),
    ].map(clean);
    assert.deepEqual(named.filter((f) => !files.includes(f)), []);
  });

  it('holds every file the bundle requires beside it (libraries loaded on first use)', () => {
    const bundle = readFileSync(join(root, 'dist', 'extension.js'), 'utf8');
    const siblings = [...bundle.matchAll(/require\("\.\/([\w.-]+\.js)"\)/g)].map((m) => `dist/${m[1]}`);
    assert.ok(siblings.includes('dist/kubernetes-client.js'), 'client-node is expected in its own file');
    assert.deepEqual([...new Set(siblings)].filter((f) => !files.includes(f)), []);
  });

  it('holds the command line and the worker threads it starts from its own folder', () => {
    const cli = ['cli.js', 'cliMain.js'].map((f) => readFileSync(join(root, 'dist', f), 'utf8')).join('\n');
    const loaded = [...new Set([...cli.matchAll(/"(\w+(?:Worker|Main)\.js)"/g)].map((m) => `dist/${m[1]}`))];
    assert.deepEqual(loaded.sort(), ['dist/cliMain.js', 'dist/lintWorker.js', 'dist/yamlWorker.js']);
    assert.deepEqual(loaded.filter((f) => !files.includes(f)), []);
  });

  it('holds none of the README\'s pictures: its page loads them from the repository', () => {
    assert.deepEqual(files.filter((f) => f.startsWith('media/screenshots/')), []);
  });

  it('holds no sources, tests, source maps, dependencies or icon sources', () => {
    const allowed = /^(package\.json|README\.md|CHANGELOG\.md|LICENSE|NOTICE|dist\/[\w-]+\.js(?:\.cache)?|syntaxes\/[\w.-]+\.json|schemas\/[\w.-]+\.json|media\/[\w/.-]+\.(png|svg|md|yaml))$/;
    assert.deepEqual(files.filter((f) => !allowed.test(f)), []);
    assert.ok(!files.includes('media/icon.svg'), 'media/icon.svg is the source of icon.png');
  });
});
