// `Istio: Install…` from the command palette, as a person does it: answer the quick picks, read
// the confirmation that names the context, watch the new control-plane revision appear in the mesh
// view, then remove it with `Istio: Uninstall…`. The testbed already runs Istio (revision default);
// this spec adds revision "e2e" beside it and removes it again, leaving the cluster as it was.
import * as assert from 'node:assert/strict';
import type { Locator } from 'playwright-core';
import { Workbench } from './workbench';

const CONTEXT = process.env.ISTIO_MESH_TESTBED_CONTEXT ?? 'istio-mesh-testbed';
const ISTIOCTL = process.env.ISTIO_MESH_TESTBED_ISTIOCTL ?? '';
const SETS = (process.env.ISTIO_MESH_TESTBED_ISTIO_SETS ?? '').split(' ').filter(Boolean);

describe('Istio: Install… and Uninstall… from the palette', function () {
  this.timeout(6 * 60_000);
  let workbench: Workbench;

  before(async () => {
    assert.ok(ISTIOCTL, 'run with the testbed: npm run test:e2e');
    // istio.istioctlPath is machine-overridable, so the workspace may point it at the testbed's build.
    workbench = await Workbench.open({ files: { '.vscode/settings.json': JSON.stringify({ 'istio.istioctlPath': ISTIOCTL }) } });
  });

  afterEach(async function () {
    await workbench?.screenshotOnFailure(this.currentTest);
  });

  after(async () => {
    await workbench?.close();
  });

  const page = () => workbench.page;
  const quickInput = () => page().locator('.quick-input-widget');

  /** Waits for the quick input whose title contains `title`. */
  async function question(title: string): Promise<Locator> {
    const widget = quickInput();
    await widget.locator('.quick-input-title').getByText(title, { exact: false }).waitFor({ timeout: 60_000 });
    return widget;
  }

  async function palette(command: string): Promise<void> {
    await page().keyboard.press('F1');
    const input = quickInput().locator('input');
    await input.waitFor();
    await input.fill(`>${command}`);
    await workbench.quickPickRow(command).click();
  }

  function dialog(): Locator {
    return page().locator('.monaco-dialog-box');
  }

  /** The tiers' server runs with the smoke-test driver, which shows no toasts: read the notification center. */
  async function notification(text: RegExp, timeout: number): Promise<void> {
    await workbench.showNotifications();
    await workbench.notification(text).waitFor({ timeout });
  }

  it('installs a second revision with the picks answered and shows the context in the confirmation', async () => {
    await workbench.openView('Istio Mesh');
    await palette('Istio: Install…');

    await question('profile');
    await workbench.screenshot('install-profile-pick');
    await workbench.quickPickRow('minimal').click();

    const revision = await question('revision');
    await revision.locator('input').fill('e2e');
    await page().keyboard.press('Enter');

    await question('mutual TLS');
    await workbench.quickPickRow('Permissive').click();

    await question('addons');
    await page().keyboard.press('Enter');

    const values = await question('extra values');
    await values.locator('input').fill(SETS.join(' '));
    await page().keyboard.press('Enter');

    const box = dialog();
    await box.waitFor({ timeout: 120_000 });
    const message = await box.locator('.dialog-message-text').innerText();
    assert.equal(message, `Add an Istio revision to Kubernetes context "${CONTEXT}"?`);
    assert.match(await box.locator('.dialog-message-detail').innerText(), /istioctl install -y --set profile=minimal --revision e2e/);
    await workbench.screenshot('install-confirmation');
    await box.locator('.dialog-buttons .monaco-button').getByText('Add Revision', { exact: true }).click();

    await notification(/is ready in context/, 4 * 60_000);
    await workbench.screenshot('install-done');
  });

  it('shows the new revision in the mesh view', async () => {
    await workbench.openView('Istio Mesh');
    const controlPlane = workbench.treeItem('Control plane');
    // The view follows through its watches: the row's description counts the revisions.
    await controlPlane.filter({ hasText: '2 revisions' }).waitFor({ timeout: 60_000 });
    await controlPlane.click();
    await workbench.treeItem('istiod (e2e)').waitFor({ timeout: 30_000 });
    await workbench.screenshot('install-mesh-view');
  });

  it('removes the revision with Istio: Uninstall…, after a confirmation naming the context', async () => {
    await palette('Istio: Uninstall…');
    await question('Uninstall Istio from context');
    await workbench.quickPickRow('Revision e2e').click();
    const box = dialog();
    await box.waitFor({ timeout: 60_000 });
    assert.equal(await box.locator('.dialog-message-text').innerText(), `Remove Istio revision "e2e" from Kubernetes context "${CONTEXT}"?`);
    await workbench.screenshot('uninstall-confirmation');
    await box.locator('.dialog-buttons .monaco-button').getByText('Uninstall', { exact: true }).click();
    await notification(/Removed Istio revision "e2e"/, 3 * 60_000);
    await workbench.treeItem('istiod (e2e)').waitFor({ state: 'detached', timeout: 60_000 });
    await workbench.screenshot('uninstall-done');
  });
});
