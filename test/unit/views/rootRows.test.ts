import * as assert from 'node:assert/strict';
import type { Collection } from '../../../src/mesh/store';
import { type RootFacts, rootRows } from '../../../src/views/rootRows';

const all: Collection[] = ['namespaces', 'pods', 'deployments', 'statefulsets', 'daemonsets', 'services', 'webhooks', 'crds', 'configmaps'];

function facts(listed: Collection[], o: Partial<RootFacts> = {}): RootFacts {
  return { state: 'connecting', listed: (c) => listed.includes(c), limited: false, installed: true, controlPlaneHidden: false, ...o };
}

describe('the root level of the Mesh view', () => {
  it('shows the namespaces from their own list, before the control plane and the pods answer', () => {
    assert.deepEqual(rootRows(facts(['namespaces'], { installed: false })), ['controlPlaneLoading', 'namespaces']);
  });

  it('shows the control plane once its own lists answered, while the pods are still on their way', () => {
    assert.deepEqual(rootRows(facts(['namespaces', 'deployments', 'daemonsets', 'services', 'webhooks', 'crds'])), ['controlPlaneLoading', 'namespaces']);
    assert.deepEqual(rootRows(facts(['namespaces', 'deployments', 'daemonsets', 'services', 'webhooks', 'crds', 'configmaps'])), ['controlPlane', 'namespaces']);
  });

  it('is empty (the welcome view) before the namespaces are listed, when Istio is not installed, and when pods are forbidden', () => {
    assert.deepEqual(rootRows(facts(all.filter((c) => c !== 'namespaces'))), []);
    assert.deepEqual(rootRows(facts(all, { installed: false })), []);
    assert.deepEqual(rootRows(facts(all, { state: 'forbidden' })), []);
    assert.deepEqual(rootRows(facts(all, { state: undefined })), []);
  });

  it('says what RBAC hides and that the connection is lost, above the rest', () => {
    assert.deepEqual(rootRows(facts(all, { state: 'unreachable', limited: true, installed: false, controlPlaneHidden: true })),
      ['limited', 'stale', 'controlPlaneHidden', 'namespaces']);
  });
});
