// The mesh view shows a restart the session follows on the workload's row, inside real VS Code: the
// provider re-renders on the tracker's events ("restarting" with a spinner → "2/2 injected") and gives
// the row back to the live state afterwards. The rollout states are fed to `Services.rollouts` as the
// injection commands do; the workload and its pods are real, on the testbed.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { Kinds } from '../../src/cluster/kinds';
import type { Services } from '../../src/services';
import type { MeshNode } from '../../src/views/nodes/node';
import type { WorkloadNode } from '../../src/views/nodes/workload';
import { rolloutState } from '../builders/injection';
import { deployment, namespace } from '../builders/kube';
import { requireTestCluster } from './cluster';

const RUN = Date.now().toString(36);

describe('mesh view during a restart', function () {
  this.timeout(120_000);
  let services: Services;
  const ns = `rollout-ui-${RUN}`;
  const web = { namespace: ns, name: 'web' };

  /** The workload's node once `check` accepts its tree item; re-reads on every tree change. */
  function workloadNode(check: (item: vscode.TreeItem, node: WorkloadNode) => boolean, what: string, timeoutMs = 60_000): Promise<WorkloadNode> {
    const tree = services.meshTree;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => { sub.dispose(); reject(new Error(`timed out waiting for ${what}`)); }, timeoutMs);
      const test = async () => {
        const group = (await tree.getChildren()).find((n) => n.treeItem().id === 'namespaces');
        const namespaceNode = group?.children?.().find((n) => n.treeItem().label === ns);
        const node = (namespaceNode ? await tree.getChildren(namespaceNode) : []).find((n: MeshNode) => n.treeItem().label === 'web') as WorkloadNode | undefined;
        if (node && check(node.treeItem(), node)) {
          clearTimeout(timer);
          sub.dispose();
          resolve(node);
        }
      };
      const sub = tree.onDidChangeTreeData(() => void test());
      void test();
    });
  }

  const iconId = (item: vscode.TreeItem) => (item.iconPath as vscode.ThemeIcon | undefined)?.id;

  before(async () => {
    requireTestCluster();
    services = await vscode.extensions.getExtension<Services>('istio-mesh.istio-mesh')!.activate();
    const client = await services.mesh.getClient();
    await client.create(namespace(ns));
    await client.create(deployment('web', { namespace: ns, replicas: 1 }));
  });

  after(async () => {
    services?.rollouts.update(rolloutState(web, 'cancelled'));
    await services?.mesh.client?.delete(Kinds.Namespace, ns).catch(() => undefined);
  });

  it('says "restarting" with a spinning icon while the restart is followed', async () => {
    const live = await workloadNode((i, n) => String(i.description).startsWith('1/1') && n.workload.pods.length === 1, 'web running 1/1');
    assert.equal(iconId(live.treeItem()), 'layers');
    services.rollouts.update(rolloutState(web, 'restarting'));
    const restarting = await workloadNode((i) => i.description === 'restarting', 'web restarting');
    assert.equal(iconId(restarting.treeItem()), 'sync~spin');
  });

  it('says how its pods came up once ready, then gives way to the live state when the pods change', async () => {
    const node = await workloadNode((_, n) => n.workload.pods.length === 1, 'web with its pod');
    const pods = node.workload.pods.map((p) => ({ name: p.name }));
    services.rollouts.update(rolloutState(web, 'ready', { pods }));
    const ready = await workloadNode((i) => i.description === '2/2 injected', 'web 2/2 injected');
    assert.equal(iconId(ready.treeItem()), 'pass');
    // Pods other than the ones the rollout ended with: the row shows the live state again.
    services.rollouts.update(rolloutState(web, 'ready', { pods: [{ name: 'web-gone' }] }));
    await workloadNode((i) => String(i.description).startsWith('1/1'), 'web live again');
  });
});
