// Run "with companions": beside the stand-in of Red Hat's YAML extension (test/companions/yaml), which implements its
// `registerContributor` and validates with yaml-language-server as it does. The real extension is not run here.
import * as assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { Services } from '../../../src/services';
import { diagnosticsWhere } from '../diagnostics';

const EXTENSION_ID = 'istio-mesh.istio-mesh';
const REDHAT_YAML = 'redhat.vscode-yaml';

/** One schema error (`replicas: many`) and one Istio finding (`istio-injection: "true"`). */
const MANIFEST = [
  'apiVersion: v1',
  'kind: Namespace',
  'metadata:',
  '  name: shop',
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
  '    metadata: {labels: {app: web}}',
  '    spec:',
  '      containers: [{name: web, image: nginx}]',
  '',
].join('\n');

describe('Beside Red Hat YAML (stand-in implementing registerContributor and its diagnostics; the real extension is not run here)', () => {
  let services: Services;
  let document: vscode.TextDocument;

  before(async () => {
    assert.ok(vscode.extensions.getExtension(REDHAT_YAML), 'the Red Hat YAML stand-in is installed');
    services = (await vscode.extensions.getExtension<Services>(EXTENSION_ID)!.activate())!;
    const path = join(mkdtempSync(join(tmpdir(), 'istio-redhat-')), 'shop.yaml');
    writeFileSync(path, MANIFEST);
    document = await vscode.workspace.openTextDocument(vscode.Uri.file(path));
    await vscode.window.showTextDocument(document);
  });

  it('hands the schema to Red Hat YAML: one finding per problem, the schema error from it and the Istio one from us', async () => {
    assert.equal(services.yaml.schemaDiagnostics, false);
    const onLine = (list: readonly vscode.Diagnostic[], line: number) => list.filter((d) => d.range.start.line === line);
    const list = await diagnosticsWhere(document.uri, (d) => onLine(d, 13).length > 0 && onLine(d, 5).length > 0);
    const schema = onLine(list, 13);
    assert.equal(schema.length, 1, `one schema finding on replicas: ${JSON.stringify(schema.map((d) => [d.source, d.message]))}`);
    assert.notEqual(schema[0]!.source, 'istio (schema)', 'the schema finding comes from Red Hat YAML');
    assert.match(schema[0]!.source ?? '', /istio-mesh/i, 'validated against the schema we contributed');
    const istio = onLine(list, 5);
    assert.deepEqual(istio.map((d) => [d.source, d.code]), [['istio', 'injection-label-value']]);
    assert.equal(list.length, 2, `nothing else: ${JSON.stringify(list.map((d) => [d.source, d.code, d.message]))}`);
  });

  it('leaves schema hovers and completion to it', async () => {
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, new vscode.Position(13, 4));
    assert.deepEqual(hovers.map((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value)).join()), []);
    const completion = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', document.uri, new vscode.Position(14, 2));
    const labels = completion.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
    assert.ok(!labels.includes('minReadySeconds'), 'no schema field completions from us');
  });

  it("writes nothing into the user's yaml.schemas or yaml.customTags", () => {
    for (const key of ['schemas', 'customTags']) {
      const inspected = vscode.workspace.getConfiguration('yaml').inspect(key);
      assert.deepEqual([inspected?.globalValue, inspected?.workspaceValue, inspected?.workspaceFolderValue], [undefined, undefined, undefined], `yaml.${key}`);
    }
  });
});
