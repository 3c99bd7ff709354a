import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire, Module } from 'node:module';
import { dirname } from 'node:path';
import { Script } from 'node:vm';

/**
 * CommonJS files of dist/ loaded with V8's code cache (`<file>.cache`, made by the build: scripts/code-cache.mjs runs
 * the command line with `ISTIO_MESH_CODE_CACHE=write`). Compiling the command line's bundle and `yaml` took about a
 * tenth of a run over Istio's corpus: each function is compiled on its first call, and the cache holds those a run
 * compiled. A cache is used only for the very text it was made from and whole: the SHA-1 of the text and of V8's data
 * head the file (V8 itself checks only the text's length, and a damaged cache with a sound header crashes the process).
 * V8 then checks that its version and flags made it; a file without a usable cache is compiled as Node would.
 */

const HASH_BYTES = 20;
const sha1 = (data: string | Buffer) => createHash('sha1').update(data).digest();

/** How each file was loaded: with its cache, its cache refused by V8, or without one. */
export type CacheUse = 'accepted' | 'rejected' | 'none';

const loaded = new Map<string, { readonly script: Script; readonly hash: Buffer; readonly use: CacheUse }>();

/** `require(filename)`, through its code cache. Its own `require` resolves from its folder, as Node's would. */
export function requireCached(filename: string): unknown {
  const known = require.cache[filename];
  if (known) return known.exports;
  const source = readFileSync(filename, 'utf8');
  const hash = sha1(source);
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
    writeFileSync(`${filename}.cache`, Buffer.concat([hash, sha1(data), data]));
  }
}

function cacheOf(filename: string, hash: Buffer): Buffer | undefined {
  try {
    const file = readFileSync(`${filename}.cache`);
    const data = file.subarray(2 * HASH_BYTES);
    return file.subarray(0, HASH_BYTES).equals(hash) && file.subarray(HASH_BYTES, 2 * HASH_BYTES).equals(sha1(data)) ? data : undefined;
  } catch {
    return undefined; // none made
  }
}

// The build's run: the functions it compiled go into the caches at its end.
if (process.env.ISTIO_MESH_CODE_CACHE === 'write') process.on('exit', writeCodeCaches);
