import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { Services } from '../../src/services';
import { newUpgrade, withStep } from '../../src/upgrade/state';
import { UpgradeStates } from '../../src/upgrade/store';

const EXTENSION_ID = 'istio-mesh.istio-mesh';

describe('canary upgrade (VS Code glue)', () => {
  let services: Services;
  const context = `upgrade-it-${Date.now().toString(36)}`;

  before(async () => {
    const extension = vscode.extensions.getExtension<Services>(EXTENSION_ID);
    assert.ok(extension);
    services = await extension.activate();
  });

  after(() => services.upgrades.clear(context));

  it('keeps a flow in globalState, where a new store (as after a reload) finds it with its interrupted step pending', async () => {
    const state = newUpgrade({ context, from: { revision: 'default', version: '1.30.1' }, to: { revision: '1-31', version: '1.31.0' }, move: { kind: 'tag', tag: 'prod', namespaces: ['shop'] } });
    await services.upgrades.set(withStep(withStep(state, 'precheck', { status: 'done', message: 'no findings' }), 'install', { status: 'running' }));
    const reloaded = new UpgradeStates(services.context.globalState).get(context);
    assert.equal(reloaded?.steps.precheck.status, 'done');
    assert.equal(reloaded?.steps.install.status, 'pending');
    assert.equal(reloaded?.context, context);
  });

  it('shows the Upgrade view in the Istio container', async () => {
    await vscode.commands.executeCommand('istio.upgrade.focus');
  });

  it('Cancel Upgrade without a connected context changes nothing', async () => {
    const result = await vscode.commands.executeCommand<{ status: string; message?: string }>('istio.upgradeCanary.cancel');
    assert.equal(result.status, 'cancelled');
    assert.ok(services.upgrades.get(context), 'the stored flow is still there');
  });
});
