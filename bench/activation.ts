// Activation cost and package size (issue 7, item 5), measured in a real VS Code (the server of
// code-server, driven by headless chromium) beside an empty extension in the same run:
//   - `activate`: the time VS Code itself records for the extension (code loading + the activate call),
//     read from "Developer: Show Running Extensions";
//   - first level: from the click on the activity-bar icon until the view shows its first rows;
//   - `.vsix` size.
// The empty extension has a view with one static item, so both sides do the same work in the workbench.
//
//   npm run bench -- activation -- [--rounds 3] [--vscode 1.139.1] [--json FILE]
//
// Our view needs a cluster to show a first level: the run starts the testbed with Istio.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { launchBrowser } from '../test/harness/browser.mjs';
import { startTestCluster } from '../test/harness/cluster.mjs';
import { cleanupAll } from '../test/harness/processes.mjs';
import { NEWEST, ensureVSCode } from '../test/harness/setup.mjs';
import { createProfile, installExtension, startServer } from '../test/harness/vscode-server.mjs';

const TARGET_ACTIVATE_MS = 50;
const TARGET_VSIX_BYTES = 3 * 1024 * 1024;
const root = resolve(__dirname, '..');
const requireHere = createRequire(__filename);

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '3' }, vscode: { type: 'string', default: NEWEST }, json: { type: 'string' } } });

/** An extension that does nothing but show one static tree item: the baseline. */
function writeEmptyExtension(dir: string): void {
  mkdirSync(join(dir, 'media'), { recursive: true });
  cpSync(join(root, 'media', 'istio.svg'), join(dir, 'media', 'icon.svg'));
  cpSync(join(root, 'LICENSE'), join(dir, 'LICENSE'));
  writeFileSync(join(dir, 'README.md'), '# Baseline\n\nAn empty extension with one view, for benchmarks.\n');
  writeFileSync(join(dir, 'extension.js'), [
    "const vscode = require('vscode');",
    'exports.activate = (context) => {',
    "  const provider = { getChildren: () => [{ label: 'baseline item' }], getTreeItem: (item) => item };",
    "  context.subscriptions.push(vscode.window.registerTreeDataProvider('baseline.view', provider));",
    '};',
    '',
  ].join('\n'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({
    name: 'empty-baseline', displayName: 'Empty Baseline', publisher: 'bench', version: '0.0.1', license: 'Apache-2.0',
    engines: { vscode: '^1.100.0' }, main: './extension.js',
    contributes: {
      viewsContainers: { activitybar: [{ id: 'baseline', title: 'Empty Baseline', icon: 'media/icon.svg' }] },
      views: { baseline: [{ id: 'baseline.view', name: 'Baseline' }] },
    },
  }, null, 2));
}

function vsce(cwd: string, out: string): void {
  const bin = join(dirname(requireHere.resolve('@vscode/vsce/package.json')), 'vsce');
  execFileSync(process.execPath, [bin, 'package', '--no-dependencies', '--allow-missing-repository', '--out', out], { cwd, stdio: ['ignore', 'ignore', 'inherit'] });
}

/** Milliseconds from the click on a view container's icon until its view shows tree rows. */
async function firstLevel(page: import('playwright-core').Page, title: string): Promise<number> {
  const started = performance.now();
  await page.locator(`.activitybar a.action-label[aria-label^="${title}"]`).click();
  await page.locator('.part.sidebar .monaco-list-row').first().waitFor({ timeout: 120_000 });
  return performance.now() - started;
}

/** The activation time VS Code shows for an extension in "Running Extensions" (e.g. "12ms"). */
async function activationTime(page: import('playwright-core').Page, displayName: string): Promise<number> {
  const row = page.locator('.runtime-extensions-editor .monaco-list-row').filter({ hasText: displayName }).first();
  await row.waitFor({ timeout: 60_000 });
  const text = await row.locator('.activation-time').innerText();
  const ms = /([\d.]+)\s*ms/.exec(text);
  if (!ms) throw new Error(`no activation time for ${displayName} in "${text}"`);
  return Number(ms[1]);
}

async function runCommand(page: import('playwright-core').Page, title: string): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.fill(`>${title}`);
  await page.locator('.quick-input-list .monaco-list-row').filter({ hasText: title }).first().click();
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'istio-mesh-bench-activation-'));
  const ours = join(work, 'istio-mesh.vsix');
  const empty = join(work, 'empty.vsix');
  execFileSync(process.execPath, [join(root, 'scripts', 'package.mjs'), '--out', ours, '--no-typecheck'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  writeEmptyExtension(join(work, 'empty'));
  vsce(join(work, 'empty'), empty);

  const vscode = await ensureVSCode(values.vscode!);
  const profile = createProfile('istio-mesh-bench-');
  await installExtension(vscode, profile, ours);
  await installExtension(vscode, profile, empty);
  const cluster = await startTestCluster('run-bench-activation');
  const server = await startServer(vscode, profile, cluster.env);

  const samples = { oursActivate: [] as number[], emptyActivate: [] as number[], oursView: [] as number[], emptyView: [] as number[] };
  for (let round = 0; round < Number(values.rounds); round++) {
    const { page, close } = await launchBrowser();
    const url = new URL(server.origin);
    url.searchParams.set('folder', profile.workspace);
    await page.goto(url.href);
    await page.locator('.activitybar a.action-label[aria-label^="Istio Mesh"]').waitFor({ timeout: 120_000 });
    // Alternate the order so neither side always meets a warmer extension host.
    const order = round % 2 === 0 ? (['ours', 'empty'] as const) : (['empty', 'ours'] as const);
    for (const side of order) {
      if (side === 'ours') samples.oursView.push(await firstLevel(page, 'Istio Mesh'));
      else samples.emptyView.push(await firstLevel(page, 'Empty Baseline'));
    }
    await runCommand(page, 'Developer: Show Running Extensions');
    samples.oursActivate.push(await activationTime(page, 'Istio Mesh'));
    samples.emptyActivate.push(await activationTime(page, 'Empty Baseline'));
    await close();
  }

  const figures = {
    vscode: vscode.version,
    rounds: Number(values.rounds),
    activateMs: { ours: median(samples.oursActivate), empty: median(samples.emptyActivate) },
    firstLevelMs: { ours: median(samples.oursView), empty: median(samples.emptyView) },
    vsixBytes: { ours: statSync(ours).size, empty: statSync(empty).size },
    samples,
  };
  const kib = (n: number) => `${(n / 1024).toFixed(0)} KiB`;
  console.log(`activation on VS Code ${figures.vscode}, median of ${figures.rounds} rounds`);
  console.log(`  activate (VS Code's own figure)  ours ${figures.activateMs.ours} ms  empty ${figures.activateMs.empty} ms  ratio ${(figures.activateMs.ours / figures.activateMs.empty).toFixed(2)}x  target < ${TARGET_ACTIVATE_MS} ms: ${figures.activateMs.ours < TARGET_ACTIVATE_MS ? 'met' : 'MISSED'}`);
  console.log(`  click to first level of the view ours ${figures.firstLevelMs.ours.toFixed(0)} ms  empty ${figures.firstLevelMs.empty.toFixed(0)} ms  ratio ${(figures.firstLevelMs.ours / figures.firstLevelMs.empty).toFixed(2)}x`);
  console.log(`  .vsix size                       ours ${kib(figures.vsixBytes.ours)}  empty ${kib(figures.vsixBytes.empty)}  target < 3 MiB: ${figures.vsixBytes.ours < TARGET_VSIX_BYTES ? 'met' : 'MISSED'}`);
  if (values.json) writeFileSync(values.json, JSON.stringify(figures, null, 2));
}

main().then(
  () => cleanupAll().then(() => process.exit(0)),
  async (error: unknown) => {
    console.error(`activation bench failed: ${error instanceof Error ? error.stack : String(error)}`);
    await cleanupAll();
    process.exit(1);
  },
);
