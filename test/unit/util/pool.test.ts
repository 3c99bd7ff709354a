import assert from 'node:assert/strict';
import { forEachBounded } from '../../../src/util/pool';

/** A task that stays running until the test releases it, so the test controls overlap exactly. */
function gate() {
  const waiting: (() => void)[] = [];
  return {
    task: () => new Promise<void>((resolve) => waiting.push(resolve)),
    get waiting() { return waiting.length; },
    releaseOne() { waiting.shift()?.(); },
  };
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('forEachBounded', () => {
  it('never runs more than the bound at once, and runs every item', async () => {
    const g = gate();
    let running = 0;
    let peak = 0;
    const done: number[] = [];
    const run = forEachBounded(Array.from({ length: 20 }, (_, i) => i), 3, async (i) => {
      running++;
      peak = Math.max(peak, running);
      await g.task();
      running--;
      done.push(i);
    });
    for (let released = 0; released < 20; released++) {
      await tick();
      assert.ok(g.waiting <= 3, `${g.waiting} running`);
      g.releaseOne();
    }
    const result = await run;
    assert.equal(peak, 3);
    assert.equal(result.maxInFlight, 3);
    assert.equal(done.length, 20);
  });

  it('starts no new item once aborted; running ones finish', async () => {
    const g = gate();
    const controller = new AbortController();
    const started: number[] = [];
    const run = forEachBounded([1, 2, 3, 4, 5], 2, async (i) => {
      started.push(i);
      await g.task();
    }, controller.signal);
    await tick();
    controller.abort();
    g.releaseOne();
    g.releaseOne();
    const result = await run;
    assert.deepEqual(started, [1, 2]);
    assert.equal(result.started, 2);
  });

  it('treats a bound below one as one', async () => {
    const result = await forEachBounded([1, 2, 3], 0, async () => {});
    assert.equal(result.maxInFlight, 1);
  });

  it('rethrows the first error after running tasks settle', async () => {
    await assert.rejects(forEachBounded([1, 2], 2, async (i) => { if (i === 2) throw new Error('boom'); }), /boom/);
  });
});
