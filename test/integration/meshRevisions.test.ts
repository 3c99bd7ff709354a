// The revision rows under "Control plane", inside real VS Code against the testbed: the real istiod injects the
// pods, and the row counts the pods whose proxy its injector wrote (from each pod), not the namespace's label.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { Kinds } from '../../src/cluster/kinds';
import type { Services } from '../../src/services';
import type { MeshNode } from '../../src/views/nodes/node';
import { deployment, namespace } from '../builders/kube';
import { requireTestCluster } from './cluster';

const RUN = Date.now().toString(36);

describe('mesh view revisions', function () {
  this.timeout(180_000);
  let services: Services;
  const ns = `revisions-${RUN}`;

  /** The revision row listing `ns`, and `ns`'s row under it, once `check` accepts them; re-read on every tree change. */
  function revisionRows(check: (revision: vscode.TreeItem, namespaceRow: vscode.TreeItem) => boolean, what: string, timeoutMs = 120_000) {
    const tree = services.meshTree;
    return new Promise<{ revision: vscode.TreeItem; namespaceRow: vscode.TreeItem }>((resolve, reject) => {
      const timer = setTimeout(() => { sub.dispose(); reject(new Error(`timed out waiting for ${what}`)); }, timeoutMs);
      const test = async () => {
        const cp = (await tree.getChildren()).find((n) => n.treeItem().id === 'cp');
        const revisions = (cp ? await tree.getChildren(cp) : []).filter((n: MeshNode) => n.treeItem().contextValue === 'component:istiod');
        for (const r of revisions) {
          const row = (await tree.getChildren(r)).map((n) => n.treeItem()).find((i) => i.label === ns);
          if (row && check(r.treeItem(), row)) {
            clearTimeout(timer);
            sub.dispose();
            resolve({ revision: r.treeItem(), namespaceRow: row });
            return;
          }
        }
      };
      const sub = tree.onDidChangeTreeData(() => void test());
      void test();
    });
  }

  before(async () => {
    requireTestCluster();
    services = await vscode.extensions.getExtension<Services>('istio-mesh.istio-mesh')!.activate();
    const client = await services.mesh.getClient();
    await client.create(namespace(ns, { 'istio-injection': 'enabled' }));
    await client.create(deployment('web', { namespace: ns, replicas: 2 }));
    // Opted out: a pod of the namespace without a proxy, so the share is not the namespace label's word.
    await client.create(deployment('batch', { namespace: ns, replicas: 1, templateLabels: { 'sidecar.istio.io/inject': 'false' } }));
  });

  after(async () => {
    await services?.mesh.client?.delete(Kinds.Namespace, ns).catch(() => undefined);
  });

  it('shows the namespace under the revision that injected its pods, with the count and share', async () => {
    const { revision, namespaceRow } = await revisionRows((_, row) => row.description === '2/3 pods', `${ns} with 2/3 pods on a revision`);
    // "<version> · <ready>/<desired> · N namespaces · on/of pods (p %)[ · tags …]"
    assert.match(String(revision.description), /^\S+ · \d+\/\d+ · \d+ namespaces? · \d+\/\d+ pods \(\d+ %\)( · tags .+)?$/);
    assert.equal(revision.contextValue, 'component:istiod', 'Set/Remove Revision Tag are offered on it');
    assert.match(String(revision.id), /^cp:revision:[^/]+\/istiod/);
    const tooltip = (namespaceRow.tooltip as vscode.MarkdownString).value;
    assert.match(tooltip, /Selects it via `istio-injection=enabled`/);
    assert.match(tooltip, /1 without an injected proxy/);
  });

  it('follows a scale-up: the namespace row and the revision row are redrawn with the new count', async () => {
    const client = services.mesh.client!;
    await client.patch(Kinds.Deployment, 'web', ns, { spec: { replicas: 3 } }, 'merge');
    const { namespaceRow } = await revisionRows((_, row) => row.description === '3/4 pods', `${ns} with 3/4 pods`);
    assert.equal(namespaceRow.contextValue, 'revisionNamespace');
  });
});
