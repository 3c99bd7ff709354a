import * as assert from 'node:assert/strict';
import type { ClusterFacts } from '../../../src/mesh/clusterFacts';
import { meshFindings, type MeshFinding } from '../../../src/mesh/meshChecks';
import { ROOT, cluster, contextOf, mesh, ns, secretFacts, serverOf } from '../../builders/multicluster';

const codes = (findings: MeshFinding[]) => findings.map((f) => f.code);

/** meshFindings, and every command a fix suggests names the context it acts on. */
function check(clusters: ClusterFacts[]): MeshFinding[] {
  const findings = meshFindings(clusters);
  for (const f of findings) {
    for (const command of f.fix.match(/`(?:kubectl|istioctl) [^`]*`/g) ?? []) {
      for (const step of command.split('|')) assert.match(step, /--context=\S+/, `${f.code}: ${command}`);
    }
  }
  return findings;
}

describe('mesh-level checks', () => {
  it('finds nothing in a healthy mesh of two or three clusters', () => {
    assert.deepEqual(check(mesh(2)), []);
    assert.deepEqual(check(mesh(3)), []);
  });

  it('needs two clusters with Istio', () => {
    assert.deepEqual(check(mesh(1)), []);
    assert.deepEqual(check(mesh(2, { 2: { clusterName: undefined, meshId: undefined, rootCerts: undefined, remoteSecrets: [] } })), []);
  });

  it('reports clusters that trust different roots, and not a rotation bundle sharing one', () => {
    const findings = check(mesh(2, { 2: { rootCerts: ['MIIBother'] } }));
    assert.deepEqual(codes(findings), ['rootCaMismatch']);
    assert.equal(findings[0].severity, 'error');
    assert.deepEqual(findings[0].contexts, [contextOf(2), contextOf(1)]);
    assert.match(findings[0].fix, /cacerts/);
    assert.deepEqual(check(mesh(2, { 2: { rootCerts: ['MIIBnew', ROOT] } })), []);
    assert.deepEqual(check(mesh(2, { 2: { rootCerts: undefined } })), [], 'an unread root is no finding');
  });

  it('reports mismatched mesh IDs once, on the clusters that differ from the most', () => {
    const findings = check(mesh(3, { 3: { meshId: 'other' } }));
    assert.deepEqual(codes(findings), ['meshIdMismatch']);
    assert.deepEqual(findings[0].contexts, [contextOf(3)]);
    assert.match(findings[0].fix, /--context=ctx-3 --set values\.global\.meshID=mesh1/);
  });

  it('reports two istiods with one cluster name, not as missing links between them', () => {
    const findings = check(mesh(2, { 2: { clusterName: 'cluster1', remoteSecrets: [] }, 1: { remoteSecrets: [] } }));
    assert.deepEqual(codes(findings), ['duplicateClusterName']);
    assert.match(findings[0].message, /both call themselves `cluster1`/);
  });

  it('reports a remote secret that istiod could not sync: an unreachable server or a rejected token', () => {
    const findings = check(mesh(2, { 1: { remoteSecrets: [secretFacts(2, { server: 'https://10.0.0.9:6443', syncStatus: 'timeout' })] } }));
    assert.deepEqual(codes(findings), ['remoteSecretUnsynced']);
    assert.equal(findings[0].severity, 'error');
    assert.deepEqual(findings[0].contexts, [contextOf(1), contextOf(2)]);
    assert.match(findings[0].message, /`timeout`/);
    assert.match(findings[0].fix, /istioctl create-remote-secret --context=ctx-2 --name=cluster2 \| kubectl apply --context=ctx-1 -f -/);
  });

  it('accepts another address of the right server when istiod syncs through it', () => {
    assert.deepEqual(check(mesh(2, { 1: { remoteSecrets: [secretFacts(2, { server: 'https://10.0.0.9:6443' })] } })), []);
  });

  it('reports a remote secret pointing at another chosen cluster\'s server than the one it names', () => {
    const three = mesh(3, { 1: { remoteSecrets: [secretFacts(2, { server: serverOf(3) }), secretFacts(3)] } });
    const findings = check(three);
    assert.deepEqual(codes(findings), ['remoteSecretWrongServer']);
    assert.match(findings[0].message, /the API server of `ctx-3`/);
  });

  it('reports a remote secret pointing at its own cluster\'s server (a secret made from the wrong context)', () => {
    const findings = check(mesh(2, { 1: { remoteSecrets: [secretFacts(2, { server: serverOf(1) })] } }));
    assert.deepEqual(codes(findings), ['remoteSecretWrongServer']);
    assert.deepEqual(findings[0].contexts, ['ctx-1', 'ctx-2']);
    assert.match(findings[0].message, /points at `https:\/\/api-1\.example:6443`, the API server of `ctx-1`/);
  });

  it('reports a remote secret that gives a chosen cluster another name', () => {
    const findings = check(mesh(2, { 1: { remoteSecrets: [secretFacts(2, { clusterName: 'east' })] } }));
    assert.deepEqual(codes(findings), ['remoteSecretWrongName', 'missingRemoteSecret']);
    assert.match(findings[0].message, /calls it `east`; that cluster's istiod calls itself `cluster2`/);
  });

  it('reports a remote secret naming its own cluster', () => {
    const findings = check(mesh(2, { 1: { remoteSecrets: [secretFacts(2), secretFacts(1)] } }));
    assert.deepEqual(codes(findings), ['remoteSecretSelf']);
    assert.equal(findings[0].severity, 'warning');
  });

  it('reports a primary that does not watch another cluster, in that direction only', () => {
    const findings = check(mesh(2, { 2: { remoteSecrets: [] } }));
    assert.deepEqual(codes(findings), ['missingRemoteSecret']);
    assert.deepEqual(findings[0].contexts, [contextOf(2), contextOf(1)]);
    assert.match(findings[0].fix, /--context=ctx-1 --name=cluster1 \| kubectl apply --context=ctx-2/);
  });

  it('reports a namespace injected in one cluster and not in the other, with the label to set where it is not', () => {
    const findings = check(mesh(2, { 2: { namespaces: [ns('shop', 'none')] } }));
    assert.deepEqual(codes(findings), ['injectionDiffers']);
    assert.equal(findings[0].namespace, 'shop');
    assert.deepEqual(findings[0].contexts, [contextOf(2)]);
    assert.match(findings[0].message, /injected in `ctx-1` \(revision `default`\), not injected in `ctx-2`/);
    assert.match(findings[0].fix, /kubectl label namespace shop istio-injection=enabled --context=ctx-2/);
  });

  it('names the revision label when the injected side uses a revision', () => {
    const findings = check(mesh(2, { 1: { namespaces: [ns('shop', 'on', 'canary')] }, 2: { namespaces: [ns('shop', 'off')] } }));
    assert.match(findings[0].fix, /istio\.io\/rev=canary --context=ctx-2/);
  });

  it('reports sidecar against ambient, and leaves alone namespaces out of the mesh everywhere, in one cluster only, or ignored by istiod', () => {
    const differ = check(mesh(2, { 2: { namespaces: [ns('shop', 'ambient')] } }));
    assert.deepEqual(codes(differ), ['injectionDiffers']);
    assert.match(differ[0].fix, /Pick one data plane/);
    assert.deepEqual(check(mesh(2, {
      1: { namespaces: [ns('a', 'off'), ns('only-here'), ns('kube-system', 'system')] },
      2: { namespaces: [ns('a', 'none'), ns('kube-system', 'system')] },
    })), []);
  });

  it('reports each problem of a badly joined mesh once', () => {
    const bad = [
      cluster(1, 2, { rootCerts: ['A'], meshId: 'm1', remoteSecrets: [secretFacts(2, { syncStatus: 'timeout' })], namespaces: [ns('shop')] }),
      cluster(2, 2, { rootCerts: ['B'], meshId: 'm2', remoteSecrets: [], namespaces: [ns('shop', 'none')] }),
    ];
    const findings = check(bad);
    assert.deepEqual(codes(findings).sort(), ['injectionDiffers', 'meshIdMismatch', 'missingRemoteSecret', 'remoteSecretUnsynced', 'rootCaMismatch']);
  });
});
