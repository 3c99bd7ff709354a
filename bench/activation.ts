// Activation cost and package size (issue 7, item 5), measured in a real VS Code (the server of
// code-server, driven by headless chromium) beside an empty extension in the same run:
//   - `activate`: the time VS Code itself records for each extension (code loading + the activate call),
//     read from "Developer: Show Running Extensions" in a new window (a new extension host) each round;
//   - first level: from the click on the activity-bar icon until the view shows its first rows;
//   - `.vsix` size.
// The empty extension has a view with one static item, so both sides do the same work in the workbench.
//
//   npm run bench -- activation -- [--rounds 3] [--vscode 1.139.1] [--json FILE]
//
// Our view needs a cluster to show a first level: the run starts the testbed with Istio.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Page } from 'playwright-core';
import { launchBrowser } from '../test/harness/browser.mjs';
import { startTestCluster } from '../test/harness/cluster.mjs';
import { cleanupAll } from '../test/harness/processes.mjs';
import { NEWEST, ensureVSCode } from '../test/harness/setup.mjs';
import { createProfile, installExtension, startServer } from '../test/harness/vscode-server.mjs';
import { BASELINE, WARM_UP, packEmptyExtension } from './emptyExtension';
import { recordResult } from './results.mjs';
import { firstLevel } from './workbench';

const TARGET_ACTIVATE_MS = 50;
const TARGET_VSIX_BYTES = 3 * 1024 * 1024;
const root = resolve(__dirname, '..');

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '3' }, vscode: { type: 'string', default: NEWEST }, json: { type: 'string' } } });

/**
 * Every row of "Developer: Show Running Extensions" as name → its activation text ("Activation: 12ms",
 * "Startup Activation: 12ms", or "Activating..." until activate returns). The editor lists only the activated
 * extensions, slowest first, in a virtual list that renders the rows in view: a near-empty extension sits below
 * the fold, so the list is paged through with the keyboard until its last row.
 */
async function runningExtensions(page: Page): Promise<Map<string, string>> {
  const rows = page.locator('.runtime-extensions-editor .monaco-list-row');
  await rows.first().waitFor({ timeout: 60_000 });
  await rows.first().click(); // focuses the list, so PageDown moves through it
  const texts = new Map<string, string>();
  for (;;) {
    const visible = await rows.evaluateAll((elements) => elements.map((row) => ({
      index: Number(row.getAttribute('data-index')),
      size: Number(row.getAttribute('aria-setsize')),
      focused: row.classList.contains('focused'),
      name: row.querySelector('.name')?.textContent ?? '',
      time: row.querySelector('.activation-time')?.textContent ?? '',
    })));
    for (const row of visible) texts.set(row.name, row.time);
    const focused = visible.find((row) => row.focused);
    if (!focused || focused.index >= focused.size - 1) return texts;
    await page.keyboard.press('PageDown');
    await page.locator(`.runtime-extensions-editor .monaco-list-row.focused:not([data-index="${focused.index}"])`).waitFor();
  }
}

/** The activation time of one extension in `rows`, found by its display name or, without one, its identifier. */
function activationTime(rows: Map<string, string>, displayName: string, id: string): number {
  const text = rows.get(displayName) ?? rows.get(id);
  if (text === undefined) throw new Error(`Running Extensions has no row for ${displayName} (${id}); rows: ${[...rows.keys()].join(', ')}`);
  const ms = /:\s*([\d.]+)\s*ms/.exec(text);
  if (!ms) throw new Error(`Running Extensions shows no activation time for ${displayName}: "${text}"`);
  return Number(ms[1]);
}

/** Saves a screenshot and the HTML of the page next to the run's files, to see what a failed wait met. */
async function saveEvidence(page: Page, dir: string, name: string): Promise<string> {
  await page.screenshot({ path: join(dir, `${name}.png`) });
  writeFileSync(join(dir, `${name}.html`), await page.content());
  return join(dir, `${name}.png`);
}

async function runCommand(page: Page, title: string): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.fill(`>${title}`);
  await page.locator('.quick-input-list .monaco-list-row').filter({ hasText: title }).first().click();
}

interface Stats { median: number; min: number; max: number }
function stats(xs: number[]): Stats {
  const sorted = [...xs].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)], min: sorted[0], max: sorted[sorted.length - 1] };
}

/** The number of files in a zip (the .vsix), from its end-of-central-directory record. */
function zipEntries(file: string): number {
  const zip = readFileSync(file);
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (end < 0) throw new Error(`${file} is not a zip file`);
  return zip.readUInt16LE(end + 10);
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'istio-mesh-bench-activation-'));
  const ours = join(work, 'istio-mesh.vsix');
  const empty = join(work, 'empty.vsix');
  execFileSync(process.execPath, [join(root, 'scripts', 'package.mjs'), '--out', ours, '--no-typecheck'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  const warmUp = join(work, 'warm-up.vsix');
  packEmptyExtension(join(work, 'empty'), empty, BASELINE);
  packEmptyExtension(join(work, 'warm-up'), warmUp, WARM_UP);

  const vscode = await ensureVSCode(values.vscode!);
  const profile = createProfile('istio-mesh-bench-');
  await installExtension(vscode, profile, ours);
  await installExtension(vscode, profile, empty);
  await installExtension(vscode, profile, warmUp);
  const cluster = await startTestCluster('run-bench-activation');
  const server = await startServer(vscode, profile, cluster.env);

  const samples = { oursActivate: [] as number[], emptyActivate: [] as number[], oursView: [] as number[], emptyView: [] as number[] };
  for (let round = 0; round < Number(values.rounds); round++) {
    // A new window is a new extension host: every round activates both extensions afresh.
    const { page, close } = await launchBrowser();
    const url = new URL(server.origin);
    url.searchParams.set('folder', profile.workspace);
    try {
      await page.goto(url.href);
      await page.locator('.activitybar a.action-label[aria-label^="Istio Mesh"]').waitFor({ timeout: 120_000 });
      await firstLevel(page, WARM_UP.displayName, WARM_UP.container, 'one item');
      // Alternate the order so neither side always meets a warmer extension host.
      const order = round % 2 === 0 ? (['ours', 'empty'] as const) : (['empty', 'ours'] as const);
      for (const side of order) {
        if (side === 'ours') samples.oursView.push(await firstLevel(page, 'Istio Mesh', 'istio', 'Control plane'));
        else samples.emptyView.push(await firstLevel(page, BASELINE.displayName, BASELINE.container, 'one item'));
      }
      await runCommand(page, 'Developer: Show Running Extensions');
      const rows = await runningExtensions(page);
      samples.oursActivate.push(activationTime(rows, 'Istio Mesh', 'istio-mesh.istio-mesh'));
      samples.emptyActivate.push(activationTime(rows, BASELINE.displayName, `bench.${BASELINE.name}`));
      const last = (xs: number[]) => xs[xs.length - 1].toFixed(0);
      const warmUpMs = activationTime(rows, WARM_UP.displayName, `bench.${WARM_UP.name}`);
      console.log(`  round ${round + 1}: activate ours ${last(samples.oursActivate)} ms, empty ${last(samples.emptyActivate)} ms (warm-up ${warmUpMs} ms); first level ours ${last(samples.oursView)} ms, empty ${last(samples.emptyView)} ms`);
    } catch (error) {
      const shot = await saveEvidence(page, work, `round-${round + 1}-failure`).catch(() => 'none');
      throw new Error(`round ${round + 1}: ${error instanceof Error ? error.message : String(error)} (screenshot: ${shot})`);
    } finally {
      await close();
    }
  }

  const figures = {
    vscode: vscode.version,
    rounds: Number(values.rounds),
    activateMs: { ours: stats(samples.oursActivate), empty: stats(samples.emptyActivate) },
    firstLevelMs: { ours: stats(samples.oursView), empty: stats(samples.emptyView) },
    vsix: { ours: { bytes: statSync(ours).size, entries: zipEntries(ours) }, empty: { bytes: statSync(empty).size, entries: zipEntries(empty) } },
    samples,
  };
  const kib = (n: number) => `${(n / 1024).toFixed(0)} KiB`;
  const range = ({ median, min, max }: Stats) => `${median.toFixed(0)} ms (${min.toFixed(0)}–${max.toFixed(0)})`;
  const { activateMs, firstLevelMs, vsix } = figures;
  console.log(`activation on VS Code ${figures.vscode}, ${figures.rounds} rounds: median (min–max)`);
  console.log(`  activate (VS Code's own figure)  ours ${range(activateMs.ours)}  empty ${range(activateMs.empty)}  target < ${TARGET_ACTIVATE_MS} ms: ${activateMs.ours.median < TARGET_ACTIVATE_MS ? 'met' : 'MISSED'}`);
  console.log(`  click to first level of the view ours ${range(firstLevelMs.ours)}  empty ${range(firstLevelMs.empty)}  ratio ${(firstLevelMs.ours.median / firstLevelMs.empty.median).toFixed(2)}x`);
  console.log(`  .vsix                            ours ${kib(vsix.ours.bytes)}, ${vsix.ours.entries} entries  empty ${kib(vsix.empty.bytes)}, ${vsix.empty.entries} entries  target < 3 MiB: ${vsix.ours.bytes < TARGET_VSIX_BYTES ? 'met' : 'MISSED'}`);
  if (values.json) writeFileSync(values.json, JSON.stringify(figures, null, 2));
  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  console.log(`recorded for the README: ${recordResult('activation', [
    { what: "Activation (VS Code's own figure)", ours: `median ${range(activateMs.ours)} in ${figures.rounds} rounds`, baseline: `an empty extension: median ${range(activateMs.empty)}` },
    { what: '`.vsix` size', ours: `${(vsix.ours.bytes / 1048576).toFixed(1)} MB, ${vsix.ours.entries} files`, baseline: '—' },
    { what: 'Click on the activity-bar icon to the first level of the view (local cluster)', ours: `median ${s(firstLevelMs.ours.median)} (${s(firstLevelMs.ours.min)}–${s(firstLevelMs.ours.max)})`, baseline: `an empty extension's static tree: ${s(firstLevelMs.empty.median)} (ours ${(firstLevelMs.ours.median / firstLevelMs.empty.median).toFixed(1)}x)` },
  ], figures)}`);
}

main().then(
  () => cleanupAll().then(() => process.exit(0)),
  async (error: unknown) => {
    console.error(`activation bench failed: ${error instanceof Error ? error.stack : String(error)}`);
    await cleanupAll();
    process.exit(1);
  },
);
