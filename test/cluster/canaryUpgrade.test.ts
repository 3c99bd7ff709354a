// The canary upgrade machine against the shared testbed with the real istioctl and istiod: a full upgrade that
// moves a tag, restarts and verifies the pods' proxies; a refused uninstall of the old revision that leaves every
// object in place; a rollback from the middle (after the restart) that relabels and restarts back; and a tag that
// does not move while the new istiod is not ready. The testbed has one Istio build, so the "new version" is a second
// revision name served by the same build; its install step is the testbed's (a local istiod reached by URL),
// everything else is the extension's own flow.
import * as assert from 'node:assert/strict';
import { resolve } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { ClusterClient } from '../../src/cluster/client';
import type { ClusterTarget } from '../../src/install/args';
import type { InstallCluster } from '../../src/install/installCluster';
import { installClusterFrom } from '../../src/install/installClusterAdapter';
import { listControlPlanes } from '../../src/install/installer';
import { istioctlClientVersion } from '../../src/install/istioctl';
import { removalTargets } from '../../src/install/removal';
import { listRevisionTags } from '../../src/install/usage';
import type { RolloutCluster } from '../../src/injection/rolloutCluster';
import { rolloutClusterFrom } from '../../src/injection/rolloutClusterAdapter';
import { advance, rollBack, uninstallOld, type MachineOptions } from '../../src/upgrade/machine';
import type { UpgradeOps } from '../../src/upgrade/ops';
import { upgradeOpsFrom } from '../../src/upgrade/opsAdapter';
import { revisionNameFor } from '../../src/upgrade/revisionName';
import { currentStep, newUpgrade, type MovePlan, type StepId, type UpgradeState } from '../../src/upgrade/state';
import { podRevisionSource, podRevisionsOf } from '../../src/upgrade/verify';
import { silentLogger } from '../../src/util/log';
import { deployment, ensureIstio, execFileText, kubeConfig, namespace, testbedEnv, waitUntil } from './support';

const RUN = Date.now().toString(36);

describe('canary upgrade on two revisions (shared testbed)', function () {
  this.timeout(20 * 60_000);
  const env = testbedEnv();
  const testbedCli = resolve(process.cwd(), 'testbed', 'testbed.mjs');
  const kc = kubeConfig(env);
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const apps = kc.makeApiClient(k8s.AppsV1Api);
  const target: ClusterTarget = { kubeconfig: env.kubeconfig, context: env.context };
  const tag = `u${RUN}`;
  const tagged = `up-tag-${RUN}`;
  const direct = `up-rev-${RUN}`;
  let revision = '';
  let version = '';
  let client: ClusterClient;
  let cluster: InstallCluster;
  let rollouts: RolloutCluster;
  let ops: UpgradeOps;

  const podRevisions = async (ns: string) => podRevisionsOf(await rollouts.listPods(ns)).map((p) => p.revision);
  const allOn = (ns: string, rev: string) => waitUntil(`pods of ${ns} on ${rev}`, async () => {
    const revs = await podRevisions(ns);
    return revs.length === 2 && revs.every((r) => r === rev) ? revs : undefined;
  }, { timeoutMs: 180_000 });

  function machine(stopAfter?: StepId): MachineOptions {
    const controller = new AbortController();
    return {
      ops, signal: controller.signal, readyTimeoutMs: 180_000, verifyTimeoutMs: 180_000, pollIntervalMs: 500, log: silentLogger,
      save: (state) => {
        if (stopAfter && state.steps[stopAfter].status === 'done') controller.abort();
      },
    };
  }

  function upgrade(move: MovePlan): UpgradeState {
    return newUpgrade({ context: env.context, from: { revision: 'default', version }, to: { revision, version }, move });
  }

  before(async () => {
    await ensureIstio(env);
    client = await ClusterClient.connect({ settingPath: env.kubeconfig, context: env.context });
    cluster = installClusterFrom(client);
    rollouts = rolloutClusterFrom(client);
    version = await istioctlClientVersion(env.istioctl);
    const [revisions, tags] = await Promise.all([listControlPlanes(cluster), listRevisionTags(cluster)]);
    revision = revisionNameFor(version, [...revisions.map((r) => r.revision), ...tags.map((t) => t.name)]);
    const real = upgradeOpsFrom({
      deps: { cluster, istioctlPath: env.istioctl, log: silentLogger, pollIntervalMs: 250 }, target, rollouts,
      pods: podRevisionSource((ns) => rollouts.listPods(ns)), istioctlVersion: version, restartConcurrency: 4,
    });
    // The testbed's istiod runs as a local process reached by URL: its install of a further revision replaces istioctl's.
    ops = { ...real, install: async (rev) => void (await execFileText(process.execPath, [testbedCli, 'istio', '--revision', rev, '--dir', env.dir], 10 * 60_000)) };
    await real.setTag(tag, 'default');
    for (const [ns, labels] of [[tagged, { 'istio.io/rev': tag }], [direct, { 'istio.io/rev': 'default' }]] as const) {
      await core.createNamespace({ body: namespace(ns, labels) });
      await apps.createNamespacedDeployment({ namespace: ns, body: deployment('web', ns, 2) });
      await allOn(ns, 'default');
    }
  });

  after(async () => {
    for (const ns of [tagged, direct]) await core.deleteNamespace({ name: ns }).catch(() => undefined);
    const flags = [`--kubeconfig=${env.kubeconfig}`, `--context=${env.context}`];
    await execFileText(env.istioctl, ['tag', 'remove', tag, '-y', ...flags], 60_000).catch(() => undefined);
    // Leave the shared testbed as the other suites expect it: one revision.
    if (revision) {
      await execFileText(env.istioctl, ['uninstall', '--revision', revision, '-y', ...flags], 5 * 60_000).catch((err: unknown) => console.error(String(err)));
      await execFileText(process.execPath, [testbedCli, 'istiod', '--stop', '--revision', revision, '--dir', env.dir], 60_000).catch((err: unknown) => console.error(String(err)));
    }
    client?.dispose();
  });

  it('upgrades through a tag: precheck, new revision, ready, tag moved, restarted, every pod on the new proxy', async () => {
    const state = await advance(upgrade({ kind: 'tag', tag, namespaces: [tagged] }), machine());
    assert.equal(currentStep(state), 'uninstall', JSON.stringify(state.steps, null, 1));
    assert.equal((await listRevisionTags(cluster)).find((t) => t.name === tag)?.revision, revision);
    assert.deepEqual(await podRevisions(tagged), [revision, revision]);
    assert.deepEqual(await podRevisions(direct), ['default', 'default']);
  });

  it('refuses to uninstall the old revision while a namespace and its pods use it, and removes nothing', async () => {
    const state = { ...upgrade({ kind: 'tag', tag, namespaces: [tagged] }) };
    const ready = (['precheck', 'install', 'ready', 'move', 'restart', 'verify'] as const).reduce((s, id) => ({ ...s, steps: { ...s.steps, [id]: { status: 'done' as const } } }), state);
    const before = (await removalTargets({ kind: 'revision', revision: 'default' }, cluster)).map((r) => `${r.kind}/${r.name}`).sort();
    const refused = await uninstallOld(ready, machine());
    assert.equal(refused.steps.uninstall.status, 'failed');
    assert.ok(refused.steps.uninstall.details?.some((d) => d.includes(direct)), JSON.stringify(refused.steps.uninstall));
    assert.deepEqual((await removalTargets({ kind: 'revision', revision: 'default' }, cluster)).map((r) => `${r.kind}/${r.name}`).sort(), before);
    assert.ok((await listControlPlanes(cluster)).some((r) => r.revision === 'default' && r.ready));
    assert.deepEqual(await podRevisions(direct), ['default', 'default']);
  });

  it('rolls back from the middle (after the restart): the namespace is relabelled back and its pods run the old proxy', async () => {
    const move: MovePlan = { kind: 'relabel', namespaces: [{ name: direct, previous: { mode: 'revision', revision: 'default' } }] };
    const midway = await advance(upgrade(move), machine('restart'));
    assert.equal(midway.steps.restart.status, 'done', JSON.stringify(midway.steps));
    assert.equal((await core.readNamespace({ name: direct })).metadata?.labels?.['istio.io/rev'], revision);
    await allOn(direct, revision);
    const back = await rollBack(midway, machine());
    assert.equal(back.phase, 'rolledBack', JSON.stringify(back.rollback));
    assert.equal((await core.readNamespace({ name: direct })).metadata?.labels?.['istio.io/rev'], 'default');
    assert.deepEqual(await podRevisions(direct), ['default', 'default']);
  });

  it('refuses to move a tag while the new istiod is not ready, and moves nothing', async () => {
    const waiting = `w${RUN}`;
    const istiod = { name: `istiod-${revision}`, namespace: 'istio-system' };
    const jsonPatch = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.JsonPatch);
    await ops.setTag(waiting, 'default', new AbortController().signal);
    // A template change whose pod no node accepts: the Deployment's rollout never finishes, so the revision is not ready.
    await apps.patchNamespacedDeployment({ ...istiod, body: [{ op: 'add', path: '/spec/template/spec/nodeSelector', value: { 'istio-mesh-test/nowhere': 'true' } }] }, jsonPatch);
    try {
      await waitUntil(`${istiod.name} not ready`, async () => ((await listControlPlanes(cluster)).find((r) => r.revision === revision)?.ready === false ? true : undefined));
      const readyDone = (['precheck', 'install', 'ready'] as const).reduce((s, id) => ({ ...s, steps: { ...s.steps, [id]: { status: 'done' as const } } }), upgrade({ kind: 'tag', tag: waiting, namespaces: [] }));
      const refused = await advance(readyDone, { ...machine(), readyTimeoutMs: 3_000 });
      assert.equal(refused.steps.move.status, 'failed', JSON.stringify(refused.steps.move));
      assert.match(refused.steps.move.message ?? '', /is not ready .*nothing was moved/);
      assert.equal((await listRevisionTags(cluster)).find((t) => t.name === waiting)?.revision, 'default');
    } finally {
      await apps.patchNamespacedDeployment({ ...istiod, body: [{ op: 'remove', path: '/spec/template/spec/nodeSelector' }] }, jsonPatch);
      const flags = [`--kubeconfig=${env.kubeconfig}`, `--context=${env.context}`];
      await execFileText(env.istioctl, ['tag', 'remove', waiting, '-y', ...flags], 60_000).catch(() => undefined);
    }
  });
});
