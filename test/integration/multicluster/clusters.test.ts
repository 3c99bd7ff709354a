// The Mesh view across two clusters inside real VS Code, against the two-cluster mesh testbed the harness starts for
// this run (`--run multicluster`): the Clusters level with both clusters' values and istiod's sync state, a namespace
// labelled in one cluster only and a mesh ID changed in one cluster, each marked in the view and reported in Problems
// until it is fixed, a namespace command on the other cluster's row, Install Multi-Cluster Mesh… and Link Cluster…
// run to their end (safe re-runs on the joined clusters), and one cluster's API server stopped (last: it stays down).
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { Kinds } from '../../../src/cluster/kinds';
import type { KubeObject } from '../../../src/cluster/types';
import type { MultiClusterResult } from '../../../src/commands/multiClusterFlow';
import type { Services } from '../../../src/services';
import type { MeshNode } from '../../../src/views/nodes/node';
import { namespace } from '../../builders/kube';
import { ScriptedPrompter } from '../../builders/prompter';
import { requireTestCluster } from '../cluster';

const RUN = Date.now().toString(36);
/** Tooltip Markdown as read: without the escapes of text from the cluster. */
const unescape = (markdown: string) => markdown.replace(/\\(.)/g, '$1');

describe('mesh view with two clusters', function () {
  this.timeout(180_000);
  let services: Services;
  let contexts: string[];
  const ns = `both-${RUN}`;
  const late = `late-${RUN}`;

  /** Waits until `check` answers, re-checking on every tree change and every Problems change. */
  async function waitFor<T>(what: string, check: () => Promise<T | undefined> | T | undefined, timeoutMs = 90_000): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let done = false;
      const subs = [services.meshTree.onDidChangeTreeData(() => void test()), vscode.languages.onDidChangeDiagnostics(() => void test())];
      const finish = (err?: Error, value?: T) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        for (const s of subs) s.dispose();
        if (err) reject(err);
        else resolve(value as T);
      };
      const timer = setTimeout(() => finish(new Error(`timed out waiting for ${what}`)), timeoutMs);
      const test = async () => {
        try {
          const found = await check();
          if (found !== undefined) finish(undefined, found);
        } catch (err) {
          finish(err as Error);
        }
      };
      void test();
    });
  }

  const item = (node: MeshNode) => services.meshTree.getTreeItem(node);
  async function clusterRows(): Promise<Map<string, { node: MeshNode; item: vscode.TreeItem }>> {
    const roots = await services.meshTree.getChildren();
    return new Map(roots.map((node) => [String(item(node).label), { node, item: item(node) }]));
  }
  async function childrenOf(node: MeshNode): Promise<{ node: MeshNode; item: vscode.TreeItem }[]> {
    return (await services.meshTree.getChildren(node)).map((n) => ({ node: n, item: item(n) }));
  }
  /** The namespace row `name` under the cluster row of `context`. */
  async function namespaceRow(context: string, name: string): Promise<vscode.TreeItem | undefined> {
    const cluster = (await clusterRows()).get(context);
    if (!cluster) return undefined;
    const group = (await childrenOf(cluster.node)).find((c) => c.item.label === 'Namespaces');
    const row = group && (await childrenOf(group.node)).find((c) => c.item.label === name);
    // With its tooltip, which the tree builds only when a row is hovered.
    return row && services.meshTree.resolveTreeItem(row.item, row.node);
  }
  /** Each cluster holds one remote secret, for the other one. */
  async function assertLinkedBothWays(): Promise<void> {
    for (const [i, c] of contexts.entries()) {
      const secrets = await client(c).list(Kinds.Secret, { namespace: 'istio-system', labelSelector: 'istio/multiCluster=true' });
      assert.deepEqual(secrets.items.map((x) => x.metadata.name), [`istio-remote-secret-cluster${2 - i}`], `${c} reads the other cluster`);
    }
  }
  const diagnosticsOn = (context: string, name: string) => vscode.languages.getDiagnostics(
    vscode.Uri.from({ scheme: 'istio-mesh', path: `/-/Namespace/${name}.yaml`, query: encodeURIComponent(context) }));
  const client = (context: string) => {
    const c = services.clusters.clientFor(context);
    assert.ok(c, `a connected client of ${context}`);
    return c;
  };

  before(async () => {
    requireTestCluster();
    contexts = (process.env.ISTIO_MESH_TESTBED_CONTEXTS ?? '').split(' ').filter(Boolean);
    assert.equal(contexts.length, 2, 'ISTIO_MESH_TESTBED_CONTEXTS names the two contexts of the mesh testbed (run with --run multicluster)');
    services = await vscode.extensions.getExtension<Services>('istio-mesh.istio-mesh')!.activate();
    const prompter = new ScriptedPrompter([(items: readonly { label: string; value: unknown }[]) => items.filter((i) => contexts.includes(i.label)).map((i) => i.value)]);
    await vscode.commands.executeCommand('istio.mesh.chooseClusters', { prompter });
    assert.deepEqual(vscode.workspace.getConfiguration('istio').get('mesh.contexts'), contexts);
    // The multi-cluster commands run the testbed's istioctl.
    await vscode.workspace.getConfiguration('istio').update('istioctlPath', process.env.ISTIO_MESH_TESTBED_ISTIOCTL, vscode.ConfigurationTarget.Global);
  });

  after(async () => {
    for (const context of contexts ?? []) {
      for (const name of [ns, late]) await services?.clusters.clientFor(context)?.delete(Kinds.Namespace, name).catch(() => undefined);
    }
    await vscode.workspace.getConfiguration('istio').update('mesh.contexts', undefined, vscode.ConfigurationTarget.Global);
    await vscode.workspace.getConfiguration('istio').update('istioctlPath', undefined, vscode.ConfigurationTarget.Global);
  });

  it('shows a Clusters level with each cluster\'s name, mesh ID, network, revisions and remote secrets', async () => {
    const rows = await waitFor('both cluster rows with their mesh values', async () => {
      const found = await clusterRows();
      const ok = contexts.every((c, i) => String(found.get(c)?.item.description ?? '').startsWith(`cluster${i + 1} · mesh mesh1 · network network1 · istiod default`));
      return ok && found.size === 2 ? found : undefined;
    });
    assert.deepEqual([...rows.keys()], contexts);
    const group = (children: readonly { item: vscode.TreeItem }[]) => children.find((c) => c.item.label === 'Remote secrets')!;
    for (const [i, context] of contexts.entries()) {
      const other = i === 0 ? 2 : 1;
      // The secret's target is named once the other cluster's facts are read too.
      const target = `cluster${other} (${contexts[other - 1]})`;
      const [children, secrets] = await waitFor(`the remote secret of ${context} for ${target}`, async () => {
        const found = await childrenOf((await clusterRows()).get(context)!.node);
        const group = found.find((c) => c.item.label === 'Remote secrets');
        const rows = group && (await childrenOf(group.node));
        // istiod's sync state, read through the API server's pod proxy (the testbed puts istiod's pod on this
        // machine's address), says the other cluster is synced.
        return rows?.some((r) => r.item.label === target && String(r.item.description).endsWith(' · synced')) ? [found, rows] as const : undefined;
      });
      assert.deepEqual(children.map((c) => c.item.label), ['Control plane', 'Namespaces', 'Remote secrets']);
      // Two clusters' rows of the same kind are two rows: VS Code refuses a tree with one id twice.
      assert.equal(children[1].item.id, `${context}/namespaces`);
      assert.deepEqual(secrets.map((s) => s.item.label), [target]);
      assert.match(String(secrets[0].item.description), /^https:\/\/127\.0\.0\.1:\d+ · synced$/);
      assert.equal(group(children).item.description, '1 · 1 synced');
    }
    // The selected context's rows keep their commands; the other cluster's rows act on no other context than theirs.
    const selected = services.mesh.contextName;
    const other = contexts.find((c) => c !== selected)!;
    const cp = async (context: string) => (await childrenOf(rows.get(context)!.node)).find((c) => c.item.label === 'Control plane')!.item;
    assert.equal((await cp(selected!)).contextValue, 'controlPlane:installed');
    assert.equal((await cp(other)).contextValue, 'otherContext:controlPlane:installed');
  });

  it('marks a namespace injected in one cluster only, reports it in Problems, and clears both once it is fixed', async () => {
    const [one, two] = contexts;
    await client(one).create(namespace(ns, { 'istio-injection': 'enabled' }));
    await client(two).create(namespace(ns));
    const marked = await waitFor('the namespace marked in both clusters', async () => {
      const rows = await Promise.all([namespaceRow(one, ns), namespaceRow(two, ns)]);
      return rows.every((r) => String(r?.description ?? '').includes('differs between clusters')) ? rows : undefined;
    });
    assert.match(unescape((marked[1]!.tooltip as vscode.MarkdownString).value), new RegExp(`injected \\(default\\) in ${one}, not injected in ${two}`));
    const problem = await waitFor('the finding in Problems', () => diagnosticsOn(two, ns).find((d) => d.code === 'injectionDiffers'));
    assert.equal(problem.severity, vscode.DiagnosticSeverity.Warning);
    assert.match(problem.message, new RegExp(`What to do: .*kubectl label namespace ${ns} istio-injection=enabled --context=${two}`));
    const cluster2 = (await clusterRows()).get(two)!.item;
    assert.match(String(cluster2.description), /1 warning$/);

    await client(two).labelNamespace(ns, { 'istio-injection': 'enabled' });
    await waitFor('the finding to leave Problems', () => (diagnosticsOn(two, ns).length === 0 ? true : undefined));
    await waitFor('the marks to go', async () => {
      const rows = await Promise.all([namespaceRow(one, ns), namespaceRow(two, ns)]);
      return rows.every((r) => r && !String(r.description).includes('differs')) ? true : undefined;
    });
  });

  it('reports clusters giving different mesh IDs on the odd cluster\'s row and its istio ConfigMap in Problems, and clears both once fixed', async () => {
    const [one, two] = contexts;
    type MeshConfigMap = KubeObject & { data?: Record<string, string> };
    const mesh = async () => (await client(two).get<MeshConfigMap>(Kinds.ConfigMap, 'istio', 'istio-system')).data?.mesh ?? '';
    const original = await mesh();
    const meshId = /meshId: "?mesh1"?/;
    assert.match(original, meshId);
    const setMesh = (text: string) => client(two).patch(Kinds.ConfigMap, 'istio', 'istio-system', { data: { mesh: text } }, 'merge');
    const configMapProblems = () => vscode.languages.getDiagnostics(vscode.Uri.from({ scheme: 'istio-mesh', path: '/istio-system/ConfigMap/istio.yaml', query: encodeURIComponent(two) }));
    await setMesh(original.replace(meshId, 'meshId: mesh2'));
    try {
      const problem = await waitFor('the mesh ID finding in Problems', () => vscode.languages.getDiagnostics().flatMap(([, list]) => list).find((d) => d.code === 'meshIdMismatch'), 60_000);
      assert.equal(problem.severity, vscode.DiagnosticSeverity.Error);
      assert.match(problem.message, new RegExp(`${one} mesh1, ${two} mesh2.*What to do: Reinstall Istio on ${two} with the mesh ID of the others: istioctl install --context=${two} --set values.global.meshID=mesh1`));
      assert.ok(configMapProblems().some((d) => d.code === 'meshIdMismatch'), `on ${two}'s istio ConfigMap: ${JSON.stringify(vscode.languages.getDiagnostics().filter(([, l]) => l.length).map(([u]) => u.toString()))}`);
      const row = await waitFor(`${two}'s row to say it`, async () => {
        const found = (await clusterRows()).get(two)?.item;
        return found && /mesh mesh2.*1 error$/.test(String(found.description)) ? found : undefined;
      });
      assert.match(unescape((row.tooltip as vscode.MarkdownString).value), /One mesh needs one ID/);
      assert.doesNotMatch(String((await clusterRows()).get(one)?.item.description), /error/);
    } finally {
      await setMesh(original);
    }
    await waitFor('the finding to leave Problems', () => (vscode.languages.getDiagnostics().some(([, list]) => list.some((d) => d.code === 'meshIdMismatch')) ? undefined : true), 60_000);
  });

  it('runs Enable Sidecar Injection from a namespace row of the other cluster against that cluster, naming its context', async () => {
    const selected = services.mesh.contextName!;
    const other = contexts.find((c) => c !== selected)!;
    const name = `row-${RUN}`;
    for (const context of contexts) await client(context).create(namespace(name));
    const row = await waitFor(`the namespace row under ${other}`, async () => {
      const cluster = (await clusterRows()).get(other);
      const group = cluster && (await childrenOf(cluster.node)).find((c) => c.item.label === 'Namespaces');
      return group && (await childrenOf(group.node)).find((c) => c.item.label === name);
    });
    assert.equal(row.item.contextValue, 'namespace:none', 'the row keeps its namespace commands');
    const prompter = new ScriptedPrompter([ScriptedPrompter.label('Default revision')]);
    const result = await vscode.commands.executeCommand<{ status: string }>('istio.namespace.enableInjection', row.node, { prompter });
    assert.equal(result.status, 'done', JSON.stringify(result));
    assert.match(prompter.asked[0].title, new RegExp(`namespace "${name}" \\(context "${other}"\\)`));
    const labels = async (context: string) => (await client(context).get(Kinds.Namespace, name)).metadata.labels ?? {};
    assert.equal((await labels(other))['istio-injection'], 'enabled', `labelled in ${other}`);
    assert.equal((await labels(selected))['istio-injection'], undefined, `not in the selected context ${selected}`);
    for (const context of contexts) await client(context).delete(Kinds.Namespace, name).catch(() => undefined);
  });

  it('re-runs Install Multi-Cluster Mesh on the joined clusters with their own root: one confirmation naming both contexts, cacerts kept, Istio and the links applied, no mesh problem', async function () {
    this.timeout(8 * 60_000);
    const dir = process.env.ISTIO_MESH_TESTBED_DIR;
    assert.ok(dir, 'ISTIO_MESH_TESTBED_DIR');
    const settings = vscode.workspace.getConfiguration('istio');
    // The testbed's install profile. Its webhook URLs differ per cluster and the command takes one set of values, so
    // the webhooks point at istiod's Service afterwards: the only test after this one creates no pod.
    await settings.update('install.defaults', { profile: 'minimal' }, vscode.ConfigurationTarget.Global);
    const before = await Promise.all(contexts.map(async (c) => (await client(c).get(Kinds.Secret, 'cacerts', 'istio-system')).metadata.resourceVersion));
    try {
      const prompter = new ScriptedPrompter([
        [...contexts], 'mesh1', ScriptedPrompter.label('One network'), 'cluster1', 'cluster2',
        ScriptedPrompter.label('Use an existing root CA…'), 'Install Multi-Cluster Mesh',
      ]);
      const result = await vscode.commands.executeCommand<MultiClusterResult>('istio.installMultiCluster', {
        prompter, rootFiles: { cert: join(dir, 'pki', 'root-cert.pem'), key: join(dir, 'pki', 'root-key.pem') },
      });
      assert.equal(result.status, 'done', JSON.stringify(result));
      const confirm = prompter.asked.find((q) => q.kind === 'confirm');
      assert.ok(confirm, 'asked once before changing anything');
      assert.equal(confirm.title, `Install Multi-Cluster Mesh: mesh "mesh1" across contexts "${contexts[0]}", "${contexts[1]}"?`);
      for (const c of contexts) assert.match(confirm.detail ?? '', new RegExp(c), `the plan names ${c}`);
      assert.deepEqual(result.status === 'done' ? result.report.findings : undefined, [], 'the mesh checks found nothing');
      const after = await Promise.all(contexts.map(async (c) => (await client(c).get(Kinds.Secret, 'cacerts', 'istio-system')).metadata.resourceVersion));
      assert.deepEqual(after, before, 'cacerts of the same root were kept as they were');
      await assertLinkedBothWays();
    } finally {
      await settings.update('install.defaults', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('Link Cluster… links the two existing primaries again: one confirmation naming both, remote secrets both ways, no mesh problem', async function () {
    this.timeout(5 * 60_000);
    const prompter = new ScriptedPrompter([ScriptedPrompter.label('Link two existing primaries'), [...contexts], 'Link Cluster']);
    const result = await vscode.commands.executeCommand<MultiClusterResult>('istio.linkCluster', { prompter });
    assert.equal(result.status, 'done', JSON.stringify(result));
    assert.deepEqual(prompter.asked.map((q) => q.kind), ['pickOne', 'pickMany', 'confirm', 'offer']);
    assert.equal(prompter.asked[2].title, `Link Cluster: mesh "mesh1" across contexts "${contexts[0]}", "${contexts[1]}"?`);
    assert.deepEqual(result.status === 'done' ? result.report.findings : undefined, [], 'the mesh checks found nothing');
    await assertLinkedBothWays();
  });

  it('shows a cluster whose API server stopped as unreachable, and keeps the other live', async () => {
    const [one, two] = contexts;
    const dir = process.env.ISTIO_MESH_TESTBED_DIR;
    assert.ok(dir, 'ISTIO_MESH_TESTBED_DIR');
    const { pid } = JSON.parse(readFileSync(join(dir, 'cluster-2', 'pids', 'kube-apiserver.json'), 'utf8')) as { pid: number };
    process.kill(pid, 'SIGKILL');
    const row = await waitFor(`${two} to show unreachable`, async () => {
      const found = (await clusterRows()).get(two)?.item;
      return found && String(found.description).startsWith('unreachable') ? found : undefined;
    });
    const error = services.clusters.clusters.find((c) => c.context === two)?.session.error;
    assert.ok(error, `${two}'s session has its error`);
    assert.ok(unescape((row.tooltip as vscode.MarkdownString).value).includes(`$(error) ${error.message}`), `the tooltip gives the error: ${(row.tooltip as vscode.MarkdownString).value}`);
    await client(one).create(namespace(late));
    await waitFor(`a namespace created in ${one} afterwards to appear under it`, async () => ((await namespaceRow(one, late)) ? true : undefined));
    assert.match(String((await clusterRows()).get(one)?.item.description), /^cluster1 · mesh mesh1/);
  });
});
