import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { Services } from '../../src/services';

const EXTENSION_ID = 'istio-mesh.istio-mesh';

interface Manifest {
  contributes: { commands: { command: string }[] };
}

describe('activation', () => {
  let extension: vscode.Extension<Services>;
  let services: Services;

  before(async () => {
    const found = vscode.extensions.getExtension<Services>(EXTENSION_ID);
    assert.ok(found, `extension ${EXTENSION_ID} is not loaded`);
    extension = found;
    services = await extension.activate();
  });

  it('activates and returns its services', () => {
    assert.equal(extension.isActive, true);
    assert.equal(typeof services.log.info, 'function');
    assert.equal(services.output.name, 'Istio Mesh');
    assert.equal(services.context.extension.id, EXTENSION_ID);
  });

  it('without the companion extensions, does the schema work itself and reads no other tree', () => {
    assert.equal(vscode.extensions.getExtension('redhat.vscode-yaml'), undefined, 'this run is the one without companions');
    assert.equal(vscode.extensions.getExtension('ms-kubernetes-tools.vscode-kubernetes-tools'), undefined);
    assert.equal(services.yaml.schemaDiagnostics, true);
    assert.equal(services.namespaceTargets.resolve({ nodeType: 'resource', name: 'shop' }), undefined, 'no Cluster Explorer resolver was added');
  });

  it('registers every command declared in package.json', async () => {
    const declared = (extension.packageJSON as Manifest).contributes.commands.map((c) => c.command);
    assert.ok(declared.length > 0, 'package.json declares no commands');
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = declared.filter((id) => !registered.has(id));
    assert.deepEqual(missing, [], `declared but not registered: ${missing.join(', ')}`);
  });

  it('lists the cluster with its own kubeconfig reader: client-node stays unloaded for a certificate or token user', async () => {
    await services.mesh.whenSynced();
    assert.ok(services.mesh.store?.namespaces.length, 'the session listed the testbed');
    const loaded = Object.keys(require.cache).filter((path) => path.endsWith('kubernetes-client.js'));
    assert.deepEqual(loaded, [], 'dist/kubernetes-client.js was loaded');
  });

  it('runs istio.showLogs', async () => {
    await vscode.commands.executeCommand('istio.showLogs');
  });
});
