#!/usr/bin/env node
/**
 * Command-line entry: `node dist/cli.js lint|explain|analyze [options] <files or dirs>` (`--help` lists them). It
 * starts the worker threads a large `lint` run will likely share its files with (see `spareWorkers`), then loads the
 * command line itself (dist/cliMain.js, and dist/yaml.js which it requires) with their code caches (see
 * src/util/codeCache.ts): a worker's own start-up overlaps that loading instead of following it.
 */
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { requireCached } from './util/codeCache';
import { readCpu, spareWorkers } from './yaml/parallel/early';

const since = readCpu();
const argv = process.argv.slice(2);

// A run over a repository takes a second or two, most of it in code that runs hot for a fraction of that: V8's
// optimizing compiler (TurboFan) spent more CPU compiling it than the compiled code saved, on threads that compete
// with the run for the cores (Istio's samples, manifests and analyzer testdata, 2.2 MB: 25-35% less CPU without it).
// Over much more YAML it pays off again: see OPTIMIZE_AFTER_CHARS in cliMain.ts. (Measured again on 2026-12-07: that
// corpus 1.8 s CPU without it, 2.5 s with it; the file of 1,000 documents and 10,000 lines of bench/yaml.mjs 1.0 s
// without it, 1.55 s with it; again once that file's documents were read as plain values and no longer parsed twice:
// 0.42 s CPU without it, 0.62 s with it.) `analyze` is the same (Istio's samples and analyzer testdata: 1.6 s CPU with
// it, 1.0-1.2 s without). Set before the command line is compiled: its code cache was made so.
if (argv[0] === 'lint' || argv[0] === 'analyze') setFlagsFromString('--no-opt');

const spare = spareWorkers(argv, join(__dirname, 'lintWorker.js'));
// Loaded by path, not bundled here: this file stays small and quick to compile.
requireCached(join(__dirname, 'yaml.js'));
(requireCached(join(__dirname, 'cliMain.js')) as typeof import('./cliMain')).main(argv, { spare, since });
