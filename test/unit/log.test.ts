import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { consoleLogger } from '../../src/util/log';

describe('consoleLogger', () => {
  it('writes levels and error stacks, and drops trace', () => {
    let text = '';
    const sink = new Writable({ write(chunk, _enc, done) { text += String(chunk); done(); } });
    const log = consoleLogger(sink);
    log.trace('hidden');
    log.info('hello');
    log.error(new Error('boom'));
    assert.match(text, /^\[info\] hello\n\[error\] Error: boom\n\s+at /);
    assert.doesNotMatch(text, /hidden/);
  });
});
