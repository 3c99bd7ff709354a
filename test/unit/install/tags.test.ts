import assert from 'node:assert/strict';
import type { UnstructuredObject } from '../../../src/cluster/types';
import { tagRemoveArgs, tagSetArgs, type ClusterTarget } from '../../../src/install/args';
import { controlPlaneRevisions } from '../../../src/install/controlPlane';
import { InstallError, type Runner } from '../../../src/install/installer';
import type { RunResult } from '../../../src/install/process';
import { executeTagPlan, planTagRemove, planTagSet, tagNameProblem, type TagRemovePlan, type TagSetPlan } from '../../../src/install/tags';
import { listRevisionTags } from '../../../src/install/usage';
import { silentLogger } from '../../../src/util/log';
import { istiodDeployment, tagWebhook, webhook } from '../../builders/install';
import { MemoryCluster } from './memoryCluster';

const target: ClusterTarget = { kubeconfig: '/home/u/.kube/config', context: 'prod-eu' };
const istioctlPath = '/usr/local/bin/istioctl';
const revisions = controlPlaneRevisions([istiodDeployment({ revision: '1-30' }), istiodDeployment({ revision: '1-31' }), istiodDeployment({ revision: 'next', ready: false })]);
const prod = { name: 'prod', revision: '1-30' };

function planSet(tag: string, revision: string, o: { users?: string[] } = {}) {
  return planTagSet({ tag, revision, revisions, tags: [prod], users: o.users ?? [], target, istioctlPath });
}

describe('revision tags', () => {
  describe('istioctl arguments', () => {
    it('set: the tag, --revision, --overwrite only to move, and the explicit context', () => {
      assert.deepEqual(tagSetArgs('prod', '1-31', false, target), ['tag', 'set', 'prod', '--revision', '1-31', '--kubeconfig', '/home/u/.kube/config', '--context', 'prod-eu']);
      assert.deepEqual(tagSetArgs('prod', '1-31', true, { kubeconfig: '', context: 'kind' }), ['tag', 'set', 'prod', '--revision', '1-31', '--overwrite', '--context', 'kind']);
    });

    it('remove: --skip-confirmation, since the extension asked first with the namespaces listed', () => {
      assert.deepEqual(tagRemoveArgs('prod', target), ['tag', 'remove', 'prod', '--skip-confirmation', '--kubeconfig', '/home/u/.kube/config', '--context', 'prod-eu']);
    });
  });

  describe('planning a tag set', () => {
    it('a new tag: no --overwrite, the command line and the context in the plan', () => {
      const plan = planSet('stable', '1-31') as TagSetPlan;
      assert.equal(plan.previous, undefined);
      assert.deepEqual(plan.args, tagSetArgs('stable', '1-31', false, target));
      assert.deepEqual(plan.summary, [
        'New tag "stable" → revision 1.29.0 (revision 1-31, 1/1 ready).',
        'No namespace uses the tag yet.',
        'Command: /usr/local/bin/istioctl tag set stable --revision 1-31 --kubeconfig /home/u/.kube/config --context prod-eu',
      ]);
    });

    it('a move: --overwrite, the previous revision and the namespaces that follow on restart', () => {
      const plan = planSet('prod', '1-31', { users: ['pay', 'shop'] }) as TagSetPlan;
      assert.equal(plan.previous, '1-30');
      assert.ok(plan.args.includes('--overwrite'));
      assert.equal(plan.summary[0], 'Move tag "prod" from revision "1-30" to 1.29.0 (revision 1-31, 1/1 ready).');
      assert.equal(plan.summary[1], 'Namespaces using the tag (their pods get the new revision\'s proxy when restarted): pay, shop');
    });

    it('the default tag says it also serves istio-injection=enabled', () => {
      const plan = planSet('default', '1-31') as TagSetPlan;
      assert.match(plan.summary[1], /istio-injection=enabled/);
    });

    it('refuses a revision whose istiod is not ready, an unknown revision, a tag named like a revision, no change, and bad names', () => {
      assert.deepEqual(planSet('prod', 'next'), { refused: 'istiod of revision "next" is not ready (0/1): a tag pointing at it would send new pods to a control plane that does not answer. Set the tag once it is ready.' });
      assert.deepEqual(planSet('prod', '1-32'), { refused: 'No istiod of revision "1-32" in context "prod-eu".' });
      assert.deepEqual(planSet('1-30', '1-31'), { refused: '"1-30" is the name of a revision; a tag may not shadow it.' });
      assert.deepEqual(planSet('prod', '1-30'), { refused: 'Tag "prod" already points at revision "1-30".' });
      assert.match((planSet('Prod', '1-31') as { refused: string }).refused, /^"Prod" is not a valid tag/);
    });

    it('tag names: DNS-1123 labels of at most 56 characters', () => {
      for (const ok of ['prod', 'a', '1-31', 'x'.repeat(56)]) assert.equal(tagNameProblem(ok), undefined, ok);
      for (const bad of ['', 'Prod', '-prod', 'prod-', 'pr_od', 'pr od', 'x'.repeat(57), 'a;rm']) assert.ok(tagNameProblem(bad), JSON.stringify(bad));
    });
  });

  describe('planning a tag removal', () => {
    it('lists the namespaces still using the tag, and refuses a tag that does not exist', () => {
      const plan = planTagRemove({ tag: 'prod', tags: [prod], users: ['shop'], target, istioctlPath }) as TagRemovePlan;
      assert.deepEqual(plan.users, ['shop']);
      assert.deepEqual(plan.args, tagRemoveArgs('prod', target));
      assert.equal(plan.summary[1], 'Namespaces still using it (new pods there get no sidecar; running ones keep theirs until restarted): shop');
      assert.deepEqual(planTagRemove({ tag: 'gone', tags: [prod], users: [], target, istioctlPath }), { refused: 'No revision tag "gone" in context "prod-eu".' });
    });
  });

  describe('running and verifying', () => {
    const ok: RunResult = { exitCode: 0, signal: null, stdout: '', stderr: '', cancelled: false };

    /** istioctl tag set/remove over the memory cluster; `declines` exits 0 without applying, as istioctl does on a conflict without a terminal. */
    function fakeIstioctl(cluster: MemoryCluster, o: { declines?: boolean; exitCode?: number } = {}) {
      const calls: string[][] = [];
      const run: Runner = async (_exe, args) => {
        calls.push([...args]);
        if (o.exitCode) return { ...ok, exitCode: o.exitCode, stderr: 'Error: revision tag "prod" already exists, and --overwrite is false' };
        if (o.declines) return { ...ok, stderr: 'creating tag would conflict, pass --skip-confirmation to proceed' };
        const tag = args[2];
        cluster.objects = cluster.objects.filter((w) => w.metadata.name !== `istio-revision-tag-${tag}`);
        if (args[1] === 'set') cluster.objects.push(tagWebhook(tag, args[args.indexOf('--revision') + 1]));
        return ok;
      };
      return { run, calls };
    }

    function clusterWithProd(): MemoryCluster {
      const cluster = new MemoryCluster();
      cluster.objects.push(istiodDeployment({ revision: '1-30' }), istiodDeployment({ revision: '1-31' }), webhook('1-30'), webhook('1-31'), tagWebhook('prod', '1-30'));
      return cluster;
    }
    const deps = (cluster: MemoryCluster, run: Runner) => ({ cluster, istioctlPath, log: silentLogger, run, pollIntervalMs: 5 });
    const webhookOf = (cluster: MemoryCluster, tag: string): UnstructuredObject | undefined => cluster.objects.find((o) => o.metadata.name === `istio-revision-tag-${tag}`);

    it('moves a tag and checks its webhook now points at the new revision', async () => {
      const cluster = clusterWithProd();
      const plan = planTagSet({ tag: 'prod', revision: '1-31', revisions: controlPlaneRevisions(cluster.objects.filter((o) => o.kind === 'Deployment')), tags: await listRevisionTags(cluster), users: [], target, istioctlPath }) as TagSetPlan;
      const istioctl = fakeIstioctl(cluster);
      await executeTagPlan(plan, deps(cluster, istioctl.run));
      assert.deepEqual(istioctl.calls, [[...plan.args]]);
      assert.equal(webhookOf(cluster, 'prod')?.metadata.labels?.['istio.io/rev'], '1-31');
    });

    it('removes a tag and checks its webhook is gone', async () => {
      const cluster = clusterWithProd();
      const plan = planTagRemove({ tag: 'prod', tags: await listRevisionTags(cluster), users: [], target, istioctlPath }) as TagRemovePlan;
      await executeTagPlan(plan, deps(cluster, fakeIstioctl(cluster).run));
      assert.equal(webhookOf(cluster, 'prod'), undefined);
    });

    it('fails with the webhook\'s state when istioctl exits 0 without applying', async () => {
      const cluster = clusterWithProd();
      const plan = planSet('prod', '1-31') as TagSetPlan;
      await assert.rejects(executeTagPlan(plan, deps(cluster, fakeIstioctl(cluster, { declines: true }).run), 50), (err: unknown) =>
        err instanceof InstallError && err.message === 'istioctl tag set finished, but istio-revision-tag-prod points at revision "1-30". istioctl\'s output is in the log.');
    });

    it('fails with istioctl\'s own error when it exits non-zero, and changes nothing', async () => {
      const cluster = clusterWithProd();
      const plan = planSet('prod', '1-31') as TagSetPlan;
      await assert.rejects(executeTagPlan(plan, deps(cluster, fakeIstioctl(cluster, { exitCode: 1 }).run)), (err: unknown) => err instanceof InstallError && err.kind === 'istioctlFailed');
      assert.equal(webhookOf(cluster, 'prod')?.metadata.labels?.['istio.io/rev'], '1-30');
    });
  });
});
