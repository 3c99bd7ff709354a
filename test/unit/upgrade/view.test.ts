import assert from 'node:assert/strict';
import { upgradeRows } from '../../../src/upgrade/rows';
import { newUpgrade, withStep } from '../../../src/upgrade/state';
import { UpgradeStates } from '../../../src/upgrade/store';

const state = newUpgrade({ context: 'kind-a', from: { revision: 'default', version: '1.30.1' }, to: { revision: '1-31', version: '1.31.0' }, move: { kind: 'tag', tag: 'prod', namespaces: ['shop'] } });

/** A Memento that keeps values as JSON, as VS Code's globalState does across a reload. */
function memento() {
  const data = new Map<string, string>();
  return { data, get: (k: string) => (data.has(k) ? JSON.parse(data.get(k)!) as unknown : undefined), update: (k: string, v: unknown) => Promise.resolve(void (v === undefined ? data.delete(k) : data.set(k, JSON.stringify(v)))) };
}

describe('canary upgrade view and storage', () => {
  it('keeps one flow per context, found again by a new store over the same storage (a reload)', async () => {
    const storage = memento();
    const first = new UpgradeStates(storage);
    const fired: string[] = [];
    first.onDidChange((c) => fired.push(c));
    await first.set(withStep(state, 'install', { status: 'running' }));
    const reloaded = new UpgradeStates(storage);
    assert.equal(reloaded.get('kind-a')?.steps.install.status, 'pending');
    assert.equal(reloaded.get('kind-b'), undefined);
    await reloaded.clear('kind-a');
    assert.equal(first.get('kind-a'), undefined);
    assert.deepEqual(fired, ['kind-a']);
  });

  it('shows the step this window is running as running, and as interrupted only to a window that is not running it', async () => {
    const storage = memento();
    const states = new UpgradeStates(storage);
    const run = states.begin('kind-a')!;
    await states.set(withStep(state, 'install', { status: 'running' }));
    assert.equal(states.get('kind-a')?.steps.install.status, 'running');
    assert.equal(states.get('kind-a')?.steps.install.message, undefined);
    assert.equal(new UpgradeStates(storage).get('kind-a')?.steps.install.status, 'pending');
    states.end('kind-a', run);
    assert.equal(states.get('kind-a')?.steps.install.message, 'interrupted; runs again on resume');
  });

  it('runs one flow per context at a time, and Cancel aborts it', () => {
    const states = new UpgradeStates(memento());
    const run = states.begin('kind-a')!;
    assert.equal(states.begin('kind-a'), undefined);
    assert.ok(states.isRunning('kind-a'));
    assert.ok(states.cancel('kind-a'));
    assert.ok(run.signal.aborted);
    states.end('kind-a', run);
    assert.equal(states.cancel('kind-a'), false);
  });

  it('shows each step with its status, the names under a failed one, and the step waiting for a choice', () => {
    const failed = withStep(withStep(state, 'precheck', { status: 'done', message: 'no findings' }), 'install', { status: 'failed', message: 'istioctl install failed', details: ['✘ IST0141 may not create'] });
    const [root] = upgradeRows(failed, false);
    assert.equal(root.label, 'Upgrade default (1.30.1) → 1-31 (1.31.0) in context "kind-a"');
    assert.equal(root.description, 'in progress');
    assert.deepEqual(root.children.map((r) => [r.label, r.icon, r.description]), [
      ['Precheck', 'done', 'no findings'],
      ['Install the new revision', 'failed', 'istioctl install failed'],
      ['Wait until ready', 'pending', ''],
      ['Move tag "prod" → 1-31', 'pending', ''],
      ['Restart workloads', 'pending', ''],
      ['Verify proxies', 'pending', ''],
      ['Uninstall the old revision', 'pending', ''],
    ]);
    assert.deepEqual(root.children[1].children.map((r) => r.label), ['✘ IST0141 may not create']);
    const steps = ['precheck', 'install', 'ready', 'move', 'restart', 'verify'] as const;
    const waiting = steps.reduce((s, id) => withStep(s, id, { status: 'done' }), state);
    assert.equal(upgradeRows(waiting, false)[0].children[6].description, 'waiting for your choice (Resume)');
    assert.equal(upgradeRows(state, true)[0].children[0].icon, 'running');
  });
});
