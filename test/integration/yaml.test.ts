import * as assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { Services } from '../../src/services';
import { requireTestCluster } from './cluster';
import { diagnosticsWhere } from './diagnostics';

const EXTENSION_ID = 'istio-mesh.istio-mesh';

const MANIFEST = [
  'apiVersion: v1',
  'kind: Namespace',
  'metadata:',
  '  name: shop  # storefront',
  '  labels:',
  '    istio-injection: "true"',
  '---',
  'apiVersion: apps/v1',
  'kind: Deployment',
  'metadata:',
  '  name: web',
  '  namespace: shop',
  'spec:',
  '  replicas: many',
  '  selector: {matchLabels: {app: web}}',
  '  template:',
  '    metadata:',
  '      labels:',
  '        app: web',
  '        sidecar.istio.io/inject: true',
  '    spec:',
  '      containers: [{name: web, image: nginx}]',
  '',
].join('\n');

const codes = (list: readonly vscode.Diagnostic[]) => list.map((d) => String(d.code ?? d.source));

describe('YAML checks in the editor', () => {
  let services: Services;
  let document: vscode.TextDocument;

  before(async () => {
    services = (await vscode.extensions.getExtension<Services>(EXTENSION_ID)!.activate())!;
    const dir = mkdtempSync(join(tmpdir(), 'istio-yaml-'));
    const path = join(dir, 'shop.yaml');
    writeFileSync(path, MANIFEST);
    document = await vscode.workspace.openTextDocument(vscode.Uri.file(path));
    await vscode.window.showTextDocument(document);
  });

  it('publishes Istio findings with their codes, and schema errors once', async () => {
    const list = await diagnosticsWhere(document.uri, (d) => d.length >= 3);
    assert.deepEqual(codes(list).sort(), ['injection-label-value', 'inject-label-type', 'istio (schema)'].sort());
    const injection = list.find((d) => d.code === 'injection-label-value')!;
    assert.equal(injection.source, 'istio');
    assert.equal(injection.severity, vscode.DiagnosticSeverity.Error);
    assert.deepEqual([injection.range.start.line, injection.range.start.character], [5, 21]);
    const schema = list.find((d) => d.source === 'istio (schema)')!;
    assert.equal(schema.range.start.line, 13);
    assert.ok(services.yaml, 'the YAML service is exposed on the services');
  });

  it('applies a quick fix through the code action provider, and the finding goes away', async () => {
    const diagnostic = vscode.languages.getDiagnostics(document.uri).find((d) => d.code === 'injection-label-value')!;
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', document.uri, diagnostic.range);
    const fix = actions.find((a) => a.title === 'Set istio-injection: enabled');
    assert.ok(fix?.edit, `no fix among ${actions.map((a) => a.title).join(', ')}`);
    assert.equal(fix.isPreferred, true);
    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    assert.equal(document.lineAt(5).text, '    istio-injection: enabled');
    assert.equal(document.lineAt(3).text, '  name: shop  # storefront');
    await diagnosticsWhere(document.uri, (d) => !codes(d).includes('injection-label-value'));
  });

  it('quotes a bare boolean label', async () => {
    const diagnostic = vscode.languages.getDiagnostics(document.uri).find((d) => d.code === 'inject-label-type')!;
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', document.uri, diagnostic.range);
    const fix = actions.find((a) => a.title === 'Quote it: "true"')!;
    assert.ok(await vscode.workspace.applyEdit(fix.edit!));
    assert.equal(document.lineAt(19).text, '        sidecar.istio.io/inject: "true"');
    await diagnosticsWhere(document.uri, (d) => !codes(d).includes('inject-label-type'));
  });

  it('offers "Enable Istio sidecar injection" on a Namespace document', async () => {
    const untitled = await vscode.workspace.openTextDocument({ language: 'yaml', content: 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: payments\n' });
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', untitled.uri, new vscode.Range(1, 0, 1, 0));
    const enable = actions.find((a) => a.title === 'Enable Istio sidecar injection');
    assert.ok(enable?.edit);
    assert.ok(await vscode.workspace.applyEdit(enable.edit));
    assert.equal(untitled.getText(), 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: payments\n  labels:\n    istio-injection: enabled\n');
  });

  it('shows the field documentation on hover', async () => {
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, new vscode.Position(5, 8));
    const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))).join('\n');
    assert.match(text, /Only `enabled` turns it on/);
  });

  it('completes label values and schema fields', async () => {
    const edit = new vscode.WorkspaceEdit();
    edit.replace(document.uri, document.lineAt(5).range, '    istio-injection: ');
    assert.ok(await vscode.workspace.applyEdit(edit));
    const values = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', document.uri, new vscode.Position(5, 21));
    const labels = values.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
    assert.ok(labels.includes('enabled') && labels.includes('disabled'), labels.join(', '));
  });

  it('gives no hovers nor completion in a file over istio.yaml.maxFileSize, as it runs no checks there', async () => {
    const hoverText = async () => {
      const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, new vscode.Position(5, 8));
      return hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))).join('\n');
    };
    const settings = vscode.workspace.getConfiguration('istio');
    await settings.update('yaml.maxFileSize', 100, vscode.ConfigurationTarget.Global);
    try {
      assert.doesNotMatch(await hoverText(), /istio-injection|Only `enabled`/);
      const values = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', document.uri, new vscode.Position(5, 21));
      // The document has `enabled` in it by now: VS Code's own word-based suggestions (kind Text) may offer it.
      const ours = values.items.filter((i) => (typeof i.label === 'string' ? i.label : i.label.label) === 'enabled' && i.kind !== vscode.CompletionItemKind.Text);
      assert.deepEqual(ours, [], JSON.stringify(ours));
    } finally {
      await settings.update('yaml.maxFileSize', undefined, vscode.ConfigurationTarget.Global);
    }
    assert.match(await hoverText(), /Only `enabled` turns it on/, 'hovers come back under the limit');
  });
});

describe('YAML schemas from the connected cluster', () => {
  it("switches to the cluster's Istio CRDs once YAML checks are in use", async function () {
    this.timeout(60_000);
    requireTestCluster();
    const services = (await vscode.extensions.getExtension<Services>(EXTENSION_ID)!.activate())!;
    await services.mesh.whenSynced();
    const yaml = services.yaml;
    const context = services.mesh.client?.context;
    assert.ok(context && services.mesh.store?.controlPlane.installed, 'the testbed has Istio installed');
    const document = await vscode.workspace.openTextDocument({ language: 'yaml', content: 'apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata:\n  name: web\n' });
    // Refreshing re-checks the open documents: wait on those checks, not on time.
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`schemas still from ${yaml.schemaContext ?? 'the bundle'}, not context "${context}"`)), 45_000);
      const done = () => {
        if (yaml.schemaContext !== context) return;
        clearTimeout(timer);
        sub.dispose();
        resolve();
      };
      const sub = yaml.onDidCheck(done);
      done();
    });
    assert.ok(yaml.isStarted);
    assert.equal(document.languageId, 'yaml');
  });
});
