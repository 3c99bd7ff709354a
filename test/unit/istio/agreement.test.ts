// The places that used to answer "sidecar or not?", "ready?" and "which version?" each in their own way now ask
// src/istio. Each case below is a disagreement that existed between the Mesh view, the injection commands and the
// installer, kept as a regression test: both sides are asked, and must give Istio's answer.
import assert from 'node:assert/strict';
import type { Deployment } from '../../../src/cluster/types';
import { restartCandidates } from '../../../src/injection/planner';
import { restartWorkloads } from '../../../src/injection/rollout';
import { classifyAction } from '../../../src/install/plan';
import { controlPlaneRevisions, deploymentReady } from '../../../src/install/controlPlane';
import { deploymentStatus } from '../../../src/istio/rolloutStatus';
import { injectorEntries } from '../../../src/istio/webhooks';
import { buildControlPlane } from '../../../src/mesh/controlPlane';
import { buildNamespace } from '../../../src/mesh/namespaces';
import { deployment as injectionDeployment, istioctlInstalledWebhooks, pod as injectionPod } from '../../builders/injection';
import { istiodDeployment } from '../../builders/install';
import { deployment, istiod, namespace, pod } from '../../builders/kube';
import { FakeCluster } from '../injection/fakeCluster';

const webhooks = istioctlInstalledWebhooks();
const cp = buildControlPlane({ deployments: [istiod(), istiod({ revision: 'canary' })], daemonSets: [], services: [], webhooks, crdNames: [] });
const mesh = { entries: injectorEntries(webhooks), source: 'cluster' as const };

/** The tree's verdict and the restart command's verdict for one workload with one pod without a sidecar. */
function verdicts(nsName: string, nsLabels: Record<string, string>, templateLabels: Record<string, string>) {
  const tree = buildNamespace({
    namespace: namespace(nsName, nsLabels),
    workloads: [deployment('web', { namespace: nsName, templateLabels })],
    pods: [pod('web-1', { namespace: nsName, owner: { kind: 'Deployment', name: 'web' }, labels: { app: 'web', ...templateLabels } })],
  }, cp);
  const commands = restartCandidates(
    [injectionDeployment('web', { namespace: nsName, templateLabels })],
    [injectionPod('web-1', 'web', { namespace: nsName, labels: templateLabels })],
    { namespace: nsName, namespaceLabels: nsLabels, mesh },
  )[0];
  return { state: tree.injection.state, tree: tree.workloads[0].needsRestart, commands: commands.mismatched > 0, expected: commands.sidecarExpected };
}

describe('the tree and the commands agree with Istio', () => {
  it('sidecar.istio.io/inject="False" is no opt-out: the pod is injected (exact match in istiod and the selectors)', () => {
    assert.deepEqual(verdicts('shop', { 'istio-injection': 'enabled' }, { 'sidecar.istio.io/inject': 'False' }), { state: 'on', tree: true, commands: true, expected: true });
    assert.deepEqual(verdicts('shop', { 'istio-injection': 'enabled' }, { 'sidecar.istio.io/inject': 'no' }), { state: 'on', tree: true, commands: true, expected: true });
  });

  it('a pod istio.io/rev that no webhook serves gets nothing in an unlabelled namespace', () => {
    assert.deepEqual(verdicts('shop', {}, { 'istio.io/rev': 'nope' }), { state: 'none', tree: false, commands: false, expected: false });
    assert.deepEqual(verdicts('shop', {}, { 'istio.io/rev': 'prod' }), { state: 'none', tree: true, commands: true, expected: true });
  });

  it('a pod opting out with a revision label gets nothing', () => {
    assert.deepEqual(verdicts('shop', {}, { 'istio.io/rev': 'canary', 'sidecar.istio.io/inject': 'false' }), { state: 'none', tree: false, commands: false, expected: false });
  });

  it('a namespace istio.io/rev that no webhook serves injects nothing, and says so', () => {
    assert.deepEqual(verdicts('shop', { 'istio.io/rev': 'nope' }, {}), { state: 'unserved', tree: false, commands: false, expected: false });
    assert.deepEqual(verdicts('shop', { 'istio.io/rev': '' }, { 'sidecar.istio.io/inject': 'true' }), { state: 'unserved', tree: false, commands: false, expected: false });
  });

  it('istio-system labelled for injection injects its pods: it is not one of istiod\'s ignored namespaces', () => {
    assert.deepEqual(verdicts('istio-system', { 'istio-injection': 'enabled' }, {}), { state: 'on', tree: true, commands: true, expected: true });
    assert.deepEqual(verdicts('istio-system', {}, { 'sidecar.istio.io/inject': 'true' }), { state: 'none', tree: true, commands: true, expected: true });
    assert.deepEqual(verdicts('kube-system', { 'istio-injection': 'enabled' }, {}), { state: 'system', tree: false, commands: false, expected: false });
  });

  it('istio-injection=enabled beside ambient still injects (IST0123 says so)', () => {
    assert.deepEqual(verdicts('shop', { 'istio-injection': 'enabled', 'istio.io/dataplane-mode': 'ambient' }, {}), { state: 'conflict', tree: true, commands: true, expected: true });
  });

  it('a pod with a second native sidecar is 3/3 in the tree and in the rollout row', async () => {
    const p = pod('web-1', { namespace: 'shop', owner: { kind: 'Deployment', name: 'web' }, labels: { app: 'web' }, sidecar: 'native' });
    p.spec.initContainers!.push({ name: 'log-shipper', image: 'shipper:1', restartPolicy: 'Always' });
    p.status!.initContainerStatuses!.push({ name: 'log-shipper', ready: true, started: true, state: { running: {} }, image: 'shipper:1' });
    const tree = buildNamespace({ namespace: namespace('shop', { 'istio-injection': 'enabled' }), workloads: [deployment('web', { namespace: 'shop' })], pods: [p] }, cp);
    const treePod = tree.workloads[0].pods[0];

    const cluster = new FakeCluster();
    const web = injectionDeployment('web');
    cluster.addWorkload(web);
    cluster.pods = [{ ...p, metadata: { ...p.metadata, namespace: 'shop' } }];
    const report = await restartWorkloads(cluster, [{ kind: 'Deployment', namespace: 'shop', name: 'web' }], { concurrency: 1 });
    const row = report.workloads[0].podStates?.[0];
    assert.deepEqual([treePod.ready, treePod.total], [3, 3]);
    assert.deepEqual([row?.ready, row?.total], [3, 3]);
  });
});

describe('the installer and the tree agree with kubectl and with each other', () => {
  it('a Deployment past its progress deadline is not ready', () => {
    const stuck = istiodDeployment({});
    (stuck.status as { conditions?: unknown[] }).conditions = [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }];
    assert.equal(deploymentStatus(stuck as unknown as Deployment).state, 'failed');
    assert.equal(deploymentReady(stuck), false);
    assert.equal(controlPlaneRevisions([stuck])[0].ready, false);
  });

  it('reads one version from a -debug image, so a same-version istiod is not an "upgrade"', () => {
    const debug = istiodDeployment({ image: 'docker.io/istio/pilot:1.29.0-debug' });
    const installed = controlPlaneRevisions([debug]);
    assert.equal(installed[0].version, '1.29.0');
    assert.equal(classifyAction(installed, '', '1.29.0'), 'reconfigure');
    const tree = buildControlPlane({ deployments: [istiod({ version: '1.29.0-debug' })], daemonSets: [], services: [], webhooks: [], crdNames: [] });
    assert.equal(tree.revisions[0].version, installed[0].version);
  });
});
