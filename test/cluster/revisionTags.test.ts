// Revision tags and the uninstall's refusal against the shared testbed with two revisions (default, and canary with
// its own local istiod): a tag set, moved and removed through the extension's tag module (the functions the
// `Istio: Set/Remove Revision Tag…` commands run) with the real istioctl, each checked on the tag's
// MutatingWebhookConfiguration; and an uninstall of the canary, still used through the tag, declined at the
// typed-name step: every object stays.
import * as assert from 'node:assert/strict';
import { resolve } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { ClusterClient } from '../../src/cluster/client';
import type { ClusterTarget } from '../../src/install/args';
import type { InstallCluster } from '../../src/install/installCluster';
import { installClusterFrom } from '../../src/install/installClusterAdapter';
import { listControlPlanes, type FlowDeps } from '../../src/install/installer';
import { removalTargets } from '../../src/install/removal';
import { executeTagPlan, planTagRemove, planTagSet, type TagRemovePlan, type TagSetPlan } from '../../src/install/tags';
import { confirmUninstall, type UninstallAsker } from '../../src/install/uninstallConfirmation';
import { listRevisionTags, namespacesMatching, revisionUsers, tagUserSelectors } from '../../src/install/usage';
import { silentLogger } from '../../src/util/log';
import { ensureIstio, execFileText, kubeConfig, testbedEnv } from './support';

const RUN = Date.now().toString(36);

describe('revision tags on two revisions (shared testbed)', function () {
  this.timeout(15 * 60_000);
  const env = testbedEnv();
  const testbedCli = resolve(process.cwd(), 'testbed', 'testbed.mjs');
  const core = kubeConfig(env).makeApiClient(k8s.CoreV1Api);
  const tag = `t${RUN}`;
  const ns = `tags-${RUN}`;
  const target: ClusterTarget = { kubeconfig: env.kubeconfig, context: env.context };
  let client: ClusterClient;
  let cluster: InstallCluster;
  let deps: FlowDeps;

  const tagRevision = async () => (await listRevisionTags(cluster)).find((t) => t.name === tag)?.revision;
  const plan = async (revision: string) => planTagSet({
    tag, revision, revisions: await listControlPlanes(cluster), tags: await listRevisionTags(cluster),
    users: await namespacesMatching(cluster, tagUserSelectors(tag)), target, istioctlPath: env.istioctl,
  });

  before(async () => {
    await ensureIstio(env);
    await execFileText(process.execPath, [testbedCli, 'istio', '--revision', 'canary', '--dir', env.dir], 10 * 60_000);
    client = await ClusterClient.connect({ settingPath: env.kubeconfig, context: env.context });
    cluster = installClusterFrom(client);
    deps = { cluster, istioctlPath: env.istioctl, log: silentLogger, pollIntervalMs: 250 };
    await core.createNamespace({ body: { metadata: { name: ns, labels: { 'istio.io/rev': tag } } } });
  });

  after(async () => {
    await core.deleteNamespace({ name: ns }).catch(() => undefined);
    await execFileText(env.istioctl, ['tag', 'remove', tag, '-y', `--kubeconfig=${env.kubeconfig}`, `--context=${env.context}`], 60_000).catch(() => undefined);
    // Leave the shared testbed as the other suites expect it: one revision.
    await execFileText(env.istioctl, ['uninstall', '--revision', 'canary', '-y', `--kubeconfig=${env.kubeconfig}`, `--context=${env.context}`], 5 * 60_000).catch((err: unknown) => console.error(String(err)));
    await execFileText(process.execPath, [testbedCli, 'istiod', '--stop', '--revision', 'canary', '--dir', env.dir], 60_000).catch((err: unknown) => console.error(String(err)));
    client?.dispose();
  });

  it('sets a new tag on the default revision: its webhook points there', async () => {
    const set = await plan('default') as TagSetPlan;
    assert.equal(set.previous, undefined, JSON.stringify(set));
    assert.ok(!set.args.includes('--overwrite'));
    assert.deepEqual(set.users, [ns]);
    await executeTagPlan(set, deps);
    assert.equal(await tagRevision(), 'default');
  });

  it('moves the tag to canary with --overwrite, and refuses to "move" it where it already is', async () => {
    const move = await plan('canary') as TagSetPlan;
    assert.equal(move.previous, 'default');
    assert.ok(move.args.includes('--overwrite'));
    await executeTagPlan(move, deps);
    assert.equal(await tagRevision(), 'canary');
    assert.deepEqual(await plan('canary'), { refused: `Tag "${tag}" already points at revision "canary".` });
  });

  it('a declined uninstall of the canary, still used through the tag, leaves everything in place', async () => {
    const scope = { kind: 'revision', revision: 'canary' } as const;
    const users = await revisionUsers(cluster, scope);
    assert.ok(users.namespaces.includes(ns), JSON.stringify(users));
    assert.ok(users.tags.some((t) => t.name === tag), JSON.stringify(users));
    const before = (await removalTargets(scope, cluster)).map((r) => `${r.kind}/${r.name}`).sort();
    assert.ok(before.includes('Deployment/istiod-canary'), before.join(', '));
    // The user clicks "Uninstall Anyway" but does not type the revision's name.
    const asked: string[] = [];
    const asker: UninstallAsker = {
      confirm: async (message, detail) => (asked.push(message, detail), true),
      input: async () => undefined,
    };
    assert.equal(await confirmUninstall(asker, scope, env.context, 'istioctl uninstall', users), false);
    assert.match(asked[1], new RegExp(`Namespaces still using it .*${ns}`));
    assert.deepEqual((await removalTargets(scope, cluster)).map((r) => `${r.kind}/${r.name}`).sort(), before);
    assert.equal(await tagRevision(), 'canary');
    assert.ok((await listControlPlanes(cluster)).some((r) => r.revision === 'canary'));
  });

  it('removes the tag still used by a namespace once confirmed: its webhook is gone', async () => {
    const remove = planTagRemove({ tag, tags: await listRevisionTags(cluster), users: await namespacesMatching(cluster, tagUserSelectors(tag)), target, istioctlPath: env.istioctl }) as TagRemovePlan;
    assert.deepEqual(remove.users, [ns]);
    await executeTagPlan(remove, deps);
    assert.equal(await tagRevision(), undefined);
  });
});
