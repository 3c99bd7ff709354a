// The mesh view inside real VS Code: the tree is read through its provider (getChildren/getTreeItem)
// against the testbed cluster with Istio (the harness passes its KUBECONFIG to the extension host).
import * as assert from 'node:assert/strict';
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import * as vscode from 'vscode';
import { Kinds } from '../../src/cluster/kinds';
import type { InjectionCommandResult } from '../../src/commands/injectionFlow';
import type { Services } from '../../src/services';
import type { MeshNode } from '../../src/views/nodes/node';
import { namespace } from '../builders/kube';
import { ScriptedPrompter } from '../builders/prompter';
import { namespaceAdminKubeconfig } from '../cluster/rbac';
import { requireTestCluster } from './cluster';

const RUN = Date.now().toString(36);

describe('mesh view', function () {
  this.timeout(120_000);
  let services: Services;
  const injected = `view-on-${RUN}`;
  const plain = `view-off-${RUN}`;

  /** Reads the tree until `check` finds what it wants; re-reads on every tree change event. */
  async function waitForTree<T>(what: string, check: (roots: MeshNode[]) => T | undefined, timeoutMs = 60_000): Promise<T> {
    const tree = services.meshTree;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        sub.dispose();
        reject(new Error(`timed out waiting for ${what} (istio.cluster state ${services.mesh.state})`));
      }, timeoutMs);
      const test = async () => {
        const found = check(await tree.getChildren());
        if (found !== undefined) {
          clearTimeout(timer);
          sub.dispose();
          resolve(found);
        }
      };
      const sub = tree.onDidChangeTreeData(() => void test());
      void test();
    });
  }

  function namespaceItem(roots: MeshNode[], name: string): vscode.TreeItem | undefined {
    const group = roots.find((n) => n.treeItem().id === 'namespaces');
    const node = group?.children?.().find((n) => n.treeItem().label === name);
    return node ? services.meshTree.getTreeItem(node) : undefined;
  }

  before(async () => {
    requireTestCluster();
    services = await vscode.extensions.getExtension<Services>('istio-mesh.istio-mesh')!.activate();
    const client = await services.mesh.getClient();
    await client.create(namespace(injected, { 'istio-injection': 'enabled' }));
    await client.create(namespace(plain));
  });

  after(async () => {
    const client = services?.mesh.client;
    for (const ns of [injected, plain]) await client?.delete(Kinds.Namespace, ns).catch(() => undefined);
  });

  it('shows the control plane with the Istio version', async () => {
    const cp = await waitForTree('control plane', (roots) => roots.map((n) => n.treeItem()).find((i) => i.id === 'cp'));
    assert.match(String(cp.description), /^Istio \d+\.\d+/);
    assert.equal(cp.contextValue, 'controlPlane:installed');
    assert.equal(services.mesh.state, 'ready');
  });

  it('shows injected and non-injected namespaces with their context values', async () => {
    const on = await waitForTree('injected namespace', (roots) => namespaceItem(roots, injected));
    assert.equal(on.contextValue, 'namespace:on');
    assert.equal(on.description, 'injected');
    const off = await waitForTree('plain namespace', (roots) => namespaceItem(roots, plain));
    assert.equal(off.contextValue, 'namespace:none');
    assert.equal(off.description, 'not injected');
    const system = await waitForTree('kube-system', (roots) => namespaceItem(roots, 'kube-system'));
    assert.equal(system.contextValue, 'namespace:system');
  });

  it('follows a label change live', async () => {
    const client = await services.mesh.getClient();
    await client.labelNamespace(plain, { 'istio-injection': 'disabled' });
    const item = await waitForTree('disabled namespace', (roots) => {
      const i = namespaceItem(roots, plain);
      return i?.contextValue === 'namespace:off' ? i : undefined;
    }, 5_000);
    assert.equal(item.description, 'disabled');
  });

  it('refreshes on the refresh command', async () => {
    await vscode.commands.executeCommand('istio.mesh.refresh');
    await waitForTree('namespaces after refresh', (roots) => namespaceItem(roots, injected));
  });

  it('points at the istio.kubeconfig setting when it names a missing file, and reconnects once it is cleared', async () => {
    const settings = vscode.workspace.getConfiguration('istio');
    await settings.update('kubeconfig', '/nonexistent/istio-mesh-kubeconfig', vscode.ConfigurationTarget.Global);
    try {
      // Not "none" (no kubeconfig at all): that welcome speaks of KUBECONFIG and ~/.kube/config, not the setting.
      await waitForState('kubeconfig');
      assert.match(services.mesh.error?.message ?? '', /"\/nonexistent\/istio-mesh-kubeconfig" \(setting istio\.kubeconfig\) does not exist/);
    } finally {
      await settings.update('kubeconfig', undefined, vscode.ConfigurationTarget.Global);
    }
    await waitForState('ready');
  });

  it('waits for a local cluster that npm start is still starting, shows its step, and connects once it is up', async () => {
    // The launcher names this file in ISTIO_MESH_LOCAL_CLUSTER_STATUS, as `npm start` does.
    const file = process.env.ISTIO_MESH_LOCAL_CLUSTER_STATUS;
    assert.ok(file, 'the launcher sets ISTIO_MESH_LOCAL_CLUSTER_STATUS');
    const write = (status: object) => {
      writeFileSync(`${file}.tmp`, JSON.stringify(status));
      renameSync(`${file}.tmp`, file);
    };
    const local = services.mesh.localCluster;
    assert.ok(local, 'the session follows the status file');
    /** Resolves once the watch has read a status with this step (it follows the file through fs events). */
    const seen = (step: number) => new Promise<void>((resolve) => {
      const done = () => {
        if (local.current?.step !== step) return;
        sub.dispose();
        resolve();
      };
      const sub = local.onDidChange(done);
      done();
    });
    try {
      write({ state: 'starting', text: 'building kube-apiserver', step: 3, total: 15 });
      await seen(3);
      await services.mesh.restart();
      assert.equal(services.mesh.state, 'localCluster', 'no connection attempt while the cluster starts');
      assert.deepEqual(await services.meshTree.getChildren(), [], 'the welcome text shows, not an error');
      write({ state: 'starting', text: 'starting etcd', step: 9, total: 15 });
      await seen(9);
      assert.equal(services.mesh.state, 'localCluster');
      write({ state: 'ready', text: 'up', step: 15, total: 15 });
      await waitForState('ready');
    } finally {
      rmSync(file, { force: true });
    }
  });

  it('serves a namespace admin: the control plane not visible, their namespace offered by the palette command', async () => {
    const file = await namespaceAdminKubeconfig(await services.mesh.getClient(), injected);
    const settings = vscode.workspace.getConfiguration('istio');
    await settings.update('kubeconfig', file, vscode.ConfigurationTarget.Global);
    try {
      const hidden = await waitForTree('control plane not visible', (roots) => roots.map((n) => n.treeItem()).find((i) => i.id === 'cp' && i.label === 'Control plane: not visible to you'));
      assert.match(String(hidden.tooltip), /may not list Deployments in istio-system in context "limited"/);
      assert.ok(await waitForTree('the admin\'s namespace', (roots) => namespaceItem(roots, injected)));
      // From the palette (no tree item): namespaces may not be listed, so the ones the view shows are offered.
      const prompter = new ScriptedPrompter([undefined]);
      const result = await vscode.commands.executeCommand<InjectionCommandResult>('istio.namespace.restartWorkloads', undefined, { prompter });
      assert.equal(result.status, 'cancelled', JSON.stringify(result));
      assert.ok(prompter.asked[0].items?.some((i) => i.value === injected), JSON.stringify(prompter.asked));
    } finally {
      await settings.update('kubeconfig', undefined, vscode.ConfigurationTarget.Global);
    }
    await waitForState('ready');
    await waitForTree('control plane back', (roots) => roots.map((n) => n.treeItem()).find((i) => i.id === 'cp' && i.label === 'Control plane'));
  });

  /** Waits until the session reaches `state`, re-checking on every change of the session. */
  function waitForState(state: string, timeoutMs = 30_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        sub.dispose();
        reject(new Error(`timed out waiting for istio.cluster state ${state} (now ${services.mesh.state})`));
      }, timeoutMs);
      const check = () => {
        if (services.mesh.state !== state) return;
        clearTimeout(timer);
        sub.dispose();
        resolve();
      };
      const sub = services.mesh.onDidChange(check);
      check();
    });
  }
});
