// `Istio: Install Multi-Cluster Mesh…` and `Istio: Unlink Cluster…` inside real VS Code, through their questions
// (a scripted prompter), against the integration tier's one testbed cluster seen through two contexts (a kubeconfig
// with a second context on the same cluster). That cluster runs Istio without a plugged-in CA, so the install must
// stop at the plan with the reason for each context and change nothing; unlink finds no remote secret to delete.
// The flow that changes clusters runs in test/cluster/multiclusterInstall.test.ts on two real clusters.
import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { parse, stringify } from 'yaml';
import type { MultiClusterResult } from '../../src/commands/multiClusterFlow';
import { Kinds } from '../../src/cluster/kinds';
import type { Services } from '../../src/services';
import { ScriptedPrompter } from '../builders/prompter';
import { requireTestCluster } from './cluster';

const context = process.env.ISTIO_MESH_TESTBED_CONTEXT ?? 'istio-mesh-testbed';
const alias = `${context}-again`;

describe('Multi-cluster commands (real VS Code, one testbed cluster through two contexts)', function () {
  this.timeout(3 * 60_000);
  let services: Services;
  let dir: string;
  const settings = () => vscode.workspace.getConfiguration('istio');

  before(async () => {
    requireTestCluster();
    services = (await vscode.extensions.getExtension<Services>('istio-mesh.istio-mesh')!.activate());
    dir = mkdtempSync(join(tmpdir(), 'istio-mc-it-'));
    const config = parse(readFileSync(process.env.KUBECONFIG!, 'utf8')) as { contexts: { name: string; context: unknown }[] };
    const own = config.contexts.find((c) => c.name === context)!;
    config.contexts.push({ name: alias, context: own.context });
    writeFileSync(join(dir, 'kubeconfig'), stringify(config), { mode: 0o600 });
    await settings().update('kubeconfig', join(dir, 'kubeconfig'), vscode.ConfigurationTarget.Global);
    await settings().update('istioctlPath', process.env.ISTIO_MESH_TESTBED_ISTIOCTL, vscode.ConfigurationTarget.Global);
  });

  after(async () => {
    await settings().update('kubeconfig', undefined, vscode.ConfigurationTarget.Global);
    await settings().update('istioctlPath', undefined, vscode.ConfigurationTarget.Global);
    rmSync(dir, { recursive: true, force: true });
  });

  it('asks for contexts, mesh ID, networks, names and root, then refuses clusters running Istio with a self-signed root', async () => {
    const prompter = new ScriptedPrompter([
      [context, alias], 'mesh1', ScriptedPrompter.label('One network'), 'east', 'west',
      ScriptedPrompter.label('Generate a new root CA, discard its key'),
    ]);
    const result = await vscode.commands.executeCommand<MultiClusterResult>('istio.installMultiCluster', { prompter });
    assert.equal(result.status, 'blocked', JSON.stringify(result));
    assert.deepEqual(prompter.asked.map((q) => q.title), [
      'Contexts of the multi-cluster mesh (two or more)', 'Mesh ID', 'Networks',
      `Cluster name for context "${context}"`, `Cluster name for context "${alias}"`, 'Root CA of the mesh',
    ]);
    assert.ok(prompter.asked[0].items?.some((i) => i.label === alias), 'the contexts come from the kubeconfig setting');
    assert.equal(prompter.asked[3].value, context, 'the cluster name is suggested from the context');
    for (const ctx of [context, alias]) assert.match('message' in result ? result.message : '', new RegExp(`"${ctx}" runs Istio without a plugged-in CA`));
    const client = await services.mesh.getClient();
    await assert.rejects(client.get(Kinds.Secret, 'cacerts', 'istio-system'), /not ?found/i, 'nothing was written');
  });

  it('Unlink Cluster… asks, names both contexts, and deletes nothing when no remote secret links them', async () => {
    const prompter = new ScriptedPrompter([[context, alias], 'Unlink']);
    const result = await vscode.commands.executeCommand<{ status: string; report?: { removed: string[]; left: string[] } }>('istio.unlinkCluster', { prompter });
    assert.equal(result.status, 'done', JSON.stringify(result));
    assert.deepEqual(result.report, { removed: [], left: [] });
    assert.equal(prompter.asked[1].title, `Unlink contexts "${context}" and "${alias}"?`);
  });
});
