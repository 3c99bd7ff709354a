import * as assert from 'node:assert/strict';
import { Workbench } from './workbench';

describe('Istio view and logs', () => {
  let workbench: Workbench;

  before(async () => {
    workbench = await Workbench.open({ theme: 'dark' });
  });

  afterEach(async function () {
    await workbench?.screenshotOnFailure(this.currentTest);
  });

  after(async () => {
    await workbench?.close();
  });

  it('opens the Istio Mesh view from the activity bar', async () => {
    const sidebar = await workbench.openView('Istio Mesh');
    assert.match(await sidebar.locator('.composite.title').innerText(), /istio mesh/i);
    // The picture shows the mesh, not the "Connecting…" message shown while the first lists run.
    await workbench.treeRow('Control plane').waitFor({ timeout: 90_000 });
    await workbench.treeRow('Namespaces').waitFor();
    await workbench.parkMouse();
    await workbench.screenshot('istio-view');
  });

  it('shows the "Istio Mesh" output channel with "Istio: Show Logs"', async () => {
    await workbench.runCommand('Istio: Show Logs');
    const output = await workbench.outputChannel('Istio Mesh');
    await output.getByText(/Istio.Mesh.*activated/).waitFor();
    await workbench.screenshot('show-logs');
  });
});
