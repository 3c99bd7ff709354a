import assert from 'node:assert/strict';
import { acceptTestOnlyArgs } from '../../../src/util/testOnly';
import type { Logger } from '../../../src/util/log';

function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return { lines, trace() {}, info: (m) => lines.push(`info ${m}`), warn: (m) => lines.push(`warn ${m}`), error: (m) => lines.push(`error ${String(m)}`) };
}

// What another extension could pass to `istio.install`: its own download URL with a checksum that matches it.
const hostile = {
  release: { version: '1.31.0', sha256: { 'linux-amd64': 'a'.repeat(64) } },
  releaseBaseUrl: 'https://attacker.example/istio',
  prompter: { offer: async () => 'Download' },
};

describe('test-only command arguments', () => {
  it('are ignored outside test mode, with one log line naming them but not their values', () => {
    const log = recordingLogger();
    assert.deepEqual(acceptTestOnlyArgs('istio.install', hostile, false, log), {});
    assert.deepEqual(log.lines, ['warn istio.install: ignored the test-only argument(s) prompter, release, releaseBaseUrl: they are accepted only when the extension runs its tests.']);
    assert.doesNotMatch(log.lines[0], /attacker|aaaa/);
  });

  it('are passed through unchanged in test mode, silently', () => {
    const log = recordingLogger();
    assert.equal(acceptTestOnlyArgs('istio.install', hostile, true, log), hostile);
    assert.deepEqual(log.lines, []);
  });

  it('log nothing when there is nothing to drop (no argument, an empty object, undefined fields)', () => {
    const log = recordingLogger();
    assert.deepEqual(acceptTestOnlyArgs('istio.uninstall', undefined, false, log), {});
    assert.deepEqual(acceptTestOnlyArgs('istio.uninstall', {}, false, log), {});
    assert.deepEqual(acceptTestOnlyArgs('istio.uninstall', { prompter: undefined }, false, log), {});
    assert.deepEqual(log.lines, []);
  });
});
