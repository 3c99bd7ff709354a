import * as assert from 'node:assert/strict';
import { mock } from 'node:test';
import { PeriodicRead } from '../../../src/views/periodicRead';

describe('PeriodicRead: reads again only while the view shows', () => {
  let reads = 0;
  let read: PeriodicRead;
  beforeEach(() => {
    mock.timers.enable({ apis: ['setInterval'] });
    reads = 0;
    read = new PeriodicRead(30_000, () => reads++);
  });
  afterEach(() => {
    read.dispose();
    mock.timers.reset();
  });

  it('reads every interval while active and visible', () => {
    read.setActive(true);
    mock.timers.tick(30_000 * 3);
    assert.equal(reads, 3);
  });

  it('never reads while hidden, reads at once when shown again, then every interval', () => {
    read.setActive(true);
    read.setVisible(false);
    mock.timers.tick(30_000 * 10);
    assert.equal(reads, 0);
    read.setVisible(true);
    assert.equal(reads, 1, 'showing the view reads at once');
    mock.timers.tick(30_000);
    assert.equal(reads, 2);
  });

  it('reads nothing while inactive (no Clusters level), whether shown or not', () => {
    read.setVisible(false);
    read.setVisible(true);
    mock.timers.tick(30_000 * 10);
    assert.equal(reads, 0);
    read.setActive(true);
    read.setActive(false);
    mock.timers.tick(30_000 * 10);
    assert.equal(reads, 0);
  });
});
