import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from './repoRoot';

const root = repoRoot();

interface Manifest {
  name: string;
  displayName: string;
  description: string;
  version: string;
  publisher: string;
  license: string;
  repository?: { type: string; url: string };
  bugs?: { url: string };
  homepage?: string;
  icon?: string;
  galleryBanner?: { color: string; theme: string };
  categories: string[];
  keywords: string[];
  dependencies: Record<string, string>;
}

/** The Marketplace's categories (vsce rejects others on publish). */
const CATEGORIES = new Set([
  'AI', 'Azure', 'Chat', 'Data Science', 'Debuggers', 'Education', 'Extension Packs', 'Formatters', 'Keymaps', 'Language Packs',
  'Linters', 'Machine Learning', 'Notebooks', 'Others', 'Other', 'Programming Languages', 'SCM Providers', 'Snippets', 'Testing',
  'Themes', 'Visualization',
]);

const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Manifest;

/** Width and height from a PNG's IHDR chunk. */
function pngSize(file: string): { width: number; height: number } {
  const bytes = readFileSync(file);
  assert.equal(bytes.subarray(1, 4).toString('latin1'), 'PNG', `${file} is not a PNG`);
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

/** What the Marketplace and Open VSX show of the extension: package.json's fields, the icon, the changelog, and a clean `vsce package`. */
describe('Marketplace manifest', function () {
  this.timeout(60_000);

  it('names the publisher, the licence, and the repository with its issues and home page', () => {
    assert.match(manifest.publisher, /^[a-z0-9][a-z0-9-]*$/);
    assert.equal(manifest.license, 'Apache-2.0');
    assert.match(readFileSync(join(root, 'LICENSE'), 'utf8'), /Apache License\s+Version 2\.0/);
    const repo = /^https:\/\/github\.com\/([\w.-]+\/[\w.-]+?)\.git$/.exec(manifest.repository?.url ?? '')?.[1];
    assert.ok(repo, `repository.url is a GitHub https URL: ${manifest.repository?.url}`);
    assert.equal(manifest.repository?.type, 'git');
    assert.equal(manifest.bugs?.url, `https://github.com/${repo}/issues`);
    assert.equal(manifest.homepage, `https://github.com/${repo}#readme`);
  });

  it('has a short description, Marketplace categories and a few keywords', () => {
    assert.ok(manifest.description.length >= 40 && manifest.description.length <= 200, `description of ${manifest.description.length} characters`);
    assert.match(manifest.description, /Istio/);
    assert.deepEqual(manifest.categories.filter((c) => !CATEGORIES.has(c)), []);
    assert.ok(manifest.keywords.length > 0 && manifest.keywords.length <= 30, 'vsce allows at most 30 keywords');
    assert.equal(new Set(manifest.keywords).size, manifest.keywords.length);
  });

  it('has a PNG icon of at least 128 px and a gallery banner', () => {
    assert.match(manifest.icon ?? '', /\.png$/, 'the Marketplace does not take an SVG icon');
    const { width, height } = pngSize(join(root, manifest.icon!));
    assert.ok(width >= 128 && height === width, `icon is ${width}×${height}`);
    assert.match(manifest.galleryBanner?.color ?? '', /^#[0-9a-fA-F]{6}$/);
    assert.ok(['dark', 'light'].includes(manifest.galleryBanner?.theme ?? ''));
  });

  it('pins the Kubernetes extension API package exactly', () => {
    assert.equal(manifest.dependencies['vscode-kubernetes-tools-api'], '1.3.0');
  });

  it('keeps a changelog with Unreleased on top and every release dated, the current version released or next', () => {
    const headings = [...readFileSync(join(root, 'CHANGELOG.md'), 'utf8').matchAll(/^## (.*)$/gm)].map((m) => m[1]);
    assert.equal(headings[0], '[Unreleased]');
    const releases = headings.slice(1).map((h) => {
      const m = /^\[(\d+\.\d+\.\d+)\] - \d{4}-\d{2}-\d{2}$/.exec(h);
      assert.ok(m, `a release heading is "[x.y.z] - YYYY-MM-DD": ${h}`);
      return m[1];
    });
    const newer = (a: string, b: string) => a.localeCompare(b, undefined, { numeric: true }) > 0;
    // Released: its entry is there. Not yet: its entries wait under Unreleased, above every release.
    assert.ok(releases.includes(manifest.version) || releases.every((r) => newer(manifest.version, r)), `version ${manifest.version} against ${releases.join(', ')}`);
  });

  it('packs with `vsce package` offline and without a warning, the README pointing at the repository', function () {
    assert.ok(existsSync(join(root, 'dist', 'extension.js')), 'dist/extension.js is missing: run `npm run build` first');
    const dir = mkdtempSync(join(tmpdir(), 'istio-mesh-vsix-'));
    try {
      const vsix = join(dir, 'test.vsix');
      // stdin closed: a warning vsce would ask about ("continue? [y/N]") fails the run instead of waiting.
      const run = spawnSync(process.execPath, [join(root, 'scripts', 'package.mjs'), '--no-typecheck', '--no-build', '--out', vsix], {
        cwd: root,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, NO_COLOR: '1' },
      });
      const output = `${run.stdout}${run.stderr}`;
      assert.equal(run.status, 0, output);
      assert.doesNotMatch(output, /WARNING/i);
      assert.ok(existsSync(vsix));
      const readme = execFileSync('unzip', ['-p', vsix, 'extension/readme.md'], { encoding: 'utf8' });
      // Every picture and link of the packaged README is absolute: the gallery page has no files beside it.
      const targets = [...readme.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]);
      assert.ok(targets.length > 5);
      assert.deepEqual(targets.filter((t) => !/^(https:\/\/|#|command:)/.test(t)), []);
      assert.ok(targets.some((t) => t.startsWith('https://raw.githubusercontent.com/') && t.endsWith('.png')), 'pictures load raw from the repository');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
