import * as assert from 'node:assert/strict';
import { buildControlPlane } from '../../../src/mesh/controlPlane';
import type { ControlPlane, NamespaceModel } from '../../../src/mesh/model';
import { buildNamespace } from '../../../src/mesh/namespaces';
import { type RevisionRow, RevisionRows, revisionRowsOf } from '../../../src/views/revisionRows';
import { istioctlInstalledWebhooks } from '../../builders/injection';
import { istiod, namespace, pod } from '../../builders/kube';

const cp: ControlPlane = buildControlPlane({
  deployments: [istiod(), istiod({ revision: 'canary' })], daemonSets: [], services: [], webhooks: istioctlInstalledWebhooks(), crdNames: [],
});

function ns(name: string, labels: Record<string, string>, on: string[]): NamespaceModel {
  const pods = on.map((rev, i) => pod(`${name}-${i}`, { namespace: name, sidecar: true, injectedBy: rev }));
  return buildNamespace({ namespace: namespace(name, labels), workloads: [], pods }, cp);
}

/** Node objects that remember the row they were last given. */
function tracker() {
  const made: { revision: string; row: RevisionRow }[] = [];
  const rows = new RevisionRows<{ revision: string; row: RevisionRow }>({
    make: (row) => {
      const node = { revision: row.revision, row };
      made.push(node);
      return node;
    },
    set: (node, row) => {
      node.row = row;
    },
  });
  return { rows, made };
}

describe('revision rows: what a pod change redraws under the control plane', () => {
  const shop = ns('shop', { 'istio.io/rev': 'prod' }, ['default', 'default']);
  const legacy = ns('legacy', { 'istio-injection': 'enabled' }, ['default']);

  it('compares nothing until the rows were listed', () => {
    const { rows } = tracker();
    assert.deepEqual(rows.redraw(revisionRowsOf(cp, [shop, legacy])), []);
    assert.equal(rows.listed, false);
  });

  it('a restarted pod moving to the canary redraws both revisions\' rows, and keeps their node objects', () => {
    const { rows, made } = tracker();
    const first = rows.rows(revisionRowsOf(cp, [shop, legacy]));
    assert.deepEqual(first.map((n) => n.revision), ['default', 'canary']);
    const moved = ns('shop', { 'istio.io/rev': 'prod' }, ['canary', 'default']);
    const redrawn = rows.redraw(revisionRowsOf(cp, [moved, legacy]));
    assert.ok(Array.isArray(redrawn));
    assert.deepEqual(redrawn.map((n) => n.revision), ['default', 'canary']);
    assert.equal(redrawn[1], first[1], 'the same node object, so VS Code keeps its expansion');
    assert.equal(made.length, 2);
    assert.equal(first[1].row.use.onRevision, 1, 'the node has its new row');
  });

  it('a change in a namespace no revision row shows redraws nothing', () => {
    const { rows } = tracker();
    const plain = ns('plain', {}, []);
    rows.rows(revisionRowsOf(cp, [shop, legacy, plain]));
    const plainWithPod = buildNamespace({ namespace: namespace('plain'), workloads: [], pods: [pod('p', { namespace: 'plain' })] }, cp);
    assert.deepEqual(rows.redraw(revisionRowsOf(cp, [shop, legacy, plainWithPod])), []);
  });

  it('only the revision whose share changed is redrawn', () => {
    const { rows } = tracker();
    rows.rows(revisionRowsOf(cp, [shop, legacy]));
    const legacyMore = ns('legacy', { 'istio-injection': 'enabled' }, ['default', 'default']);
    const redrawn = rows.redraw(revisionRowsOf(cp, [shop, legacyMore]));
    assert.ok(Array.isArray(redrawn));
    assert.deepEqual(redrawn.map((n) => n.revision), ['default']);
  });

  it('pods of a removed revision appearing redraw the control plane (a row comes)', () => {
    const { rows } = tracker();
    rows.rows(revisionRowsOf(cp, [shop, legacy]));
    const old = ns('legacy', { 'istio-injection': 'enabled' }, ['1-29']);
    assert.equal(rows.redraw(revisionRowsOf(cp, [shop, old])), 'parent');
  });
});
