// Right-click a namespace in the Istio Mesh view → "Enable Sidecar Injection…" → the default injector
// → accept the restart offer → each workload's pods come back 2/2 with istio-proxy, in the tree.
// Against the testbed with Istio: its istiod answers the injection webhook for real.
import * as assert from 'node:assert/strict';
import { createDeployment, createNamespace, deleteNamespaces } from './kubectl';
import { Workbench } from './workbench';

const NS = 'payments';
const CONTEXT = process.env.ISTIO_MESH_TESTBED_CONTEXT ?? 'istio-mesh-testbed';

describe('Enable Sidecar Injection from the tree, then restart', function () {
  this.timeout(5 * 60_000);
  let workbench: Workbench;

  before(async () => {
    await createNamespace(NS);
    await createDeployment(NS, 'checkout', 2);
    await createDeployment(NS, 'ledger');
    workbench = await Workbench.open({ theme: 'dark' });
  });

  afterEach(async function () {
    await workbench?.screenshotOnFailure(this.currentTest);
  });

  after(async () => {
    await workbench?.close();
    await deleteNamespaces(NS);
  });

  /** The pod rows of a workload whose description starts with `ready` (e.g. "2/2"). */
  const podRows = (workload: string, ready: string) => workbench.page
    .locator('.part.sidebar .monaco-list-row')
    .filter({ has: workbench.page.locator('.label-name').getByText(new RegExp(`^${workload}-`)) })
    .filter({ has: workbench.page.locator('.label-description').getByText(new RegExp(`^${ready}( |$)`)) });

  it('offers "Enable Sidecar Injection…" on a namespace outside the mesh', async () => {
    await workbench.openView('Istio Mesh');
    await workbench.widenSideBar();
    await workbench.treeRow(NS).filter({ hasText: 'not injected' }).waitFor({ timeout: 90_000 });
    await workbench.expand(NS);
    assert.equal(await workbench.treeDescription('checkout'), '2/2 · no sidecar');
    const menu = await workbench.openContextMenu(NS);
    const enable = menu.locator('.action-item').getByText('Enable Sidecar Injection…', { exact: true });
    await enable.waitFor();
    await enable.hover();
    await workbench.screenshot('inject-menu');
    await enable.click();
  });

  it('labels the namespace with the default injector and offers to restart what has no sidecar', async () => {
    const title = workbench.page.locator('.quick-input-widget .quick-input-title');
    await title.getByText(`Enable injection in namespace "${NS}" (context "${CONTEXT}")`, { exact: true }).waitFor({ timeout: 60_000 });
    await workbench.quickPickRow('Default revision').click();
    await workbench.showNotifications();
    const offer = workbench.notification(/2 workloads run pods that do not match yet/);
    await offer.waitFor({ timeout: 60_000 });
    assert.match(await offer.innerText(), new RegExp(`Namespace "${NS}" now has`));
    // The tree already says so: injected, with the three pods of both workloads waiting for a restart.
    await workbench.treeRow(NS).filter({ hasText: '3 need restart' }).waitFor({ timeout: 30_000 });
    await workbench.parkMouse();
    await workbench.screenshot('inject-restart');
    await offer.locator('.monaco-button').getByText('Restart 2 Workloads', { exact: true }).click();
  });

  it('restarts both workloads and shows their new pods 2/2 with istio-proxy', async () => {
    // The rows follow the rollout ("restarting" → "2/2 injected"), then the live pods.
    await workbench.treeRow('checkout').filter({ hasText: '2× 2/2 injected' }).waitFor({ timeout: 120_000 });
    await workbench.treeRow('ledger').filter({ hasText: '2/2 injected' }).waitFor({ timeout: 120_000 });
    await workbench.showNotifications();
    await workbench.notification(new RegExp(`2/2 workloads ready in namespace ${NS}`)).waitFor({ timeout: 60_000 });
    await workbench.treeRow(NS).locator('.label-description').getByText('injected', { exact: true }).waitFor({ timeout: 60_000 });
    await workbench.expand('checkout');
    await workbench.expand('ledger');
    await podRows('checkout', '2/2').nth(1).waitFor({ timeout: 60_000 });
    await podRows('ledger', '2/2').first().waitFor({ timeout: 60_000 });
    // A pod's tooltip names its sidecar.
    await podRows('ledger', '2/2').first().hover();
    await workbench.page.locator('.monaco-hover, .workbench-hover').getByText(/Sidecar istio-proxy/).first().waitFor({ timeout: 30_000 });
    await workbench.screenshot('inject-done');
  });
});
