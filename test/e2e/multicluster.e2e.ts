// The Mesh view across the two clusters of the mesh testbed (`run-e2e.mjs --clusters 2`), as a person reads it: a row
// per cluster with its cluster name, mesh ID, network and istiod, a namespace injected in one cluster only marked in
// the view, and the mesh check's finding in the Problems panel with what to do.
import * as assert from 'node:assert/strict';
import { kubectlIn } from './kubectl';
import { Workbench } from './workbench';

const [ONE, TWO] = (process.env.ISTIO_MESH_TESTBED_CONTEXTS ?? '').split(' ');
const NS = 'shop';

describe('Istio Mesh view across two clusters', function () {
  this.timeout(5 * 60_000);
  let workbench: Workbench;

  before(async () => {
    assert.ok(ONE && TWO, 'ISTIO_MESH_TESTBED_CONTEXTS names the two contexts: run the tier with --clusters 2');
    await kubectlIn(ONE, 'create', 'namespace', NS);
    await kubectlIn(ONE, 'label', 'namespace', NS, 'istio-injection=enabled');
    await kubectlIn(TWO, 'create', 'namespace', NS);
    workbench = await Workbench.open({ theme: 'dark', settings: { 'istio.mesh.contexts': [ONE, TWO] } });
  });

  afterEach(async function () {
    await workbench?.screenshotOnFailure(this.currentTest);
  });

  after(async () => {
    await workbench?.close();
    for (const context of [ONE, TWO]) if (context) await kubectlIn(context, 'delete', 'namespace', '--ignore-not-found', '--wait=false', NS);
  });

  it('shows each cluster with its name, mesh, network and istiod, and marks the namespace that differs', async () => {
    await workbench.openView('Istio Mesh');
    // Room for both clusters' rows and their descriptions: a wide side bar, the Upgrade view folded away.
    await workbench.widenSideBar(700);
    const upgrade = workbench.page.locator('.part.sidebar .pane-header').filter({ hasText: 'Upgrade' });
    if ((await upgrade.getAttribute('aria-expanded')) === 'true') await upgrade.click();
    await workbench.page.locator('.part.sidebar .pane-header[aria-expanded="false"]').filter({ hasText: 'Upgrade' }).waitFor();
    await workbench.treeRow(ONE).filter({ hasText: 'cluster1 · mesh mesh1 · network network1 · istiod default' }).waitFor({ timeout: 120_000 });
    // The finding names the cluster to change: the one where the namespace is not in the mesh.
    await workbench.treeRow(TWO).filter({ hasText: '1 warning' }).waitFor({ timeout: 120_000 });
    assert.equal(await workbench.treeDescription(TWO), 'cluster2 · mesh mesh1 · network network1 · istiod default · 1 warning');
    await workbench.treeRow(NS).filter({ hasText: 'differs between clusters' }).waitFor({ timeout: 60_000 });
    assert.match(await workbench.treeDescription(NS), /^injected · differs between clusters$/);
    await workbench.parkMouse();
    await workbench.screenshot('mesh-view-clusters');
  });

  it('lists the finding in Problems, with what to do in the cluster it names', async () => {
    const rows = await workbench.problems(`not injected in ${TWO}`);
    const finding = rows.find((r) => r.includes(`not injected in ${TWO}`));
    assert.ok(finding, rows.join('\n---\n'));
    assert.match(finding, new RegExp(`What to do: .*kubectl label namespace ${NS} istio-injection=enabled --context=${TWO}`));
    await workbench.parkMouse();
    await workbench.screenshot('mesh-checks-problems');
  });
});
