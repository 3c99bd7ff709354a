#!/usr/bin/env node
/**
 * Command-line entry: `node dist/cli.js lint|explain|analyze [options] <files or dirs>` (`--help` lists them). It
 * starts the worker threads a large `lint` run will likely share its files with (see `spareWorkers`), then loads the
 * command line itself (dist/cliMain.js): a worker's own start-up overlaps that loading instead of following it.
 */
import { join } from 'node:path';
import { readCpu, spareWorkers } from './yaml/parallel/early';

const since = readCpu();
const argv = process.argv.slice(2);
const spare = spareWorkers(argv, join(__dirname, 'lintWorker.js'));
// Loaded by path, not bundled here: this file stays small and quick to compile.
void import(join(__dirname, 'cliMain.js')).then((command: typeof import('./cliMain')) => command.main(argv, { spare, since }));
