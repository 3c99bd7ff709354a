import * as assert from 'node:assert/strict';
import { pageOf } from '../../../src/views/nodes/paging';

describe('a page of pods per workload', () => {
  const pods = Array.from({ length: 2_000 }, (_, i) => `web-${i}`);

  it('shows the first page and counts the rest', () => {
    const page = pageOf(pods, 100, 100);
    assert.equal(page.shown.length, 100);
    assert.equal(page.shown[99], 'web-99');
    assert.deepEqual([page.more, page.next], [1_900, 100]);
  });

  it('grows by a page and offers no more than is left', () => {
    const page = pageOf(pods, 1_950, 100);
    assert.equal(page.shown.length, 1_950);
    assert.deepEqual([page.more, page.next], [50, 50]);
  });

  it('shows a short list whole, with nothing more', () => {
    const page = pageOf(pods.slice(0, 3), 100, 100);
    assert.deepEqual(page, { shown: pods.slice(0, 3), more: 0, next: 0 });
  });
});
