import * as assert from 'node:assert/strict';
import type { ClusterFacts } from '../../../src/mesh/clusterFacts';
import { rootCertificates } from '../../../src/mesh/clusterFacts';
import { generateRoot, type RootCa } from '../../../src/multicluster/ca';
import { planMesh, type ClusterState, type MeshClusterChoice, type MeshOptions } from '../../../src/multicluster/plan';
import { cluster, contextOf, serverOf } from '../../builders/multicluster';

const root = generateRoot();
const otherRoot = generateRoot();
const choice = (i: number, role: MeshClusterChoice['role'] = 'primary', o: Partial<MeshClusterChoice> = {}): MeshClusterChoice =>
  ({ context: contextOf(i), clusterName: `cluster${i}`, network: 'network1', role, ...o });
const options = (clusters: MeshClusterChoice[], o: Partial<MeshOptions> = {}): MeshOptions =>
  ({ meshId: 'mesh1', profile: 'default', setValues: [], readinessTimeoutSeconds: 300, clusters, ...o });

/** A cluster without Istio. */
function bare(i: number, o: Partial<ClusterState> = {}): ClusterState {
  return { target: { kubeconfig: '', context: contextOf(i) }, server: serverOf(i), facts: { context: contextOf(i), server: serverOf(i), remoteSecrets: [], namespaces: [] }, existing: [], findings: [], ...o };
}

/** A primary of a healthy mesh of n clusters, with cacerts of `ca`. */
function meshed(i: number, n: number, ca: RootCa = root, facts: Partial<ClusterFacts> = {}): ClusterState {
  return {
    ...bare(i), cacertsRoot: ca.certPem,
    facts: cluster(i, n, { rootCerts: rootCertificates(ca.certPem), ...facts }),
    existing: [{ revision: 'default', deployment: 'istiod', namespace: 'istio-system', version: '1.31.0', ready: true, readyReplicas: 1, replicas: 1 }],
  };
}

const planWith = (ca: RootCa | undefined) => (o: MeshOptions, states: ClusterState[]) =>
  planMesh({ options: o, states, root: ca, istioctlPath: '/bin/istioctl', istioctlVersion: '1.31.0' });
const plan = planWith(root);
/** Members only: no root is chosen. */
const link = planWith(undefined);

describe('multi-cluster plan', () => {
  it('installs two bare clusters: a cacerts each, the mesh values, remote secrets both ways', () => {
    const p = plan(options([choice(1), choice(2)], { setValues: ['values.x=1'] }), [bare(1), bare(2)]);
    assert.deepEqual(p.refusals, []);
    assert.deepEqual(p.clusters.map((c) => [c.cacerts, c.install?.action]), [['create', 'install'], ['create', 'install']]);
    assert.deepEqual(p.clusters[1].install?.installArgs, [
      'install', '-y', '--set', 'profile=default',
      '--set', 'values.global.meshID=mesh1', '--set', 'values.global.multiCluster.clusterName=cluster2', '--set', 'values.global.network=network1',
      '--set', 'values.x=1', '--readiness-timeout', '300s', '--context', 'ctx-2',
    ]);
    assert.deepEqual(p.links, [['ctx-1', 'ctx-2'], ['ctx-2', 'ctx-1']]);
    const text = p.summary.join('\n');
    for (const ctx of ['ctx-1', 'ctx-2']) assert.match(text, new RegExp(`Context "${ctx}" \\(https://api-\\d\\.example:6443\\): cluster "cluster\\d", network "network1"`));
    assert.match(text, /creates Secret istio-system\/cacerts: a new intermediate CA \(CN=Intermediate CA, L=cluster1\)/);
    assert.match(text, /labels namespace istio-system topology\.istio\.io\/network=network1/);
    assert.match(text, /made now; its key is discarded when this run ends/);
    assert.match(planMesh({ options: options([choice(1), choice(2)]), states: [bare(1), bare(2)], root, rootKeptAt: '/keys/root-key.pem', istioctlPath: 'i', istioctlVersion: '1.31.0' }).summary[1], /its key is saved to \/keys\/root-key.pem \(readable by you only\)/);
    assert.doesNotMatch(text, /PRIVATE KEY/);
  });

  it('on a re-run keeps cacerts of the same root and re-applies Istio', () => {
    const p = plan(options([choice(1), choice(2)]), [meshed(1, 2), meshed(2, 2)]);
    assert.deepEqual(p.refusals, []);
    assert.deepEqual(p.clusters.map((c) => [c.cacerts, c.install?.action]), [['keep', 'reconfigure'], ['keep', 'reconfigure']]);
    assert.match(p.summary.join('\n'), /keeps Secret istio-system\/cacerts: it already holds this root/);
  });

  it('keeps a cacerts whose bundle holds the root beside another (a rotation)', () => {
    const p = plan(options([choice(1), choice(2)]), [bare(1, { cacertsRoot: otherRoot.certPem + root.certPem }), bare(2)]);
    assert.deepEqual(p.refusals, []);
    assert.equal(p.clusters[0].cacerts, 'keep');
  });

  it('refuses a cluster whose cacerts holds another root, naming the context and both roots', () => {
    const p = plan(options([choice(1), choice(2)]), [bare(1), bare(2, { cacertsRoot: otherRoot.certPem })]);
    assert.equal(p.refusals.length, 1);
    assert.match(p.refusals[0], /^"ctx-2" already has the Secret istio-system\/cacerts of another root, "O=Istio, CN=Root CA" \(SHA-256 [0-9A-F:]+…\), not the chosen/);
    assert.match(p.refusals[0], /Use an existing root CA/);
    assert.match(p.summary.at(-1)!, /^Cannot go ahead: "ctx-2"/);
  });

  it('refuses a cluster that runs Istio with its self-signed root', () => {
    const p = plan(options([choice(1), choice(2)]), [bare(1), { ...meshed(2, 2), cacertsRoot: undefined }]);
    assert.equal(p.refusals.length, 1);
    assert.match(p.refusals[0], /^"ctx-2" runs Istio without a plugged-in CA .*\(kubectl --context=ctx-2 /);
  });

  it('refuses one context, a context or cluster name chosen twice, and names Secrets cannot hold', () => {
    assert.match(plan(options([choice(1)]), [bare(1)]).refusals[0], /two or more contexts/);
    assert.deepEqual(plan(options([choice(1), choice(2, 'primary', { clusterName: 'cluster1' })]), [bare(1), bare(2)]).refusals, ['Cluster name "cluster1" is chosen twice: each cluster needs its own.']);
    assert.deepEqual(plan(options([choice(1), choice(2, 'primary', { network: 'Net 1' })], { meshId: 'mesh_1' }), [bare(1), bare(2)]).refusals, [
      '"Net 1" is not a valid network name: use lower-case letters, digits and \'-\' (max 63).',
      '"mesh_1" is not a valid mesh ID: use lower-case letters, digits and \'-\' (max 63).',
    ]);
  });

  it('refuses what the precheck blocks, per context', () => {
    const p = plan(options([choice(1), choice(2)]), [bare(1), bare(2, { findings: [{ level: 'error', code: 'IST0141', message: 'cannot create Deployments', source: 'istioctl' }] })]);
    assert.equal(p.refusals.length, 1);
    assert.match(p.refusals[0], /^"ctx-2": .*cannot create Deployments/);
  });

  it('adds one more cluster: only links that involve it, the members keep their Istio', () => {
    const p = plan(options([choice(1, 'member'), choice(2, 'member'), choice(3)]), [meshed(1, 2), meshed(2, 2), bare(3)]);
    assert.deepEqual(p.refusals, []);
    assert.deepEqual(p.clusters.map((c) => [c.cacerts, c.install?.action]), [['none', undefined], ['none', undefined], ['create', 'install']]);
    assert.deepEqual(p.links, [['ctx-1', 'ctx-3'], ['ctx-2', 'ctx-3'], ['ctx-3', 'ctx-1'], ['ctx-3', 'ctx-2']]);
    assert.match(p.summary.join('\n'), /Context "ctx-1".*\n.*keeps its Istio as it is \(cluster "cluster1", mesh "mesh1"\)/);
  });

  it('refuses to add a cluster to members of another mesh ID, another root, or without Istio', () => {
    const refusals = plan(options([choice(1, 'member'), choice(2, 'member'), choice(3, 'member'), choice(4)]),
      [meshed(1, 3, root, { meshId: 'other' }), meshed(2, 3, otherRoot), bare(3), bare(4)]).refusals;
    assert.equal(refusals.length, 3);
    assert.equal(refusals[0], '"ctx-1" is in mesh "other", not "mesh1": one mesh needs one mesh ID.');
    assert.match(refusals[1], /^"ctx-2" trusts another root CA than the chosen "O=Istio, CN=Root CA"/);
    assert.equal(refusals[2], '"ctx-3" has no Istio to link: add it as a new cluster instead.');
  });

  it('links two existing primaries: both ways, no CA, and only when they share a root', () => {
    const ok = link(options([choice(1, 'member'), choice(2, 'member')]), [meshed(1, 2), meshed(2, 2)]);
    assert.deepEqual(ok.refusals, []);
    assert.deepEqual(ok.links, [['ctx-1', 'ctx-2'], ['ctx-2', 'ctx-1']]);
    assert.match(ok.summary[1], /the clusters' own \(they must share one\)/);
    const apart = link(options([choice(1, 'member'), choice(2, 'member')]), [meshed(1, 2), meshed(2, 2, otherRoot)]);
    assert.deepEqual(apart.refusals, ['"ctx-1" and "ctx-2" trust different root CAs: linking them would not let their workloads talk (mTLS fails). Give them one root first.']);
  });

  it('refuses a primary when no root was chosen', () => {
    assert.match(link(options([choice(1), choice(2, 'member')]), [bare(1), meshed(2, 2)]).refusals[0], /"ctx-1" is to get Istio, but no root CA was chosen/);
  });
});
