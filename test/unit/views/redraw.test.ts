import * as assert from 'node:assert/strict';
import { RolloutTracker } from '../../../src/injection/tracker';
import type { NamespaceModel, WorkloadModel } from '../../../src/mesh/model';
import type { KubeObject } from '../../../src/cluster/types';
import { type Collection, type MeshChange, MeshStore } from '../../../src/mesh/store';
import { ChangeWindow } from '../../../src/views/changeWindow';
import { MeshNodes, type Redraw, type TreeChange, mergeTreeChanges } from '../../../src/views/redraw';
import { injectorWebhookConfiguration, rolloutState } from '../../builders/injection';
import { deployment, istiod, namespace, pod } from '../../builders/kube';

/** Stand-ins for the tree's node objects: what matters is their identity and which model they hold. */
interface FakeNamespace { kind: 'namespace'; model: NamespaceModel }
interface FakeWorkload { kind: 'workload'; workload: WorkloadModel }

const namespaces = ['ns-0', 'ns-1', 'ns-2', 'ns-3', 'ns-4'];
const deploymentsPerNamespace = 10;
const web = (i: number) => `web-${i}`;

/** A mesh of 5 injected namespaces × 10 Deployments × 2 pods with sidecars, and the tree's nodes over it. */
function fixture() {
  const store = new MeshStore({ debounceMs: 1, maxWaitMs: 5 });
  const rollouts = new RolloutTracker();
  let workloadUpdates = new Map<string, number>();
  const nodes = new MeshNodes<FakeNamespace, FakeWorkload>({
    namespace: (model) => ({ kind: 'namespace', model }),
    setNamespace: (node, model) => (node.model = model),
    workload: (workload) => ({ kind: 'workload', workload }),
    setWorkload: (node, w) => {
      node.workload = w;
      workloadUpdates.set(w.namespace, (workloadUpdates.get(w.namespace) ?? 0) + 1);
    },
  }, rollouts);
  store.replace('namespaces', namespaces.map((n) => namespace(n, { 'istio-injection': 'enabled' })));
  store.replace('deployments', [istiod(), ...namespaces.flatMap((n) => Array.from({ length: deploymentsPerNamespace }, (_, i) => deployment(web(i), { namespace: n, replicas: 2 })))]);
  store.replace('pods', namespaces.flatMap((n) => Array.from({ length: deploymentsPerNamespace }, (_, i) => [0, 1].map((p) => pod(`${web(i)}-old-${p}`, { namespace: n, owner: { kind: 'Deployment', name: web(i) }, sidecar: true })))).flat());
  store.replace('webhooks', [injectorWebhookConfiguration()]);
  for (const c of ['statefulsets', 'daemonsets', 'services', 'crds'] as const) store.replace(c, []);
  store.flush();
  // What the user sees: every namespace row, three namespaces expanded, the pods of one workload.
  const expanded = ['ns-0', 'ns-1', 'ns-2'];
  nodes.namespaces(store.namespaces);
  for (const n of expanded) nodes.workloads(store.namespace(n)!);
  const [firstWorkload] = nodes.workloads(store.namespace('ns-0')!);
  nodes.podsShown(firstWorkload);

  /** Every redraw, as the tree would ask VS Code for it: store and tracker changes through a window of a frame. */
  const redraws: Redraw<FakeNamespace, FakeWorkload>[] = [];
  const controlPlaneRedraws: boolean[] = [];
  let settled: (() => void) | undefined;
  const window = new ChangeWindow<TreeChange>({ windowMs: 2 }, mergeTreeChanges, (change) => {
    const redraw = nodes.redraw(change.namespaces, (n) => store.namespace(n), () => store.namespaces);
    redraws.push(redraw);
    controlPlaneRedraws.push(change.controlPlane);
    showAgain(redraw);
    settled?.();
  });
  /** As VS Code does: a redrawn row that is expanded has its children asked for again. */
  function showAgain(redraw: Redraw<FakeNamespace, FakeWorkload>): void {
    if (redraw === 'all' || redraw.group) nodes.namespaces(store.namespaces);
    const again = redraw === 'all' || redraw.group ? expanded : redraw.namespaces.map((n) => n.model.name).filter((n) => expanded.includes(n));
    for (const n of again) {
      const shown = nodes.workloads(store.namespace(n)!);
      if (n === 'ns-0') assert.equal(shown[0], firstWorkload, 'the same node object, so VS Code keeps it expanded');
    }
    if (redraw === 'all' || again.includes('ns-0') || redraw.workloads.includes(firstWorkload)) nodes.podsShown(firstWorkload);
  }
  store.onDidChange((c: MeshChange) => window.add({ root: false, ...c }));
  rollouts.onDidChange((s) => window.add({ root: false, controlPlane: false, namespaces: new Set([s.ref.namespace]) }));
  /** Resolves after the next redraw. */
  const nextRedraw = () => new Promise<void>((resolve) => (settled = resolve));
  const resetWorkloadUpdates = () => (workloadUpdates = new Map());
  return { store, rollouts, nodes, redraws, controlPlaneRedraws, nextRedraw, workloadUpdates: () => workloadUpdates, resetWorkloadUpdates, firstWorkload };
}

type WatchEvent = [Collection, 'ADDED' | 'MODIFIED' | 'DELETED', KubeObject];

/** The cluster's events of one Deployment's rollout restart, step by step (each step one state change). */
function rolloutSteps(ns: string, i: number): (() => WatchEvent[])[] {
  const owner = { kind: 'Deployment' as const, name: web(i) };
  const name = web(i);
  return [
    () => [['pods', 'ADDED', pod(`${name}-new-0`, { namespace: ns, owner, sidecar: true, phase: 'Pending' })]],
    () => [['pods', 'MODIFIED', pod(`${name}-new-0`, { namespace: ns, owner, sidecar: true })], ['pods', 'MODIFIED', pod(`${name}-old-0`, { namespace: ns, owner, sidecar: true, terminating: true })]],
    () => [['pods', 'ADDED', pod(`${name}-new-1`, { namespace: ns, owner, sidecar: true })], ['pods', 'DELETED', pod(`${name}-old-0`, { namespace: ns, owner })]],
    () => [['pods', 'DELETED', pod(`${name}-old-1`, { namespace: ns, owner })], ['deployments', 'MODIFIED', deployment(name, { namespace: ns, replicas: 2, generation: 2 })]],
  ];
}

describe('the Mesh tree redraws only what changed', () => {
  it('a rollout of 50 Deployments: at most one redraw per state change, of the rows it touches, never the control plane', async () => {
    const f = fixture();
    const shownWorkloads = new Set(['ns-0', 'ns-1', 'ns-2']);
    let stateChanges = 0;
    f.resetWorkloadUpdates();
    for (const ns of namespaces) {
      for (let i = 0; i < deploymentsPerNamespace; i++) {
        for (const step of rolloutSteps(ns, i)) {
          const redrawn = f.nextRedraw();
          for (const [collection, type, object] of step()) f.store.apply(collection, type, object);
          stateChanges++;
          await redrawn;
        }
      }
    }
    assert.ok(f.redraws.length <= stateChanges, `${f.redraws.length} redraws for ${stateChanges} state changes`);
    assert.ok(f.redraws.length >= 1);
    for (const r of f.redraws) {
      assert.notEqual(r, 'all', 'no whole-tree redraw');
      if (r === 'all') continue;
      assert.equal(r.group, false, 'the group of namespaces is not redrawn');
      assert.ok(r.namespaces.length + r.workloads.length <= 1, 'one Deployment moved: one row');
      for (const w of r.workloads) assert.ok(shownWorkloads.has(w.workload.namespace), `a row of an expanded namespace, not ${w.workload.namespace}`);
    }
    const rows = f.redraws.flatMap((r) => (r === 'all' ? [] : [...r.namespaces, ...r.workloads]));
    assert.ok(rows.some((n) => n.kind === 'workload'), 'some changes redraw a workload row alone');
    assert.deepEqual(f.controlPlaneRedraws.filter(Boolean), [], 'the control plane is never redrawn');
    assert.equal(f.workloadUpdates().get('ns-3'), undefined, 'nothing under a collapsed namespace is rebuilt');
    assert.equal(f.workloadUpdates().get('ns-4'), undefined);
    assert.equal(f.firstWorkload.workload.pods.map((p) => p.name).sort().join(), 'web-0-new-0,web-0-new-1', 'its node holds the final pods');
    f.store.dispose();
  });

  it('a burst of events (ten Deployments rolling out at once) is one redraw of the rows they touch', async () => {
    const f = fixture();
    const redrawn = f.nextRedraw();
    for (let i = 0; i < 10; i++) for (const step of rolloutSteps('ns-1', i).slice(0, 2)) for (const [c, type, o] of step()) f.store.apply(c, type, o);
    await redrawn;
    assert.equal(f.redraws.length, 1);
    assert.deepEqual(f.redraws[0], { group: false, namespaces: [f.nodes.namespace(f.store.namespace('ns-1')!)], workloads: [] }, 'its pod count changed: the namespace row, once');
    f.store.dispose();
  });

  it('a workload whose pods are collapsed and whose row looks the same is not redrawn', async () => {
    const f = fixture();
    // web-1 of ns-0: its pods were never asked for; a pod becoming not-ready and ready again leaves its row as it was.
    const owner = { kind: 'Deployment' as const, name: web(1) };
    let redrawn = f.nextRedraw();
    f.store.apply('pods', 'MODIFIED', pod(`${web(1)}-old-0`, { namespace: 'ns-0', owner, sidecar: true, ready: false }));
    await redrawn;
    assert.deepEqual(f.redraws.at(-1), { group: false, namespaces: [], workloads: [] });
    // The same change to web-0, whose pods are shown, redraws its row.
    redrawn = f.nextRedraw();
    f.store.apply('pods', 'MODIFIED', pod(`${web(0)}-old-0`, { namespace: 'ns-0', owner: { kind: 'Deployment', name: web(0) }, sidecar: true, ready: false }));
    await redrawn;
    assert.deepEqual(f.redraws.at(-1), { group: false, namespaces: [], workloads: [f.firstWorkload] });
    f.store.dispose();
  });

  it('a followed restart redraws its workload and its namespace row ("restarting…"), nothing else', async () => {
    const f = fixture();
    const ref = { namespace: 'ns-1', name: web(3) };
    let redrawn = f.nextRedraw();
    f.rollouts.update(rolloutState(ref, 'restarting'));
    await redrawn;
    const r = f.redraws.at(-1);
    assert.ok(r && r !== 'all');
    assert.deepEqual(r.namespaces.map((n) => n.model.name), ['ns-1'], 'the namespace row says "restarting…"');
    // Then, with the namespace redrawn, the next update of the same rollout redraws the workload row only.
    f.nodes.workloads(f.store.namespace('ns-1')!);
    redrawn = f.nextRedraw();
    f.rollouts.update(rolloutState({ ...ref, name: web(4) }, 'queued'));
    f.rollouts.update(rolloutState(ref, 'restarting', { message: 'Waiting: 1 of 2 updated replicas are available...' }));
    await redrawn;
    const next = f.redraws.at(-1);
    assert.ok(next && next !== 'all');
    assert.deepEqual(next.namespaces, []);
    assert.deepEqual(next.workloads.map((w) => w.workload.name).sort(), [web(3), web(4)]);
    f.store.dispose();
  });

  it('a namespace that comes or goes redraws the group; a control-plane change that moves injection redraws all', async () => {
    const f = fixture();
    let redrawn = f.nextRedraw();
    f.store.apply('namespaces', 'ADDED', namespace('new-shop'));
    await redrawn;
    assert.deepEqual(f.redraws.at(-1), { group: true, namespaces: [], workloads: [] });
    redrawn = f.nextRedraw();
    f.store.apply('deployments', 'ADDED', istiod({ revision: 'canary', version: '1.31.0' }));
    await redrawn;
    assert.equal(f.redraws.at(-1), 'all');
    assert.equal(f.controlPlaneRedraws.at(-1), true);
    f.store.dispose();
  });

  it('tells the change that ends a restart on screen from one a pod before the end, and from one that only moves it on', () => {
    const store = new MeshStore({ debounceMs: 1, maxWaitMs: 5 });
    const rollouts = new RolloutTracker();
    const nodes = new MeshNodes<FakeNamespace, FakeWorkload>({
      namespace: (model) => ({ kind: 'namespace', model }), setNamespace: (node, model) => (node.model = model),
      workload: (workload) => ({ kind: 'workload', workload }), setWorkload: (node, w) => (node.workload = w),
    }, rollouts);
    const owner = (i: number) => ({ kind: 'Deployment' as const, name: web(i) });
    store.replace('namespaces', [namespace('shop', { 'istio-injection': 'enabled' }), namespace('hidden', { 'istio-injection': 'enabled' })]);
    store.replace('deployments', [istiod(), deployment(web(0), { namespace: 'shop' }), deployment(web(1), { namespace: 'shop' })]);
    // Pods from before injection was turned on: each needs a restart.
    store.replace('pods', [pod('web-0-old', { namespace: 'shop', owner: owner(0) }), pod('web-1-old', { namespace: 'shop', owner: owner(1) })]);
    store.replace('webhooks', [injectorWebhookConfiguration()]);
    store.flush();
    nodes.namespaces([store.namespace('shop')!]);
    const read = (n: string) => store.namespace(n);
    let at = 0;
    /** Applies events, asks how soon to draw them (a second later each time), then draws them as the tree would. */
    const step = (...events: WatchEvent[]) => {
      for (const [c, type, o] of events) store.apply(c, type, o);
      const pace = nodes.pace(new Set(['shop', 'hidden']), read, (at += 1_000));
      nodes.redraw(new Set(['shop']), read, () => store.namespaces);
      return pace;
    };
    assert.equal(store.namespace('shop')!.restartNeeded, 2);
    assert.equal(step(['pods', 'ADDED', pod('web-0-new', { namespace: 'shop', owner: owner(0), sidecar: true, phase: 'Pending' })]), 'steady', 'a new pod on its way');
    assert.equal(step(['pods', 'DELETED', pod('web-0-old', { namespace: 'shop', owner: owner(0) })]), 'deferred', 'one pod still to restart');
    assert.equal(step(['pods', 'ADDED', pod('web-1-new', { namespace: 'shop', owner: owner(1), sidecar: true })]), 'deferred', 'still one');
    assert.equal(step(['pods', 'DELETED', pod('web-1-old', { namespace: 'shop', owner: owner(1) })]), 'urgent', 'the last pod to restart gone');
    assert.equal(step(['pods', 'ADDED', pod('web-1-other', { namespace: 'shop', owner: owner(1), sidecar: true })]), 'steady', 'nothing was in progress');
    assert.equal(nodes.pace('all', read, at), 'steady', 'a whole list is no restart ending');
    // A pod that needs a restart and gets none (no count went down lately) defers nothing.
    assert.equal(step(['pods', 'ADDED', pod('web-1-late', { namespace: 'shop', owner: owner(1) })]), 'steady', 'one to restart, none restarting');
    // A followed restart: "restarting…" until its last workload is done.
    store.apply('pods', 'DELETED', pod('web-1-late', { namespace: 'shop', owner: owner(1) }));
    rollouts.update(rolloutState({ namespace: 'shop', name: web(0) }, 'restarting'));
    assert.equal(step(), 'steady', 'it starts');
    rollouts.update(rolloutState({ namespace: 'shop', name: web(0) }, 'ready'));
    assert.equal(step(), 'urgent', 'it is done');
    // A namespace row never drawn (collapsed group, or not fetched yet) has nothing on screen to settle.
    store.apply('pods', 'ADDED', pod('db-old', { namespace: 'hidden', owner: { kind: 'Deployment', name: 'db' } }));
    store.apply('pods', 'DELETED', pod('db-old', { namespace: 'hidden', owner: { kind: 'Deployment', name: 'db' } }));
    assert.equal(nodes.pace(new Set(['hidden']), read, at), 'steady');
    store.dispose();
  });
});
