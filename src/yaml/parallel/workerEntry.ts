/**
 * Entry of a `lint` worker thread (bundled as dist/lintWorker.js): runs its share (worker.ts) from the command line's
 * own bundle, loaded with its code cache as the main thread loads it (src/cli.ts, src/util/codeCache.ts). V8's flags
 * are the process's: the main thread has turned the optimizing compiler off already, as the cache was made.
 */
import { join } from 'node:path';
import { requireCached } from '../../util/codeCache';

requireCached(join(__dirname, 'yaml.js'));
(requireCached(join(__dirname, 'cliMain.js')) as typeof import('../../cliMain')).runShard(__dirname);
