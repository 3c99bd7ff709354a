import * as assert from 'node:assert/strict';
import { mock } from 'node:test';
import { ChangeWindow, type ChangeWindowOptions } from '../../../src/views/changeWindow';

const merge = (a: string[] | undefined, b: string[]) => [...(a ?? []), ...b];

/** A window over mocked timers: `tick(ms)` moves the clock, `flushes` holds each flush with its time. */
function windowOf(windowMs: number, gapMs?: number, more: Pick<ChangeWindowOptions, 'holdMs' | 'deferMs'> = {}) {
  const flushes: { at: number; change: string[] }[] = [];
  const window = new ChangeWindow<string[]>({ windowMs, gapMs, ...more, now: () => Date.now() }, merge, (change) => {
    flushes.push({ at: Date.now(), change });
  });
  return { window, flushes };
}

describe('the tree’s change window', () => {
  let start = 0;
  beforeEach(() => {
    mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 1_000_000 });
    start = Date.now();
  });
  afterEach(() => mock.timers.reset());
  /** Millisecond by millisecond: the mocked clock reads the end of a longer tick inside the timers it runs. */
  const tick = (ms: number) => {
    for (let i = 0; i < ms; i++) mock.timers.tick(1);
  };

  it('merges a burst into one flush, a frame after its first change', () => {
    const { window, flushes } = windowOf(16, 210);
    window.add(['a']);
    tick(10);
    window.add(['b']);
    tick(5);
    assert.equal(flushes.length, 0);
    tick(1);
    assert.deepEqual(flushes, [{ at: start + 16, change: ['a', 'b'] }]);
  });

  it('holds a change that comes sooner than the gap after a flush until the gap has passed, with what follows it', () => {
    const { window, flushes } = windowOf(16, 210);
    window.add(['a']);
    tick(16);
    tick(50);
    window.add(['b']);
    tick(100);
    window.add(['c']);
    tick(59);
    assert.equal(flushes.length, 1, 'not before the gap');
    tick(1);
    assert.deepEqual(flushes.at(-1), { at: start + 16 + 210, change: ['b', 'c'] });
  });

  it('keeps flushes of a steady stream the gap apart, each as soon as the gap allows', () => {
    const { window, flushes } = windowOf(16, 210);
    for (let t = 0; t < 2000; t += 30) {
      window.add([String(t)]);
      tick(30);
    }
    tick(300);
    const gaps = flushes.slice(1).map((f, i) => f.at - flushes[i]!.at);
    assert.ok(gaps.every((g) => g >= 210 && g < 240), `gaps ${gaps.join(', ')}`);
    assert.equal(flushes.flatMap((f) => f.change).length, Math.ceil(2000 / 30), 'every change flushed once');
  });

  it('does not start the gap after a flush that sent nothing', () => {
    const sent: { at: number; change: string[] }[] = [];
    const window = new ChangeWindow<string[]>({ windowMs: 16, gapMs: 210, now: () => Date.now() }, merge, (change) => {
      if (change.includes('empty')) return false;
      sent.push({ at: Date.now(), change });
      return true;
    });
    window.add(['empty']);
    mock.timers.tick(16);
    assert.deepEqual(sent, []);
    window.add(['rows']);
    mock.timers.tick(16);
    assert.deepEqual(sent, [{ at: start + 32, change: ['rows'] }], 'sent a frame later, not held for the gap');
    window.dispose();
  });

  it('drops what is pending when told it is shown already, and flushes only what comes after', () => {
    const { window, flushes } = windowOf(16, 210);
    window.add(['listed']);
    tick(10);
    window.discard();
    tick(100);
    assert.deepEqual(flushes, [], 'nothing flushed for what was discarded');
    window.add(['after']);
    tick(16);
    assert.deepEqual(flushes, [{ at: start + 126, change: ['after'] }], 'a frame after it: a discard starts no gap');
  });

  it('holds a change that is not urgent past the gap, and lets an urgent one go as soon as the gap allows', () => {
    const { window, flushes } = windowOf(16, 200, { holdMs: 200 });
    window.add(['a']);
    tick(16);
    assert.deepEqual(flushes, [{ at: start + 16, change: ['a'] }], 'after a quiet spell: a frame later, urgent or not');
    tick(34);
    window.add(['progress']);
    tick(250);
    assert.equal(flushes.length, 1, 'progress is held past the gap (216)');
    window.add(['done'], 'urgent');
    tick(1); // Node runs a timer of 0 ms after 1
    assert.deepEqual(flushes.at(-1), { at: start + 301, change: ['progress', 'done'] }, 'the urgent change goes at once, with what was held');
    window.add(['more']);
    tick(399);
    assert.equal(flushes.length, 2);
    tick(1);
    assert.deepEqual(flushes.at(-1), { at: start + 301 + 400, change: ['more'] }, 'held: gap and hold after the last flush');
    // An urgent change inside the gap still waits for the gap: VS Code would hold a sooner one 200 ms.
    window.add(['x']);
    tick(50);
    window.add(['finished'], 'urgent');
    tick(149);
    assert.equal(flushes.length, 3);
    tick(1);
    assert.deepEqual(flushes.at(-1), { at: start + 701 + 200, change: ['x', 'finished'] });
    window.dispose();
  });

  it('defers progress while the end is near, and lets the end go at once when it comes', () => {
    const { window, flushes } = windowOf(16, 200, { holdMs: 200, deferMs: 800 });
    window.add(['a']);
    tick(16);
    window.add(['progress']);
    tick(100);
    window.add(['one left'], 'deferred');
    tick(400);
    assert.equal(flushes.length, 1, 'the progress waiting is deferred too (a steady change would have gone at 416)');
    window.add(['done'], 'urgent');
    tick(1);
    assert.deepEqual(flushes.at(-1), { at: start + 517, change: ['progress', 'one left', 'done'] }, 'the end goes at once, VS Code being idle');
    // Deferred at most deferMs past the gap.
    window.add(['one left again'], 'deferred');
    tick(999);
    assert.equal(flushes.length, 2);
    tick(1);
    assert.deepEqual(flushes.at(-1), { at: start + 517 + 1000, change: ['one left again'] });
    // A steady change brings a deferred one forward again (the end is no longer near).
    tick(100);
    window.add(['one left, later'], 'deferred');
    tick(100);
    window.add(['elsewhere']);
    tick(199);
    assert.equal(flushes.length, 3);
    tick(1);
    assert.deepEqual(flushes.at(-1), { at: start + 1517 + 400, change: ['one left, later', 'elsewhere'] });
    window.dispose();
  });

  it('flushes a change that comes after a quiet spell a frame later', () => {
    const { window, flushes } = windowOf(16, 210);
    window.add(['a']);
    tick(16 + 500);
    window.add(['b']);
    tick(16);
    assert.deepEqual(flushes.map((f) => f.at - start), [16, 16 + 500 + 16]);
  });
});
