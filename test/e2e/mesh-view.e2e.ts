// The Istio Mesh view against the testbed with Istio, as a person reads it: the control plane with
// istiod and its version, a namespace in the mesh and one outside it, a workload that still runs
// without its sidecar ("needs restart"); the walkthrough steps that state completes; the same view in
// the light and high-contrast themes.
import * as assert from 'node:assert/strict';
import { createDeployment, createNamespace, deleteNamespaces, labelNamespace } from './kubectl';
import { Workbench } from './workbench';

const INJECTED = 'shop';
const PLAIN = 'legacy';

describe('Istio Mesh view on the testbed', function () {
  this.timeout(5 * 60_000);
  let workbench: Workbench;

  before(async () => {
    // "orders" starts before the namespace joins the mesh, so its pod has no sidecar: it needs a restart.
    await createNamespace(INJECTED);
    await createDeployment(INJECTED, 'orders');
    await labelNamespace(INJECTED, { 'istio-injection': 'enabled' });
    await createDeployment(INJECTED, 'web', 2);
    await createNamespace(PLAIN);
    await createDeployment(PLAIN, 'batch');
    workbench = await Workbench.open({ theme: 'dark' });
  });

  afterEach(async function () {
    await workbench?.screenshotOnFailure(this.currentTest);
  });

  after(async () => {
    await workbench?.close();
    await deleteNamespaces(INJECTED, PLAIN);
  });

  it('completes the walkthrough steps as the view connects to the cluster', async () => {
    // Opened before the view connects: VS Code completes an onContext step only when its key changes
    // after the walkthrough was registered, which it does lazily when startupEditor is "none".
    const page = workbench.page;
    await page.keyboard.press('F1');
    await page.locator('.quick-input-widget input').fill('>Welcome: Open Walkthrough...');
    await workbench.quickPickRow('Welcome: Open Walkthrough...').click();
    await workbench.quickPickRow('Get started with Istio Mesh').click();
    const step = (id: string, checked: boolean) => page.locator(`button.getting-started-step[data-step-id$="#${id}"][aria-checked="${checked}"]`);
    await step('connect', false).waitFor({ timeout: 30_000 });
    await workbench.openView('Istio Mesh');
    await workbench.widenSideBar();
    // Completed by the context keys the mesh session sets: connected, istiod ready, a namespace injected.
    for (const id of ['connect', 'install', 'inject']) await step(id, true).waitFor({ timeout: 90_000 });
    assert.equal(await step('restart', false).count(), 1);
    await workbench.treeRow('Namespaces').waitFor({ timeout: 60_000 });
    await workbench.parkMouse();
    await workbench.screenshot('walkthrough');
    await workbench.runCommand('View: Close All Editors');
  });

  it('shows the control plane with istiod, its version and readiness', async () => {
    await workbench.treeRow('Control plane').waitFor({ timeout: 90_000 });
    assert.match(await workbench.treeDescription('Control plane'), /^Istio \S+/);
    await workbench.expand('Control plane');
    const istiod = await workbench.treeDescription('istiod (default)');
    // "<version> · 1/1[ · tags …]": the version from istiod's image, then ready/desired replicas.
    assert.match(istiod, /^\d+\.\d+\S* · 1\/1( · |$)/);
  });

  it('tells the namespace in the mesh from the one outside it', async () => {
    // The view follows the watches: wait for the state, not for time.
    await workbench.treeRow(INJECTED).filter({ hasText: '1 needs restart' }).waitFor({ timeout: 60_000 });
    assert.equal(await workbench.treeDescription(INJECTED), 'injected · 1 needs restart');
    assert.equal(await workbench.treeDescription(PLAIN), 'not injected');
    assert.equal(await workbench.treeDescription('kube-system'), 'system');
  });

  it('shows which workload runs with its sidecar and which needs a restart', async () => {
    await workbench.expand(INJECTED);
    await workbench.treeRow('orders').filter({ hasText: 'needs restart' }).waitFor({ timeout: 30_000 });
    assert.equal(await workbench.treeDescription('orders'), '1/1 · needs restart');
    assert.equal(await workbench.treeDescription('web'), '2/2 · sidecar');
    await workbench.parkMouse();
    await workbench.screenshot('mesh-view');
  });

  it("explains in the workload's tooltip why it needs a restart", async () => {
    const page = workbench.page;
    await workbench.treeRow('orders').hover();
    const tooltip = page.locator('.monaco-hover').filter({ hasText: /Needs restart/ }).first();
    await tooltip.waitFor({ timeout: 30_000 });
    assert.match(await tooltip.innerText(), /will get a sidecar/);
    await workbench.screenshot('mesh-view-tooltip');
    await workbench.parkMouse();
    await tooltip.waitFor({ state: 'detached' });
  });

  it('keeps the states apart in the light and high-contrast themes', async () => {
    await workbench.setColorTheme('light');
    await workbench.screenshot('mesh-view-light');
    await workbench.setColorTheme('high-contrast');
    await workbench.screenshot('mesh-view-high-contrast');
    await workbench.setColorTheme('dark');
  });
});
