import assert from 'node:assert/strict';
import { advance, keepOld, rollBack, runStep, uninstallOld, type MachineOptions } from '../../../src/upgrade/machine';
import { STEPS, currentStep, newUpgrade, restoreUpgrade, type MovePlan, type StepId, type UpgradeState } from '../../../src/upgrade/state';
import { FakeMesh } from './fakeOps';

const TAG_MOVE: MovePlan = { kind: 'tag', tag: 'prod', namespaces: ['shop'] };
const RELABEL: MovePlan = { kind: 'relabel', namespaces: [{ name: 'shop', previous: { mode: 'revision', revision: 'prod' } }, { name: 'pay', previous: { mode: 'default' } }] };

function start(move: MovePlan): UpgradeState {
  return newUpgrade({ context: 'kind-test', from: { revision: 'default', version: '1.30.1' }, to: { revision: '1-31', version: '1.31.0' }, move });
}

/** Options whose `save` keeps what a reload would read back (JSON), and which stop the flow once `stopAfter` is done. */
function options(mesh: FakeMesh, stopAfter?: StepId) {
  const controller = new AbortController();
  const saved: string[] = [];
  const o: MachineOptions = {
    ops: mesh, signal: controller.signal, readyTimeoutMs: 50, verifyTimeoutMs: 50, pollIntervalMs: 1,
    save: (state) => {
      saved.push(JSON.stringify(state));
      if (stopAfter && state.steps[stopAfter].status === 'done') controller.abort();
    },
  };
  return { o, saved, reload: () => restoreUpgrade(JSON.parse(saved.at(-1)!)) };
}

/** A mesh where only `shop` (through tag prod) uses the old revision, so nothing blocks its removal at the end. */
function shopOnly(): FakeMesh {
  const mesh = new FakeMesh();
  mesh.namespaces.delete('pay');
  mesh.pods.delete('pay');
  return mesh;
}

const BEFORE_UNINSTALL = STEPS.filter((s) => s !== 'uninstall');

describe('canary upgrade machine', () => {
  it('runs every step with a tag move, stops at the uninstall question, then removes the unused old revision', async () => {
    const mesh = shopOnly();
    const { o } = options(mesh);
    const state = await advance(start(TAG_MOVE), o);
    assert.deepEqual(BEFORE_UNINSTALL.map((s) => state.steps[s].status), BEFORE_UNINSTALL.map(() => 'done'), JSON.stringify(state.steps));
    assert.equal(currentStep(state), 'uninstall');
    assert.deepEqual(mesh.calls, ['precheck 1.30.1', 'install 1-31', 'tag prod → 1-31', 'restart shop']);
    assert.deepEqual(mesh.podRevisionsNow('shop'), ['1-31', '1-31']);
    assert.equal(state.steps.verify.message, "2/2 pods run revision 1-31's proxy");
    const end = await uninstallOld(state, o);
    assert.equal(end.phase, 'done');
    assert.equal(end.steps.uninstall.status, 'done');
    assert.ok(!mesh.revs.has('default'));
  });

  it('relabels the chosen namespaces and verifies their pods, leaving opted-out pods and other namespaces alone', async () => {
    const mesh = new FakeMesh();
    const state = await advance(start(RELABEL), options(mesh).o);
    assert.equal(currentStep(state), 'uninstall');
    assert.deepEqual(state.relabelled, ['shop', 'pay']);
    assert.deepEqual(mesh.namespaces.get('shop'), { mode: 'revision', revision: '1-31' });
    assert.deepEqual(mesh.namespaces.get('pay'), { mode: 'revision', revision: '1-31' });
    assert.deepEqual(mesh.podRevisionsNow('pay'), ['1-31']);
    assert.deepEqual(mesh.podRevisionsNow('plain'), [undefined]);
    assert.equal(mesh.tagMap.get('prod'), 'default');
  });

  it('stops at a precheck error, naming its IST code, before anything is installed', async () => {
    const mesh = new FakeMesh();
    mesh.findings = [{ level: 'error', code: 'IST0141', source: 'istioctl', message: 'may not create clusterroles' }];
    const state = await advance(start(TAG_MOVE), options(mesh).o);
    assert.equal(state.steps.precheck.status, 'failed');
    assert.deepEqual(state.steps.precheck.details, ['✘ IST0141 may not create clusterroles']);
    assert.deepEqual(mesh.calls, ['precheck 1.30.1']);
  });

  it('passes warnings on and keeps them with the precheck step', async () => {
    const mesh = shopOnly();
    mesh.findings = [{ level: 'warning', code: 'IST0174', source: 'istioctl', message: 'tracing default changed' }];
    const state = await runStep(start(TAG_MOVE), options(mesh).o);
    assert.equal(state.steps.precheck.status, 'done');
    assert.deepEqual(state.steps.precheck.details, ['⚠ IST0174 tracing default changed']);
    assert.equal(state.findings.length, 1);
  });

  it('refuses to move the tag while the new istiod is not ready, and changes nothing', async () => {
    const mesh = shopOnly();
    await mesh.install('1-31');
    mesh.revs.get('1-31')!.ready = false;
    const installed = start(TAG_MOVE);
    const ready = { ...installed, steps: { ...installed.steps, precheck: { status: 'done' as const }, install: { status: 'done' as const }, ready: { status: 'done' as const } } };
    const state = await runStep(ready, { ...options(mesh).o, readyTimeoutMs: 5 });
    assert.equal(state.steps.move.status, 'failed');
    assert.equal(state.steps.move.message, 'istiod of revision "1-31" is not ready (0/1 ready) in context "kind-test": nothing was moved.');
    assert.equal(mesh.tagMap.get('prod'), 'default');
    assert.deepEqual(mesh.calls, ['install 1-31']);
    assert.equal(state.tagMoved, false);
  });

  it('waits for the new istiod to become ready, then moves the tag', async () => {
    const mesh = shopOnly();
    mesh.readyAfterReads = 3;
    const state = await advance(start(TAG_MOVE), { ...options(mesh).o, readyTimeoutMs: 1000 });
    assert.equal(state.steps.ready.status, 'done');
    assert.equal(mesh.tagMap.get('prod'), '1-31');
  });

  for (const step of BEFORE_UNINSTALL) {
    it(`resumes after a reload once "${step}" is done, without repeating it`, async () => {
      const mesh = shopOnly();
      const first = options(mesh, step);
      await advance(start(TAG_MOVE), first.o);
      const restored = first.reload();
      assert.ok(restored);
      assert.equal(restored.steps[step].status, 'done');
      const calls = mesh.calls.length;
      const state = await advance(restored, options(mesh).o);
      assert.equal(currentStep(state), 'uninstall', JSON.stringify(state.steps));
      assert.equal(mesh.calls.filter((c) => c === 'install 1-31').length, 1);
      assert.equal(mesh.calls.filter((c) => c.startsWith('precheck')).length, 1);
      assert.ok(mesh.calls.length >= calls);
      assert.deepEqual(mesh.podRevisionsNow('shop'), ['1-31', '1-31']);
    });

    it(`rolls back after "${step}": the tag points at the old revision again and the pods run its proxy`, async () => {
      const mesh = shopOnly();
      const first = options(mesh, step);
      await advance(start(TAG_MOVE), first.o);
      const state = await rollBack(first.reload()!, options(mesh).o);
      assert.equal(state.phase, 'rolledBack', JSON.stringify(state.rollback));
      assert.equal(state.rollback?.status, 'done');
      assert.equal(mesh.tagMap.get('prod'), 'default');
      assert.deepEqual(mesh.podRevisionsNow('shop'), ['default', 'default']);
      const restarted = STEPS.indexOf(step) >= STEPS.indexOf('restart');
      assert.equal(mesh.calls.filter((c) => c === 'restart shop').length, restarted ? 2 : 0);
      assert.ok(!mesh.calls.includes('uninstall default'));
    });

    it(`rolls relabelled namespaces back after "${step}" to the labels they had`, async () => {
      const mesh = new FakeMesh();
      const first = options(mesh, step);
      await advance(start(RELABEL), first.o);
      const state = await rollBack(first.reload()!, options(mesh).o);
      assert.equal(state.phase, 'rolledBack', JSON.stringify(state.rollback));
      assert.deepEqual(mesh.namespaces.get('shop'), { mode: 'revision', revision: 'prod' });
      assert.deepEqual(mesh.namespaces.get('pay'), { mode: 'default' });
      assert.deepEqual(mesh.podRevisionsNow('shop'), ['default', 'default']);
      assert.deepEqual(state.relabelled, []);
    });
  }

  it('rolls back a tag moved by a step the reload interrupted before it was saved', async () => {
    const mesh = shopOnly();
    const first = options(mesh, 'ready');
    await advance(start(TAG_MOVE), first.o);
    const running = { ...first.reload()!, steps: { ...first.reload()!.steps, move: { status: 'running' as const } } };
    await mesh.setTag('prod', '1-31');
    const restored = restoreUpgrade(JSON.parse(JSON.stringify(running)))!;
    assert.equal(restored.steps.move.status, 'pending');
    assert.equal(restored.tagMoved, false);
    const state = await rollBack(restored, options(mesh).o);
    assert.equal(state.phase, 'rolledBack');
    assert.equal(mesh.tagMap.get('prod'), 'default');
  });

  it('refuses to uninstall the old revision while a namespace, tag or pod uses it, naming them, and changes nothing', async () => {
    const mesh = new FakeMesh();
    const { o } = options(mesh);
    const state = await advance(start(TAG_MOVE), o);
    const calls = [...mesh.calls];
    const refused = await uninstallOld(state, o);
    assert.equal(refused.steps.uninstall.status, 'failed');
    assert.equal(refused.phase, 'active');
    assert.deepEqual(refused.steps.uninstall.details, [
      'Namespaces still using it (their sidecars lose their control plane): pay',
      'Running pods with its proxy (1): pay 1',
    ]);
    assert.deepEqual(mesh.calls, calls);
    assert.ok(mesh.revs.has('default'));
    // Refused, not ended: moving the last namespace and asking again removes it.
    await mesh.setInjection('pay', { mode: 'revision', revision: '1-31' });
    await mesh.restart(['pay']);
    const removed = await uninstallOld(refused, o);
    assert.equal(removed.phase, 'done');
    assert.ok(!mesh.revs.has('default'));
  });

  it('refuses a rollback once the old revision is gone', async () => {
    const mesh = shopOnly();
    const { o } = options(mesh);
    const state = await advance(start(TAG_MOVE), o);
    mesh.revs.delete('default');
    const after = await rollBack(state, o);
    assert.equal(after.phase, 'active');
    assert.equal(after.rollback?.status, 'failed');
    assert.match(after.rollback?.message ?? '', /Revision "default" no longer exists in context "kind-test"/);
    assert.equal(mesh.tagMap.get('prod'), '1-31');
  });

  it('fails the restart step naming the workloads that did not roll out, and a rollback still restores the tag', async () => {
    const mesh = shopOnly();
    mesh.failingRestarts.add('shop');
    const { o } = options(mesh);
    const state = await advance(start(TAG_MOVE), o);
    assert.equal(state.steps.restart.status, 'failed');
    assert.deepEqual(state.steps.restart.details, ['deployment/app in shop: failed']);
    assert.equal(state.restarted, true);
    mesh.failingRestarts.clear();
    const back = await rollBack(state, o);
    assert.equal(back.phase, 'rolledBack');
    assert.equal(mesh.tagMap.get('prod'), 'default');
  });

  it('fails verification naming the pods still on the old proxy', async () => {
    const mesh = shopOnly();
    mesh.pods.get('shop')!.push({ name: 'shop-stuck', revision: 'default' });
    const real = mesh.restart.bind(mesh);
    mesh.restart = async (namespaces) => {
      const result = await real(namespaces);
      mesh.pods.get('shop')!.find((p) => p.name === 'shop-stuck')!.revision = 'default';
      return result;
    };
    const state = await advance(start(TAG_MOVE), options(mesh).o);
    assert.equal(state.steps.verify.status, 'failed');
    assert.deepEqual(state.steps.verify.details, ['shop/shop-stuck (revision default)']);
  });

  it('keeps the old revision when asked, and ends', async () => {
    const mesh = shopOnly();
    const { o } = options(mesh);
    const end = await keepOld(await advance(start(TAG_MOVE), o), o);
    assert.equal(end.phase, 'done');
    assert.equal(end.steps.uninstall.status, 'skipped');
    assert.ok(mesh.revs.has('default'));
  });

  it('a cancel leaves the running step pending, to run again on resume', async () => {
    const mesh = shopOnly();
    const controller = new AbortController();
    mesh.restart = () => {
      controller.abort();
      return Promise.reject(new Error('The restart was cancelled'));
    };
    const state = await advance(start(TAG_MOVE), { ops: mesh, save: () => {}, signal: controller.signal, pollIntervalMs: 1 });
    assert.equal(state.steps.restart.status, 'pending');
    assert.equal(currentStep(state), 'restart');
  });
});
