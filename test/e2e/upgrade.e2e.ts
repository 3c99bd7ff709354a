// Revisions and the canary upgrade as a person sees them: two control plane revisions under "Control plane", each
// with the namespaces and pods on it; then `Istio: Upgrade (Canary)…` answered from the palette and the Upgrade view
// showing the flow while it runs; then Cancel Upgrade twice (stop the step, forget the flow). The testbed runs one
// Istio build, so the second revision ("canary") is a second local istiod, as in test/cluster/canaryUpgrade.test.ts.
// Everything added is removed again, leaving the cluster with its one revision.
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import type { Locator } from 'playwright-core';
import { createDeployment, createNamespace, deleteNamespaces } from './kubectl';
import { Workbench } from './workbench';

const CONTEXT = process.env.ISTIO_MESH_TESTBED_CONTEXT ?? 'istio-mesh-testbed';
const ISTIOCTL = process.env.ISTIO_MESH_TESTBED_ISTIOCTL ?? '';
const TESTBED_DIR = process.env.ISTIO_MESH_TESTBED_DIR ?? '';
const TESTBED = resolve(process.cwd(), 'testbed', 'testbed.mjs');
const OLD = 'rev-old';
const NEW = 'rev-canary';

function exec(file: string, args: string[], timeout = 5 * 60_000): Promise<string> {
  return new Promise((ok, fail) => execFile(file, args, { timeout }, (err, out, errOut) => (err ? fail(new Error(`${file} ${args.join(' ')}: ${errOut || err.message}`)) : ok(out))));
}
const istioctl = (...args: string[]) => exec(ISTIOCTL, [...args, `--kubeconfig=${process.env.KUBECONFIG}`, `--context=${CONTEXT}`]);

describe('Revisions and the canary upgrade in the views', function () {
  this.timeout(8 * 60_000);
  let workbench: Workbench;
  let started = '';

  before(async () => {
    assert.ok(ISTIOCTL && TESTBED_DIR, 'run with the testbed: npm run test:e2e');
    await exec(process.execPath, [TESTBED, 'istio', '--revision', 'canary', '--dir', TESTBED_DIR], 10 * 60_000);
    await createNamespace(OLD, { 'istio-injection': 'enabled' });
    await createDeployment(OLD, 'web', 2);
    await createNamespace(NEW, { 'istio.io/rev': 'canary' });
    await createDeployment(NEW, 'api', 3);
    // istio.istioctlPath is machine-overridable, so the workspace may point it at the testbed's build.
    workbench = await Workbench.open({ theme: 'dark', files: { '.vscode/settings.json': JSON.stringify({ 'istio.istioctlPath': ISTIOCTL }) } });
  });

  afterEach(async function () {
    await workbench?.screenshotOnFailure(this.currentTest);
  });

  after(async () => {
    await workbench?.close();
    await deleteNamespaces(OLD, NEW);
    for (const revision of [started, 'canary'].filter(Boolean)) await istioctl('uninstall', '-y', '--revision', revision).catch((err: unknown) => console.error(String(err)));
    await exec(process.execPath, [TESTBED, 'istiod', '--stop', '--revision', 'canary', '--dir', TESTBED_DIR]).catch((err: unknown) => console.error(String(err)));
  });

  const page = () => workbench.page;
  const quickInput = () => page().locator('.quick-input-widget');
  async function question(title: string): Promise<Locator> {
    await quickInput().locator('.quick-input-title').getByText(title, { exact: false }).waitFor({ timeout: 60_000 });
    return quickInput();
  }
  /** A side-bar row by its exact label whose text also contains `text`. */
  const rowWith = (label: string, text: string) => page().locator('.part.sidebar .monaco-list-row')
    .filter({ has: page().locator('.label-name').getByText(label, { exact: true }) }).filter({ hasText: text }).first();
  /** A row of the Upgrade view (its labels appear nowhere else in the side bar). */
  const upgradeRow = (label: string | RegExp) => (typeof label === 'string' ? workbench.treeRow(label)
    : page().locator('.part.sidebar .monaco-list-row').filter({ has: page().locator('.label-name').getByText(label) }).first());

  it('shows both revisions with the namespaces and pods that use each', async () => {
    await workbench.openView('Istio Mesh');
    await workbench.widenSideBar();
    await workbench.treeRow('Control plane').filter({ hasText: '2 revisions' }).waitFor({ timeout: 90_000 });
    await workbench.expand('Control plane');
    const canary = workbench.treeRow('istiod (canary)');
    // Counted from the pods' own injection status: the three pods of rev-canary ran through the canary istiod.
    await canary.filter({ hasText: '1 namespace · 3/3 pods (100 %)' }).waitFor({ timeout: 90_000 });
    assert.match(await workbench.treeDescription('istiod (canary)'), /^\S+ · 1\/1 · 1 namespace · 3\/3 pods \(100 %\)$/);
    assert.match(await workbench.treeDescription('istiod (default)'), / · \d+ namespaces? · \d+\/\d+ pods/);
    // A namespace shows twice (under its revision and under Namespaces): the revision's row is the one counting pods.
    await workbench.expand('istiod (canary)');
    const newRow = rowWith(NEW, 'pods');
    await newRow.waitFor({ timeout: 30_000 });
    assert.equal(await newRow.locator('.label-description').innerText(), '3/3 pods');
    await workbench.expand('istiod (default)');
    await rowWith(OLD, '2/2 pods').waitFor({ timeout: 60_000 });
    await workbench.parkMouse();
    await workbench.screenshot('revisions-tree');
  });

  it('answers Istio: Upgrade (Canary)… and shows the flow step by step in the Upgrade view while it runs', async () => {
    // The palette by hand: the command's own questions follow in the same quick input at once.
    await page().keyboard.press('F1');
    await quickInput().locator('input').fill('>Istio: Upgrade (Canary)…');
    await workbench.quickPickRow('Istio: Upgrade (Canary)…').click();
    await question('Upgrade which revision?');
    await workbench.quickPickRow('default').click();
    const name = await question('New revision for Istio');
    started = await name.locator('input').inputValue();
    assert.ok(started !== '' && started !== 'default' && started !== 'canary', `a free revision name is suggested, got "${started}"`);
    await page().keyboard.press('Enter');
    await question(`How do namespaces move to ${started}?`);
    await workbench.quickPickRow('Relabel namespaces…').click();
    await question(`Namespaces to move to ${started}`);
    await page().keyboard.press('Enter');
    const box = page().locator('.monaco-dialog-box');
    await box.waitFor({ timeout: 60_000 });
    assert.equal(await box.locator('.dialog-message-text').innerText(), `Upgrade Istio in Kubernetes context "${CONTEXT}"?`);
    assert.match(await box.locator('.dialog-message-detail').innerText(), new RegExp(`istioctl install --revision ${started}`));
    await box.locator('.dialog-buttons .monaco-button').getByText('Start Upgrade', { exact: true }).click();

    // The testbed's istioctl install and the kwok-ready istiod take seconds: the view shows the first steps done
    // while the flow goes on (the restart then waits on the new revision's webhook, which the testbed does not serve).
    const pass = (label: string | RegExp) => upgradeRow(label).locator('.codicon-pass');
    await pass('Wait until ready').waitFor({ timeout: 3 * 60_000 });
    await upgradeRow(/^Upgrade default → /).filter({ hasText: 'running' }).waitFor();
    for (const step of ['Precheck', 'Install the new revision']) assert.equal(await pass(step).count(), 1, step);
    assert.match(await upgradeRow('Install the new revision').locator('.label-description').innerText(), new RegExp(`revision ${started} installed in context`));
    assert.equal(await upgradeRow('Uninstall the old revision').locator('.codicon-circle-large-outline').count(), 1);
    assert.equal(await upgradeRow(new RegExp(`^Relabel .*\\b${OLD}\\b.* → istio\\.io/rev=${started}$`)).count(), 1);
    await workbench.parkMouse();
    await workbench.screenshot('upgrade-view');
  });

  it('stops the running step with Cancel Upgrade, then forgets the flow', async () => {
    await workbench.runCommand('Istio: Cancel Upgrade');
    await upgradeRow(/^Upgrade /).filter({ hasText: 'in progress' }).waitFor({ timeout: 120_000 });
    await workbench.runCommand('Istio: Cancel Upgrade');
    // Namespaces already relabelled make it ask first (they stay where they are).
    const welcome = page().locator('.welcome-view-content').getByText('No canary upgrade in progress', { exact: false });
    const box = page().locator('.monaco-dialog-box');
    await box.or(welcome).first().waitFor({ timeout: 60_000 });
    if (await box.isVisible()) {
      assert.equal(await box.locator('.dialog-message-text').innerText(), `Forget the upgrade in Kubernetes context "${CONTEXT}"?`);
      await box.locator('.dialog-buttons .monaco-button').getByText('Forget Upgrade', { exact: true }).click();
    }
    await welcome.waitFor({ timeout: 60_000 });
    assert.equal(await upgradeRow(/^Upgrade /).count(), 0);
  });
});
