// Run "with companions": beside the stand-in of the Kubernetes extension (test/companions/kubernetes), which implements
// the API of `vscode-kubernetes-tools-api` from its published types. The real extension is not run here.
import * as assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { InjectionCommandResult } from '../../../src/commands/injectionFlow';
import type { Services } from '../../../src/services';
import { ScriptedPrompter } from '../../builders/prompter';
import { injectorWebhookConfiguration } from '../../builders/injection';
import { istiod, namespace, pod } from '../../builders/kube';
import { FakeApiServer, json, startWatch, until } from '../../unit/cluster/fakeApiServer';

const EXTENSION_ID = 'istio-mesh.istio-mesh';
const KUBERNETES = 'ms-kubernetes-tools.vscode-kubernetes-tools';
const VIEW = 'extension.vsKubernetesExplorer';

interface Row { depth: number; label: string; description?: string; contextValue?: string; target: unknown }
interface MenuEntry { command: string; when: string }

const rows = () => vscode.commands.executeCommand<Row[]>('standIn.kubernetes.rows');
const show = (context: string) =>
  vscode.commands.executeCommand('standIn.kubernetes.show', { context, namespaces: [{ name: 'plain', pods: ['api-1'] }, { name: 'shop', pods: ['web-1'] }] });
const row = (all: Row[], label: string) => all.find((r) => r.label === label)!;

/** Waits until what `probe` reads satisfies `predicate`, reading again every 50 ms (the stand-in draws on demand). */
async function eventually<T>(probe: () => Thenable<T>, predicate: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 20_000;
  let last = await probe();
  while (!predicate(last)) {
    if (Date.now() > deadline) throw new Error(`never saw ${what}; last: ${JSON.stringify(last, (k, v) => (k === 'target' ? undefined : v))}`);
    await new Promise((r) => setTimeout(r, 50));
    last = await probe();
  }
  return last;
}

const refreshes = () => vscode.commands.executeCommand<number>('standIn.kubernetes.refreshes');

/** The commands our manifest puts on a Cluster Explorer row's context menu (`view == …` and `viewItem =~ /…/` clauses). */
function menuFor(contextValue: string, entries: MenuEntry[]): string[] {
  return entries.filter((e) => {
    const view = /view == ([\w.]+)/.exec(e.when)?.[1];
    const item = /viewItem =~ \/(.+)\/(\w*)/.exec(e.when);
    return view === VIEW && item && new RegExp(item[1]!, item[2]).test(contextValue);
  }).map((e) => e.command);
}

/** A kubeconfig with two contexts on the same fake API server: the second is where the user switches. */
function kubeconfig(server: FakeApiServer): string {
  const file = join(mkdtempSync(join(tmpdir(), 'istio-mesh-kc-')), 'config');
  writeFileSync(file, [
    'apiVersion: v1', 'kind: Config', 'current-context: fake',
    'clusters:', '- name: fake', '  cluster:', `    server: ${server.url}`, '    insecure-skip-tls-verify: true',
    'users:', '- name: fake', '  user:', '    token: secret-token',
    'contexts:', '- name: fake', '  context: {cluster: fake, user: fake}', '- name: second', '  context: {cluster: fake, user: fake}',
  ].join('\n'));
  return file;
}

describe('Beside the Kubernetes extension (stand-in implementing vscode-kubernetes-tools-api; the real extension is not run here)', () => {
  let services: Services;
  let server: FakeApiServer;
  const namespaceWatches: ReturnType<typeof startWatch>[] = [];

  before(async function () {
    this.timeout(60_000);
    assert.ok(vscode.extensions.getExtension(KUBERNETES), 'the Kubernetes stand-in is installed');
    server = await new FakeApiServer().start();
    server.route = (req, res) => {
      if (req.query.get('watch') === 'true') {
        const watch = startWatch(res);
        if (req.path === '/api/v1/namespaces') namespaceWatches.push(watch);
        return;
      }
      if (req.path === '/api/v1/namespaces/shop') return json(res, 200, namespace('shop', { 'istio-injection': 'enabled' }));
      if (req.path === '/api/v1/namespaces/plain') return json(res, 200, namespace('plain'));
      const items = req.path === '/api/v1/namespaces' ? [namespace('plain'), namespace('shop', { 'istio-injection': 'enabled' })]
        : req.path === '/api/v1/pods' ? [pod('web-1', { namespace: 'shop' }), pod('api-1', { namespace: 'plain' })]
          : req.path === '/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations' ? [injectorWebhookConfiguration()]
            : req.path.endsWith('/deployments') && !req.path.includes('/namespaces/shop') && !req.path.includes('/namespaces/plain') ? [istiod()] : [];
      return json(res, 200, { metadata: { resourceVersion: '5' }, items });
    };
    await vscode.workspace.getConfiguration('istio').update('kubeconfig', kubeconfig(server), vscode.ConfigurationTarget.Global);
    services = (await vscode.extensions.getExtension<Services>(EXTENSION_ID)!.activate())!;
    await show('fake');
  });

  after(async () => {
    await vscode.workspace.getConfiguration('istio').update('kubeconfig', undefined, vscode.ConfigurationTarget.Global);
    await server.stop();
  });

  it("shows each namespace's injection state and each pod's sidecar on the Cluster Explorer's rows, from the Mesh view's store", async () => {
    const all = await eventually(rows, (r) => /^Istio:/.test(row(r, 'shop')?.description ?? ''), "the namespaces' injection state");
    assert.equal(row(all, 'shop').description, 'Istio: injected · 1 needs restart');
    assert.equal(row(all, 'plain').description, 'Istio: not injected');
    assert.equal(row(all, 'web-1').description, 'Istio: no sidecar · needs restart');
    assert.equal(row(all, 'api-1').description, 'Istio: no sidecar');
    assert.equal(row(all, 'fake').description, undefined, 'the context row is left as it is');
    assert.equal(services.mesh.contextName, 'fake');
  });

  it('offers Enable/Disable Injection and Restart Workloads on namespace rows only', async () => {
    const entries = (vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON as { contributes: { menus: Record<string, MenuEntry[]> } }).contributes.menus['view/item/context']!;
    const all = await rows();
    assert.deepEqual(menuFor(row(all, 'shop').contextValue!, entries), ['istio.namespace.enableInjection', 'istio.namespace.disableInjection', 'istio.namespace.restartWorkloads']);
    assert.deepEqual(menuFor(row(all, 'web-1').contextValue!, entries), []);
    assert.deepEqual(menuFor(row(all, 'fake').contextValue!, entries), []);
  });

  it("runs the injection command on the namespace of the Cluster Explorer's row it was invoked on", async () => {
    const prompter = new ScriptedPrompter([undefined]);
    const shop = row(await rows(), 'shop');
    const result = await vscode.commands.executeCommand<InjectionCommandResult>('istio.namespace.enableInjection', shop.target, { prompter });
    assert.deepEqual(result, { status: 'cancelled' });
    assert.match(prompter.asked[0]?.title ?? '', /namespace "shop" \(context "fake"\)/);
  });

  it('redraws the Cluster Explorer when a watch changes what a row says', async () => {
    const before = await refreshes();
    for (const watch of namespaceWatches) watch.event('MODIFIED', namespace('shop', { 'istio-injection': 'disabled' }));
    // VS Code draws a row again only when the explorer is refreshed: wait for that, then read what it draws.
    await eventually(refreshes, (n) => n > before, 'a refresh of the Cluster Explorer');
    const all = await rows();
    assert.equal(row(all, 'shop').description, 'Istio: disabled');
    assert.equal(row(all, 'web-1').description, 'Istio: no sidecar', 'a pod without a sidecar in a disabled namespace needs no restart');
  });

  it('follows the context the user switches to in the Kubernetes extension', async () => {
    await show('second');
    await until(() => services.mesh.contextName === 'second', 20_000, 'the Mesh view on context "second"');
    await show('fake');
    await until(() => services.mesh.contextName === 'fake', 20_000, 'the Mesh view back on context "fake"');
  });
});
