import * as assert from 'node:assert/strict';
import { meshFindings } from '../../../src/mesh/meshChecks';
import { clusterDescription, describeFindings, findingObject, findingsOf, meshGroups, namespaceDifferences, remoteSecretRow } from '../../../src/mesh/multiCluster';
import { cluster, contextOf, mesh, ns, secretFacts, serverOf } from '../../builders/multicluster';

describe('multi-cluster view rows', () => {
  it('groups the clusters of one mesh by mesh ID, leaving out clusters without Istio', () => {
    const clusters = [...mesh(2), cluster(3, 3, { meshId: 'other' }), cluster(4, 4, { clusterName: undefined, meshId: undefined })];
    assert.deepEqual(meshGroups(clusters).map((g) => g.map((c) => c.context)), [[contextOf(1), contextOf(2)], [contextOf(3)]]);
  });

  it('marks nothing in a mesh whose namespaces agree', () => {
    assert.equal(namespaceDifferences(mesh(3)).size, 0);
  });

  it('marks a namespace injected in one cluster and not in the other, in both clusters, saying how', () => {
    const clusters = mesh(2, { 2: { namespaces: [ns('kube-system', 'system'), ns('shop', 'none')] } });
    const differences = namespaceDifferences(clusters);
    const words = `injected (default) in ${contextOf(1)}, not injected in ${contextOf(2)}`;
    assert.equal(differences.get(contextOf(1))?.get('shop'), words);
    assert.equal(differences.get(contextOf(2))?.get('shop'), words);
    assert.equal(differences.get(contextOf(1))?.size, 1, 'istio-system exists only in cluster 1: nothing to compare');
  });

  it('marks a namespace injected by another revision in one cluster, which the injection check does not report', () => {
    const clusters = mesh(2, { 2: { namespaces: [ns('shop', 'on', 'canary')] } });
    assert.equal(namespaceDifferences(clusters).get(contextOf(2))?.get('shop'), `injected (default) in ${contextOf(1)}, injected (canary) in ${contextOf(2)}`);
    assert.deepEqual(meshFindings(clusters).filter((f) => f.code === 'injectionDiffers'), []);
  });

  it('treats "disabled" and "not injected" alike, and compares only clusters of the same mesh', () => {
    assert.equal(namespaceDifferences(mesh(2, { 2: { namespaces: [ns('shop', 'off')] }, 1: { namespaces: [ns('shop', 'none')] } })).size, 0);
    assert.equal(namespaceDifferences(mesh(2, { 2: { meshId: 'mesh2', namespaces: [ns('shop', 'none')] } })).size, 0);
  });

  it('describes a cluster row: cluster name, mesh ID, network, revisions', () => {
    assert.equal(clusterDescription(cluster(1, 2, { network: 'net1' }), ['default', 'canary']), 'cluster1 · mesh mesh1 · network net1 · istiod default, canary');
    assert.equal(clusterDescription(cluster(1, 2), []), 'cluster1 · mesh mesh1 · network — · no istiod');
    assert.equal(clusterDescription(cluster(1, 2, { clusterName: undefined }), []), 'no Istio');
    assert.equal(clusterDescription(undefined, []), 'reading…');
  });

  it('gives a cluster the findings that name its context, errors first, and counts them', () => {
    const clusters = mesh(2, { 2: { meshId: 'mesh2', namespaces: [ns('shop', 'none')] }, 1: { remoteSecrets: [] } });
    const findings = findingsOf(contextOf(2), meshFindings(clusters));
    assert.deepEqual(findings.map((f) => f.severity), [...findings.filter((f) => f.severity === 'error'), ...findings.filter((f) => f.severity === 'warning')].map((f) => f.severity));
    assert.ok(findings.some((f) => f.code === 'meshIdMismatch'));
    assert.ok(findings.some((f) => f.code === 'missingRemoteSecret'), 'cluster 1 does not watch cluster 2: both are concerned');
    assert.equal(describeFindings(findings), `${findings.filter((f) => f.severity === 'error').length} error, ${findings.filter((f) => f.severity === 'warning').length} warnings`);
    assert.equal(describeFindings([]), '');
  });

  it('reports each finding on the object to change, never on a Secret', () => {
    const clusters = mesh(2, {
      2: { meshId: 'mesh2', rootCerts: ['other'], namespaces: [ns('shop', 'none')], remoteSecrets: [secretFacts(1, { syncStatus: 'timeout' })] },
    });
    const objects = Object.fromEntries(meshFindings(clusters).map((f) => [f.code, findingObject(f)]));
    assert.deepEqual(objects, {
      rootCaMismatch: { kind: 'ConfigMap', namespace: 'istio-system', name: 'istio-ca-root-cert' },
      meshIdMismatch: { kind: 'ConfigMap', namespace: 'istio-system', name: 'istio' },
      remoteSecretUnsynced: { kind: 'Deployment', namespace: 'istio-system', name: 'istiod' },
      injectionDiffers: { kind: 'Namespace', namespace: '', name: 'shop' },
    });
  });

  it('shows a remote secret with its target context, server and sync state', () => {
    const clusters = mesh(2);
    const synced = remoteSecretRow(secretFacts(2), clusters);
    assert.equal(synced.label, `cluster2 (${contextOf(2)})`);
    assert.equal(synced.description, `${serverOf(2)} · synced`);
    assert.equal(synced.state, 'synced');
    const gone = remoteSecretRow(secretFacts(9, { server: undefined, syncStatus: 'timeout' }), clusters);
    assert.equal(gone.label, 'cluster9');
    assert.equal(gone.description, 'server unreadable · timeout');
    assert.equal(gone.state, 'failing');
    assert.match(gone.tooltip.join('\n'), /not one of the chosen contexts/);
    const unknown = remoteSecretRow(secretFacts(2, { syncStatus: undefined }), clusters);
    assert.equal(unknown.state, 'unknown');
    assert.match(unknown.description, /sync unknown$/);
  });
});
