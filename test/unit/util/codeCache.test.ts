import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHECKSUM_BYTES, cacheUse, checksum, requireCached, writeCodeCaches } from '../../../src/util/codeCache';
import { repoRoot } from '../repoRoot';

let made = 0;

/**
 * A fresh copy of a two-file CommonJS module: `a.js` requires `./b.js` beside it and names its own folder. Each `a.js`
 * is a text of its own (V8 takes an earlier compilation of the same text without looking at a cache).
 */
function twoFiles(value: number): { dir: string; a: string } {
  const dir = mkdtempSync(join(tmpdir(), 'istio-code-cache-'));
  writeFileSync(join(dir, 'b.js'), `exports.value = ${value};\n`);
  const a = join(dir, 'a.js');
  writeFileSync(a, `#!/usr/bin/env node\nconst b = require('./b.js');\nexports.answer = () => b.value + 1;\nexports.dir = __dirname;\n// ${made++}\n`);
  return { dir, a };
}

const fresh = (file: string) => delete require.cache[file];

describe('requireCached: dist/ files loaded with their V8 code cache', () => {
  it('loads a file as require would, then with the cache it wrote, for the same text only', () => {
    const { dir, a } = twoFiles(41);
    const first = requireCached(a) as { answer(): number; dir: string };
    assert.equal(first.answer(), 42);
    assert.equal(first.dir, dir);
    assert.equal(requireCached(a), first, 'loaded once');
    assert.equal(cacheUse().get(a), 'none');

    writeCodeCaches();
    fresh(a);
    assert.equal((requireCached(a) as { answer(): number }).answer(), 42);
    assert.equal(cacheUse().get(a), 'accepted');

    // The same length, another text: V8 would take the cache (it checks the length); the checksum refuses it.
    writeFileSync(a, readFileSync(a, 'utf8').replace('+ 1', '+ 2'));
    fresh(a);
    assert.equal((requireCached(a) as { answer(): number }).answer(), 43);
    assert.equal(cacheUse().get(a), 'none');
  });

  it('compiles as usual when V8 refuses a cache (another text, Node or flags), and never hands it a damaged one', () => {
    // Another text's cache under this text's hash: V8 refuses it (the lengths differ).
    const other = twoFiles(100).a;
    writeFileSync(other, `${readFileSync(other, 'utf8')}// longer\n`);
    requireCached(other);
    writeCodeCaches();
    const { a } = twoFiles(1);
    const text = readFileSync(a, 'utf8');
    writeFileSync(`${a}.cache`, Buffer.concat([checksum(text), readFileSync(`${other}.cache`).subarray(CHECKSUM_BYTES)]));
    assert.equal((requireCached(a) as { answer(): number }).answer(), 2);
    assert.equal(cacheUse().get(a), 'rejected');

    // V8's data damaged under a sound header would crash V8: its own checksum no longer matches, so it is not used.
    const { a: b } = twoFiles(5);
    const cache = readFileSync(`${other}.cache`);
    const damaged = Buffer.from(cache);
    damaged.fill(7, 2 * CHECKSUM_BYTES + 40);
    writeFileSync(`${b}.cache`, Buffer.concat([checksum(readFileSync(b, 'utf8')), damaged.subarray(CHECKSUM_BYTES)]));
    assert.equal((requireCached(b) as { answer(): number }).answer(), 6);
    assert.equal(cacheUse().get(b), 'none');
  });

  it('the build made dist/ caches from the bundles it made (scripts/code-cache.mjs)', () => {
    for (const file of ['cliMain.js', 'yaml.js']) {
      const path = join(repoRoot(), 'dist', file);
      const cache = readFileSync(`${path}.cache`);
      assert.ok(cache.subarray(0, CHECKSUM_BYTES).equals(checksum(readFileSync(path, 'utf8'))), `${file}.cache is not made from ${file}`);
      assert.ok(cache.subarray(CHECKSUM_BYTES, 2 * CHECKSUM_BYTES).equals(checksum(cache.subarray(2 * CHECKSUM_BYTES))), `${file}.cache is damaged`);
    }
  });
});
