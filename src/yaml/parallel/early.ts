import { statSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { ShardStart, ToShard } from './protocol';

/**
 * A `lint` worker thread started before its share is known: a worker takes about 0.1 s to start (Node's own start-up
 * in the thread, then lintWorker.js and yaml.js), a fifth of a run over Istio's corpus, and the run's first pass waits
 * for it. Started early, that time overlaps the command line's own loading and the walk. What befalls it meanwhile (an
 * error, its end) is kept for the run that takes it. Until then it is unreferenced: one never taken does not keep the
 * process alive.
 */
export class EarlyWorker {
  readonly worker: Worker;
  private error: Error | undefined;
  private exitCode: number | undefined;
  private onError: (err: Error) => void = (err) => {
    this.error ??= err;
  };
  private onExit: (code: number) => void = (code) => {
    this.exitCode = code;
  };

  constructor(script: string) {
    this.worker = new Worker(script);
    this.worker.unref();
    this.worker.on('error', (err) => this.onError(err));
    this.worker.on('exit', (code) => this.onExit(code));
  }

  /** The run takes the worker: gives it its share and hears what became of it (before, too). */
  start(start: ShardStart, onError: (err: Error) => void, onExit: (code: number) => void): void {
    this.worker.ref();
    this.onError = onError;
    this.onExit = onExit;
    if (this.error) onError(this.error);
    if (this.exitCode !== undefined) onExit(this.exitCode);
    this.worker.postMessage({ start } satisfies ToShard);
  }
}

/**
 * The workers a `lint` command line (its arguments after the script) will likely share its run with, started at once:
 * as many as `--jobs` or `idleThreads` allow beside the main thread, when a path names a directory (a run worth
 * sharing is large; a few named files are not). A guess from the raw arguments: the run stops those it does not take,
 * and one not taken at all (a usage error) ends with the process.
 */
export function spareWorkers(argv: readonly string[], script: string): EarlyWorker[] {
  if (argv[0] !== 'lint') return [];
  const jobsAt = argv.findIndex((a) => a === '--jobs' || a.startsWith('--jobs='));
  const jobs = jobsAt < 0 ? idleThreads() : Number(argv[jobsAt] === '--jobs' ? argv[jobsAt + 1] : argv[jobsAt].slice('--jobs='.length));
  if (!(jobs > 1) || !argv.slice(1).some(isDirectory)) return [];
  return Array.from({ length: Math.min(jobs, availableParallelism()) - 1 }, () => new EarlyWorker(script));
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * The threads worth starting now: this one, and one per core other work leaves idle (the 1-minute load average), a
 * core counting as idle while less than half of it is busy. A worker costs CPU of its own (about 0.2 s to start, and
 * its warm-up); on cores that other processes keep busy it only competes with this thread (measured at load 13-20 on
 * 2 cores: 1.3-1.4x the one-thread run's wall time). At load 1.4, which the user's previous command alone leaves, two
 * threads still took 0.92x the one-thread run's wall time over Istio's corpus (2026-12-07).
 */
export function idleThreads(): number {
  const cores = availableParallelism();
  return Math.max(1, Math.min(cores, Math.round(cores - loadavg()[0]) + 1));
}
