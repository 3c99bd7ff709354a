import { readFileSync, statSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { ShardStart, ToShard } from './protocol';

/**
 * The young generation of a worker's heap, where V8 allocates first. Smaller than V8's default, it took a tenth less
 * CPU over Istio's corpus: `lint --jobs 2` 0.77 s of user time with 8 MB, 0.81-0.87 s with the default, 24 or 64 MB
 * (wall 0.57 s against 0.60 s; medians of twelve interleaved runs, 2026-12-07).
 */
const YOUNG_GENERATION_MB = 8;

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
    this.worker = new Worker(script, { resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB } });
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
 * as many as `--jobs` allows beside the main thread (without it, one per other core: the run tells from the CPU time
 * other work takes meanwhile how many it wants, see `idleThreads`), when a path names a directory (a run worth sharing
 * is large; a few named files are not). A guess from the raw arguments: the run stops those it does not take, and one
 * not taken at all (a usage error) ends with the process.
 */
export function spareWorkers(argv: readonly string[], script: string): EarlyWorker[] {
  if (argv[0] !== 'lint') return [];
  const jobsAt = argv.findIndex((a) => a === '--jobs' || a.startsWith('--jobs='));
  const jobs = jobsAt < 0 ? availableParallelism() : Number(argv[jobsAt] === '--jobs' ? argv[jobsAt + 1] : argv[jobsAt].slice('--jobs='.length));
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

/** The CPU time the machine's cores and this process (all its threads) have taken, at a moment. */
export interface CpuReading {
  readonly at: number;
  readonly busyMs: number;
  readonly ownMs: number;
}

/**
 * A reading of Linux's /proc/stat (its first line: each state's time in USER_HZ, a hundredth of a second on every
 * architecture Node runs on), undefined where there is none or it counts other cores than this process may use (a
 * container's quota).
 */
export function readCpu(): CpuReading | undefined {
  try {
    const lines = readFileSync('/proc/stat', 'latin1').split('\n');
    if (lines.filter((l) => /^cpu\d/.test(l)).length !== availableParallelism()) return undefined;
    // user nice system idle iowait irq softirq steal (guest time is counted in user already): busy is all but idle, iowait.
    const [user, nice, system, , , irq, softirq, steal] = lines[0].trim().split(/\s+/).slice(1, 9).map(Number);
    const own = process.cpuUsage();
    return { at: performance.now(), busyMs: (user + nice + system + irq + softirq + (steal || 0)) * 10, ownMs: (own.user + own.system) / 1000 };
  } catch {
    return undefined;
  }
}

/**
 * The threads worth using: this one, and one per core other work leaves idle, a core counting as idle while less than
 * half of it is busy. Other work is the CPU time the other processes took since `since` (at least 50 ms before; the
 * command line reads it as it starts), else the 1-minute load average. The load average lags: after a run of this
 * command line it stays above 1.5 on 2 cores for a minute, and the next run took one thread (0.66 s over Istio's
 * corpus, where two take 0.61 s). A worker costs CPU of its own (about 0.1 s to start); on cores that other processes
 * keep busy it only competes with this thread (measured at load 13-20 on 2 cores: 1.3-1.4x the one-thread run's wall
 * time).
 */
export function idleThreads(since?: CpuReading): number {
  const cores = availableParallelism();
  const now = since && readCpu();
  const window = now && since ? now.at - since.at : 0;
  const others = now && since && window >= 50 ? Math.max(0, now.busyMs - since.busyMs - (now.ownMs - since.ownMs)) / window : loadavg()[0];
  return Math.max(1, Math.min(cores, Math.round(cores - others) + 1));
}
