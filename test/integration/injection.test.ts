// The injection commands inside real VS Code, invoked as the context menu does (with the namespace's tree
// node) against the testbed with Istio; questions are answered by a scripted prompter.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { Kinds } from '../../src/cluster/kinds';
import type { InjectionCommandResult } from '../../src/commands/injectionFlow';
import type { Services } from '../../src/services';
import type { MeshNode } from '../../src/views/nodes/node';
import { deployment, namespace } from '../builders/kube';
import { ScriptedPrompter } from '../builders/prompter';
import { requireTestCluster } from './cluster';

const RUN = Date.now().toString(36);

describe('injection commands', function () {
  this.timeout(180_000);
  let services: Services;
  const ns = `inject-ui-${RUN}`;

  /** The namespace's node once its context value matches; re-reads on every tree change. */
  function namespaceNode(contextValue: RegExp, timeoutMs = 60_000): Promise<MeshNode> {
    const tree = services.meshTree;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => { sub.dispose(); reject(new Error(`timed out waiting for ${ns} to match ${contextValue}`)); }, timeoutMs);
      const test = async () => {
        const group = (await tree.getChildren()).find((n) => n.treeItem().id === 'namespaces');
        const node = group?.children?.().find((n) => n.treeItem().label === ns);
        if (node && contextValue.test(String(node.treeItem().contextValue))) {
          clearTimeout(timer);
          sub.dispose();
          resolve(node);
        }
      };
      const sub = tree.onDidChangeTreeData(() => void test());
      void test();
    });
  }

  /** Accepts the restart the command offers after a label change. */
  const restartOffer = (_message: string, actions: readonly string[]) => actions.find((a) => a.startsWith('Restart'));

  /**
   * Resolves once the live model shows both pods of the Deployment ready: a restart is offered only for pods that run
   * (on a busy machine they came up after the first test had enabled injection, which then offered nothing).
   */
  function podsReady(timeoutMs = 60_000): Promise<void> {
    const store = services.mesh.store;
    assert.ok(store, 'the mesh view is connected');
    const ready = () => store.namespace(ns)?.workloads.some((w) => w.name === 'web' && w.ready === 2 && w.pods.length === 2);
    return new Promise((resolve, reject) => {
      if (ready()) return resolve();
      const timer = setTimeout(() => { sub.dispose(); reject(new Error(`timed out waiting for the pods of ${ns}/web`)); }, timeoutMs);
      const sub = store.onDidChange(() => {
        if (!ready()) return;
        clearTimeout(timer);
        sub.dispose();
        resolve();
      });
    });
  }

  before(async () => {
    requireTestCluster();
    services = await vscode.extensions.getExtension<Services>('istio-mesh.istio-mesh')!.activate();
    const client = await services.mesh.getClient();
    await client.create(namespace(ns));
    await client.create(deployment('web', { namespace: ns, replicas: 2 }));
    await podsReady();
  });

  after(async () => {
    await services?.mesh.client?.delete(Kinds.Namespace, ns).catch(() => undefined);
  });

  it('Enable Sidecar Injection on the tree item labels the namespace, restarts, and every pod gets istio-proxy', async () => {
    const node = await namespaceNode(/^namespace:none/);
    const prompter = new ScriptedPrompter([ScriptedPrompter.label('Default revision')], restartOffer);
    const result = await vscode.commands.executeCommand<InjectionCommandResult>('istio.namespace.enableInjection', node, { prompter });
    assert.equal(result.status, 'done', JSON.stringify(result));
    assert.match(prompter.asked[0].title, new RegExp(`namespace "${ns}" \\(context "istio-mesh-testbed"\\)`));
    assert.ok(result.status === 'done' && result.restart);
    assert.deepEqual(result.restart.report.workloads.map((w) => [w.ref.name, w.phase]), [['web', 'ready']]);
    assert.deepEqual(result.restart.report.workloads[0].podStates?.map((p) => p.sidecar), [true, true]);
    assert.deepEqual(result.restart.summary.findings, []);
    assert.equal(services.rollouts.get({ kind: 'Deployment', namespace: ns, name: 'web' })?.phase, 'ready');
    await namespaceNode(/^namespace:on$/);
  });

  it('Restart Workloads… pre-selects nothing when every pod matches, and restarts what is picked', async () => {
    const node = await namespaceNode(/^namespace:on/);
    let offered: readonly unknown[] = [];
    const prompter = new ScriptedPrompter([(items: readonly { picked?: boolean; value: unknown }[]) => {
      offered = items.filter((i) => i.picked);
      return items.map((i) => i.value);
    }]);
    const result = await vscode.commands.executeCommand<InjectionCommandResult>('istio.namespace.restartWorkloads', node, { prompter });
    assert.deepEqual(offered, []);
    assert.ok(result.status === 'done' && result.restart);
    assert.equal(result.restart.report.workloads[0].phase, 'ready');
  });

  it('Disable Sidecar Injection asks with the context named, then restarts the pods out of the mesh', async () => {
    const node = await namespaceNode(/^namespace:on/);
    const prompter = new ScriptedPrompter(['Disable'], restartOffer);
    const result = await vscode.commands.executeCommand<InjectionCommandResult>('istio.namespace.disableInjection', node, { prompter });
    assert.match(prompter.asked[0].detail ?? '', /Context "istio-mesh-testbed"/);
    assert.ok(result.status === 'done' && result.restart, JSON.stringify(result));
    assert.deepEqual(result.restart.report.workloads[0].podStates?.map((p) => p.sidecar), [false, false]);
    await namespaceNode(/^namespace:off/);
  });
});
