import assert from 'node:assert/strict';
import { MeshStore } from '../../../src/mesh/store';
import { clusterFactsOf } from '../../../src/yaml/clusterFacts';
import { lintText } from '../../../src/yaml/lint';
import { deployment, istiod, mutatingWebhook, namespace, pod } from '../../builders/kube';
import { yaml } from './helpers';

describe('cluster facts for the YAML rules', () => {
  let store: MeshStore;
  beforeEach(() => {
    store = new MeshStore({ debounceMs: 1, maxWaitMs: 5 });
  });
  afterEach(() => store.dispose());

  it('gives no revisions without a control plane, so revision-unknown stays silent', () => {
    store.replace('namespaces', [namespace('shop')]);
    const facts = clusterFactsOf(store);
    assert.equal(facts.revisions, undefined);
    assert.deepEqual(lintText(yaml('apiVersion: v1', 'kind: Namespace', 'metadata:', '  name: a', '  labels: {istio.io/rev: x}'), { cluster: facts }).findings, []);
  });

  it('lists revisions, tags, namespaces with workloads and the control-plane namespace', () => {
    store.replace('namespaces', [namespace('shop'), namespace('empty'), namespace('istio-system')]);
    store.replace('deployments', [istiod({ revision: '1-29-0', namespace: 'istio-system' }), deployment('web', { namespace: 'shop' })]);
    store.replace('pods', [pod('web-1', { namespace: 'shop', owner: { kind: 'Deployment', name: 'web' } })]);
    store.replace('webhooks', [mutatingWebhook('istio-revision-tag-stable', { revision: '1-29-0', tag: 'stable' })]);
    store.flush();
    const facts = clusterFactsOf(store);
    assert.deepEqual(facts.revisions, ['1-29-0']);
    assert.deepEqual(facts.tags, [{ name: 'stable', revision: '1-29-0' }]);
    assert.ok(facts.namespacesWithWorkloads?.includes('shop'));
    assert.ok(!facts.namespacesWithWorkloads?.includes('empty'));
    assert.equal(facts.controlPlaneNamespace, 'istio-system');
    const [finding] = lintText(yaml('apiVersion: v1', 'kind: Namespace', 'metadata:', '  name: a', '  labels: {istio.io/rev: canary}'), { cluster: facts }).findings;
    assert.equal(finding.code, 'revision-unknown');
    assert.deepEqual(finding.fixes?.map((f) => f.title), ['Use revision 1-29-0', 'Use revision stable']);
  });
});
