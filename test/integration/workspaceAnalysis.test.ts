import * as assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { Services } from '../../src/services';
import { diagnosticsWhere } from './diagnostics';

const EXTENSION_ID = 'istio-mesh.istio-mesh';

const VIRTUAL_SERVICE = ['apiVersion: networking.istio.io/v1', 'kind: VirtualService', 'metadata:', '  name: web', 'spec:', '  hosts: [web]', '  gateways: [web-gw]', ''].join('\n');
const GATEWAY = ['apiVersion: networking.istio.io/v1', 'kind: Gateway', 'metadata:', '  name: web-gw', 'spec:', '  servers: [{hosts: ["*"], port: {number: 80, name: http, protocol: HTTP}}]', ''].join('\n');

const isIst0101 = (d: vscode.Diagnostic) => typeof d.code === 'object' && d.code.value === 'IST0101';
/** The file's IST0101 diagnostics, once `predicate` holds for them. */
const ist0101Where = (uri: vscode.Uri, predicate: (d: readonly vscode.Diagnostic[]) => boolean) => diagnosticsWhere(uri, predicate, { select: (d) => d.filter(isIst0101) });

describe('Istio: Analyze Workspace', () => {
  let dir: string;
  let vs: vscode.Uri;

  before(async () => {
    await vscode.extensions.getExtension<Services>(EXTENSION_ID)!.activate();
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'the integration tier opens a workspace folder (test/harness/vscode-server.mjs)');
    dir = join(folder.uri.fsPath, `workspace-analysis-${process.pid}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'vs.yaml'), VIRTUAL_SERVICE);
    vs = vscode.Uri.file(join(dir, 'vs.yaml'));
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  it('reports a gateway no file defines, as not found in the workspace, at the reference', async () => {
    await vscode.commands.executeCommand('istio.analyzeWorkspace');
    const [d] = await ist0101Where(vs, (list) => list.length === 1);
    assert.equal(d.message, 'Referenced gateway not found in the workspace: "web-gw"');
    assert.equal(d.severity, vscode.DiagnosticSeverity.Information);
    assert.deepEqual([d.range.start.line, d.range.start.character], [6, 13]);
    assert.equal(String((d.code as { target: vscode.Uri }).target), 'https://istio.io/latest/docs/reference/config/analysis/ist0101/');
  });

  it('offers to suppress the code on the resource, and the finding goes away', async () => {
    const document = await vscode.workspace.openTextDocument(vs);
    const [diagnostic] = await ist0101Where(vs, (list) => list.length === 1);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', vs, diagnostic.range);
    const suppress = actions.find((a) => a.title === 'Suppress IST0101 for this resource');
    assert.ok(suppress?.edit, `no suppress fix among ${actions.map((a) => a.title).join(', ')}`);
    assert.ok(await vscode.workspace.applyEdit(suppress.edit));
    assert.match(document.getText(), /annotations:\n {4}galley\.istio\.io\/analyze-suppress: IST0101\n/);
    await ist0101Where(vs, (list) => list.length === 0);
    await document.save();
    writeFileSync(join(dir, 'vs.yaml'), VIRTUAL_SERVICE);
    await ist0101Where(vs, (list) => list.length === 1);
  });

  it('follows files as they are created and deleted, without the command', async () => {
    const gw = join(dir, 'gw.yaml');
    writeFileSync(gw, GATEWAY);
    await ist0101Where(vs, (list) => list.length === 0);
    rmSync(gw);
    await ist0101Where(vs, (list) => list.length === 1);
  });
});
