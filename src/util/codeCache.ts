import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire, Module } from 'node:module';
import { dirname } from 'node:path';
import { Script } from 'node:vm';
import { crc32 } from 'node:zlib';

/**
 * CommonJS files of dist/ loaded with V8's code cache (`<file>.cache`, made by the build: scripts/code-cache.mjs runs
 * the command line with `ISTIO_MESH_CODE_CACHE=write`). Compiling the command line's bundle and `yaml` took about a
 * tenth of a run over Istio's corpus: each function is compiled on its first call, and the cache holds those a run
 * compiled. A cache is used only for the very text it was made from and whole: the CRC-32 of the text and of V8's data
 * head the file (V8 itself checks only the text's length, and a damaged cache with a sound header crashes the process).
 * V8 then checks that its version and flags made it; a file without a usable cache is compiled as Node would.
 * CRC-32 rather than a cryptographic hash: it guards against a stale or damaged file, not against someone who can
 * write dist/ (they can write the bundle), and `node:crypto` took 13-19 ms to load in a worker thread, whose start-up
 * the run waits for (zlib: under 1 ms).
 */

/** A CRC-32 (of a file's text, or of V8's data), as the cache file holds it. */
export function checksum(data: string | Buffer): Buffer {
  const sum = Buffer.alloc(CHECKSUM_BYTES);
  sum.writeUInt32BE(crc32(data));
  return sum;
}

export const CHECKSUM_BYTES = 4;

/** How each file was loaded: with its cache, its cache refused by V8, or without one. */
export type CacheUse = 'accepted' | 'rejected' | 'none';

const loaded = new Map<string, { readonly script: Script; readonly hash: Buffer; readonly use: CacheUse }>();

/** `require(filename)`, through its code cache. Its own `require` resolves from its folder, as Node's would. */
export function requireCached(filename: string): unknown {
  const known = require.cache[filename];
  if (known) return known.exports;
  const source = readFileSync(filename, 'utf8');
  const hash = checksum(source);
  const cachedData = cacheOf(filename, hash);
  // A `#!` line is no JavaScript once wrapped: it becomes a comment, the same length.
  const script = new Script(Module.wrap(source.startsWith('#!') ? `//${source}` : source), { filename, cachedData });
  loaded.set(filename, { script, hash, use: !cachedData ? 'none' : script.cachedDataRejected ? 'rejected' : 'accepted' });
  const module = new Module(filename);
  module.filename = filename;
  require.cache[filename] = module;
  const wrapper = script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: Module, filename: string, dirname: string) => void;
  wrapper.call(module.exports, module.exports, createRequire(filename), module, filename, dirname(filename));
  module.loaded = true;
  return module.exports;
}

/** How `requireCached` loaded each file so far. */
export function cacheUse(): ReadonlyMap<string, CacheUse> {
  return new Map([...loaded].map(([filename, { use }]) => [filename, use]));
}

/** Writes the code cache of each file loaded so far, with the functions compiled until now. */
export function writeCodeCaches(): void {
  for (const [filename, { script, hash }] of loaded) {
    const data = script.createCachedData();
    writeFileSync(`${filename}.cache`, Buffer.concat([hash, checksum(data), data]));
  }
}

function cacheOf(filename: string, hash: Buffer): Buffer | undefined {
  try {
    const file = readFileSync(`${filename}.cache`);
    const data = file.subarray(2 * CHECKSUM_BYTES);
    return file.subarray(0, CHECKSUM_BYTES).equals(hash) && file.subarray(CHECKSUM_BYTES, 2 * CHECKSUM_BYTES).equals(checksum(data)) ? data : undefined;
  } catch {
    return undefined; // none made
  }
}

// The build's run: the functions it compiled go into the caches at its end.
if (process.env.ISTIO_MESH_CODE_CACHE === 'write') process.on('exit', writeCodeCaches);
