// "Will this pod get a sidecar, and why?" in real VS Code: the hover and the CodeLens on YAML workloads, asked through
// VS Code's own provider commands, and the Mesh tree's namespace tooltip. Connected to the testbed cluster with Istio,
// so the answers come from its live namespace labels and webhooks; a namespace the cluster lacks is read from the files.
import * as assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { Kinds } from '../../src/cluster/kinds';
import type { Services } from '../../src/services';
import { namespace } from '../builders/kube';
import { requireTestCluster } from './cluster';

const RUN = Date.now().toString(36);
const LIVE = `verdict-live-${RUN}`;
const FILES_ONLY = `verdict-files-${RUN}`;
const NOWHERE = `verdict-nowhere-${RUN}`;

// The Namespace documents sit in another file of the same folder. LIVE has no labels here; the cluster's has.
const NAMESPACES = [
  'apiVersion: v1', 'kind: Namespace', 'metadata:', `  name: ${LIVE}`,
  '---',
  'apiVersion: v1', 'kind: Namespace', 'metadata:', `  name: ${FILES_ONLY}`, '  labels:', '    istio-injection: enabled',
  '',
].join('\n');

const deployment = (name: string, ns: string) => [
  'apiVersion: apps/v1', 'kind: Deployment', 'metadata:', `  name: ${name}`, `  namespace: ${ns}`, 'spec:',
  '  selector: {matchLabels: {app: web}}', '  template:', '    metadata:', '      labels: {app: web}', '    spec:', '      containers: [{name: web, image: nginx}]',
];
const APP = [
  ...deployment('live', LIVE), // lines 0-11
  '---', // 12
  ...deployment('files', FILES_ONLY), // 13-24
  '---', // 25
  ...deployment('nowhere', NOWHERE), // 26-37
  '---', // 38
  'apiVersion: v1', 'kind: Pod', 'metadata:', '  name: host', `  namespace: ${LIVE}`, 'spec:', '  hostNetwork: true', '  containers: [{name: web, image: nginx}]', // 39-46
  '',
].join('\n');

// The testbed installs the default revision; were it a named one, `istio-injection=enabled` would reach it through the
// `default` tag, and the verdict would name the tag.
const DEFAULT_TAG = '(, tag `default`)?';

const hoverText = (hovers: vscode.Hover[]) => hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))).join('\n');

describe('sidecar verdict in the editor (hover, CodeLens) and the Mesh tree', function () {
  this.timeout(120_000);
  let services: Services;
  let document: vscode.TextDocument;
  let context: string;

  /** Resolves once `check` holds, checking again on every change of the mesh session. */
  function meshWhere(what: string, check: () => boolean, timeoutMs = 60_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const done = () => {
        if (!check()) return;
        clearTimeout(timer);
        sub.dispose();
        resolve();
      };
      const timer = setTimeout(() => {
        sub.dispose();
        reject(new Error(`timed out waiting for ${what} (state ${services.mesh.state})`));
      }, timeoutMs);
      const sub = services.mesh.onDidChange(done);
      done();
    });
  }

  before(async () => {
    requireTestCluster();
    services = (await vscode.extensions.getExtension<Services>('istio-mesh.istio-mesh')!.activate())!;
    const client = await services.mesh.getClient();
    await client.create(namespace(LIVE, { 'istio-injection': 'enabled' }));
    await meshWhere(`namespace ${LIVE} in the model`, () => services.mesh.state === 'ready' && services.mesh.store?.namespace(LIVE)?.labels['istio-injection'] === 'enabled');
    context = services.mesh.contextName!;
    const dir = mkdtempSync(join(tmpdir(), 'istio-verdict-'));
    writeFileSync(join(dir, 'namespaces.yaml'), NAMESPACES);
    writeFileSync(join(dir, 'app.yaml'), APP);
    document = await vscode.workspace.openTextDocument(vscode.Uri.file(join(dir, 'app.yaml')));
    await vscode.window.showTextDocument(document);
  });

  after(async () => {
    await services?.mesh.client?.delete(Kinds.Namespace, LIVE).catch(() => undefined);
  });

  it('hovers on kind with the verdict from the live namespace labels and webhooks, and says so', async () => {
    const text = hoverText(await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, new vscode.Position(1, 3)));
    assert.match(text, new RegExp(`\\*\\*Istio sidecar\\*\\* — Pods of Deployment \`${LIVE}/live\` \\*\\*will get a sidecar\\*\\* from istiod \`[^\`]+\` \\(namespace label istio-injection=enabled${DEFAULT_TAG}\\)`), text);
    assert.ok(text.includes(`- Namespace labels: live, from context \`${context}\`.`), text);
    assert.ok(text.includes("- Webhooks: the cluster's own."), text);
    assert.ok(text.includes(`_Connected to context \`${context}\`: live namespace labels and webhooks._`), text);
  });

  it('hovers on the name: a namespace the cluster lacks is read from the Namespace document of the same folder', async () => {
    const text = hoverText(await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, new vscode.Position(16, 10)));
    assert.match(text, new RegExp(`Pods of Deployment \`${FILES_ONLY}/files\` \\*\\*will get a sidecar\\*\\* from istiod \`[^\`]+\` \\(namespace label istio-injection=enabled${DEFAULT_TAG}\\)`), text);
    assert.ok(text.includes(`- Namespace labels: the Namespace document in \`namespaces.yaml\` (same folder) (not in context \`${context}\`).`), text);
  });

  it('hovers on a Pod that never gets a sidecar, and not on other lines', async () => {
    const text = hoverText(await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, new vscode.Position(40, 7)));
    assert.match(text, new RegExp(`Pod \`${LIVE}/host\` \\*\\*will not\\*\\*: hostNetwork pods are never injected`), text);
    const elsewhere = hoverText(await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, new vscode.Position(11, 20)));
    assert.doesNotMatch(elsewhere, /Istio sidecar/);
  });

  it('puts the one-line verdict above each workload and Pod as a CodeLens', async () => {
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', document.uri);
    const ours = lenses.filter((l) => l.command?.title.startsWith('Istio: ')).map((l) => [l.range.start.line, l.command!.title.replace(/istiod \S+ /, 'istiod X ').replace(', tag default)', ')')]);
    assert.deepEqual(ours, [
      [0, 'Istio: will get a sidecar from istiod X (namespace label istio-injection=enabled)'],
      [13, 'Istio: will get a sidecar from istiod X (namespace label istio-injection=enabled)'],
      [26, 'Istio: will not: neither the namespace nor the pod asks for a sidecar'],
      [39, 'Istio: will not: hostNetwork pods are never injected'],
    ]);
  });

  it('turns the CodeLens off with istio.codeLens.injection', async () => {
    const settings = vscode.workspace.getConfiguration('istio');
    await settings.update('codeLens.injection', false, vscode.ConfigurationTarget.Global);
    try {
      const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', document.uri);
      assert.deepEqual(lenses.filter((l) => l.command?.title.startsWith('Istio: ')), []);
    } finally {
      await settings.update('codeLens.injection', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it("gives the same verdict and evidence in the Mesh tree's namespace tooltip", async () => {
    const roots = await services.meshTree.getChildren();
    const group = roots.find((n) => n.treeItem().id === 'namespaces');
    const node = group?.children?.().find((n) => n.treeItem().label === LIVE);
    assert.ok(node, `no tree node for ${LIVE}`);
    const item = services.meshTree.getTreeItem(node);
    // Built on hover, not with the row: VS Code would parse it on every fetch of the row.
    assert.equal(item.tooltip, undefined);
    const tooltip = services.meshTree.resolveTreeItem(item, node).tooltip;
    // The tooltip's Markdown escapes text from the cluster (`\(`, `\-`, `\.`); compared here as it reads.
    const text = (tooltip instanceof vscode.MarkdownString ? tooltip.value : String(tooltip)).replace(/\\(.)/g, '$1');
    assert.match(text, new RegExp(`New pods will get a sidecar from istiod \`[^\`]+\` \\(namespace label istio-injection=enabled${DEFAULT_TAG}\\)`), text);
    assert.ok(text.includes("- Webhooks: the cluster's own."), text);
  });
});
