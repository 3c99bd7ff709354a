import { availableParallelism } from 'node:os';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Worker } from 'node:worker_threads';
import { nodeFileSystem, yamlFiles, type FileEntry } from '../files';
import { lintPaths, type LintEvent, type LintOptions } from '../lintPaths';
import { EarlyWorker, idleThreads, readCpu, type CpuReading } from './early';
import { shareFiles, threadsFor } from './plan';
import { Exchanges, WINDOW, weight, type FromShard, type GivenFacts, type ShardStart, type ToShard } from './protocol';
import { shardEvents, type Exchange, type PlacedEvent, type RunFile, type ShardOptions } from './shard';

export interface ParallelOptions extends Omit<LintOptions, 'share'> {
  /** At most this many threads (`--jobs`); default: `idleThreads()`, once the files are known. 1: the run stays on this thread. */
  readonly jobs?: number;
  /** dist/lintWorker.js; without it the run stays on this thread. */
  readonly workerScript?: string;
  /** Share even a small run, each thread from the start (tests): see plan.ts. */
  readonly shareSmallRuns?: boolean;
  /** Workers started before the run (see `spareWorkers`), taken before any other is started; those not taken stop. */
  readonly spare?: readonly EarlyWorker[];
  /** A reading taken when the run began (the command line's start), for `idleThreads`; default: at this call. */
  readonly since?: CpuReading;
}

/**
 * `lintPaths`, its files shared among this thread and worker threads when the run is large enough: the same
 * events, in the same order (each pass, file by file), so the output is byte for byte the one-thread output. The
 * walk is made here; each thread runs `lintPaths` over its share, and what files say about namespaces is gathered
 * here after each pass and handed to every share (a Namespace in one share concerns workloads in another). A file is
 * read, fixed and checked by one thread only. The workers read with Node's file system (`fs` serves this thread).
 */
export async function* lintInParallel(paths: readonly string[], options: ParallelOptions = {}): AsyncGenerator<LintEvent> {
  const { jobs, workerScript, shareSmallRuns, spare = [], since = readCpu(), ...lint } = options;
  const fs = lint.fs ?? nodeFileSystem;
  // The walk, when a worker may be wanted; a run it leaves on this thread is not walked again.
  let entries: FileEntry[] | undefined;
  const sizes: number[] = [];
  let threads = 1;
  let owner: number[] = [];
  try {
    if ((jobs ?? availableParallelism()) > 1 && workerScript) {
      const found: FileEntry[] = [];
      for await (const entry of yamlFiles(paths, fs)) {
        found.push(entry);
        sizes.push('file' in entry ? await fs.stat(entry.file).then((s) => s.size, () => 0) : 0);
      }
      entries = found;
      threads = threadsFor(sizes.reduce((a, b) => a + b, 0), jobs ?? idleThreads(since), shareSmallRuns);
      owner = shareFiles(sizes, threads, shareSmallRuns);
      // A thread without a file is not started: a run of one large file stays on this thread (it would wait for a
      // worker's start-up to exchange nothing).
      const owners = (n: number[]) => new Set(n.filter((_, i) => 'file' in found[i])).size;
      while (threads > 1 && owners(owner) < threads) owner = shareFiles(sizes, --threads, shareSmallRuns);
    }
  } finally {
    // The spare workers not wanted (every one when the run stays here, or the walk failed) stop.
    await Promise.all(spare.slice(threads - 1).map((w) => w.worker.terminate()));
  }
  if (threads === 1 || !workerScript || !entries) return yield* lintPaths(paths, { ...lint, walked: entries });

  const shares: RunFile[][] = Array.from({ length: threads }, () => []);
  entries.forEach((entry, i) => {
    if ('file' in entry) shares[owner[i]].push([i, entry.file]);
  });
  const run = new Run(threads);
  const shardOptions: ShardOptions = { schema: lint.schemas !== undefined, fix: lint.fix, ignoredCodes: lint.ignoredCodes ?? [], rootNamespace: lint.rootNamespace, keptTextBudget: lint.keptTextBudget, parsedBudget: lint.parsedBudget };
  const workers = shares.slice(1).map((files, k) => run.worker(k + 1, spare[k] ?? new EarlyWorker(workerScript), { files, shares: threads, options: shardOptions }));
  void run.here(shares[0], lint);
  try {
    const stages = lint.fix ? 3 : 2;
    for (let stage = 0; stage < stages; stage++) {
      for (let i = 0; i < entries.length; i++) {
        const entry = entries[i];
        if ('skipped' in entry) {
          if (stage === 0) yield entry;
          continue;
        }
        for (let event = run.next(owner[i], stage, i); event !== 'settled'; event = run.next(owner[i], stage, i)) {
          if (event === 'wait') await run.changed();
          else yield event;
        }
      }
    }
  } finally {
    run.stop();
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

/** One share's events not yet taken, and how far it has gone. */
interface Share {
  readonly queue: PlacedEvent[];
  /** The weight of `queue` (see `WINDOW`). */
  waiting: number;
  /** Exchanges of facts it has made: its passes before this one are over. */
  stage: number;
  done: boolean;
  /** Called when events are taken, with their weight: the share may go on (see `WINDOW`). */
  taken(weight: number): void;
}

/** The shares of a run, the facts they exchange, and the order their events are taken in. */
class Run {
  private readonly shares: Share[];
  /** This thread's side of the exchanges of facts; each worker completes its own side. */
  private readonly exchanges: Exchanges;
  /** Each worker's port, by thread: what a share gives an exchange goes to every other share at once. */
  private readonly ports: ((message: ToShard) => void)[] = [];
  private wake: (() => void) | undefined;
  private failure: Error | undefined;
  private stopped = false;

  constructor(threads: number) {
    this.shares = Array.from({ length: threads }, () => ({ queue: [], waiting: 0, stage: 0, done: false, taken: () => undefined }));
    this.exchanges = new Exchanges(threads);
  }

  /** Resolves when a share has given something (an event, facts, its end, a failure). */
  changed(): Promise<void> {
    return new Promise((resolve) => (this.wake = resolve));
  }

  /**
   * The next event of `thread` at this place (stage, file), 'settled' when that file has no more events in that
   * stage, 'wait' when it is not known yet. A share's events come in order, so one placed later, or a later stage,
   * settles every place before it.
   */
  next(thread: number, stage: number, index: number): LintEvent | 'settled' | 'wait' {
    if (this.failure) throw this.failure;
    const share = this.shares[thread];
    const head = share.queue[0];
    if (head && (head.stage < stage || (head.stage === stage && head.index <= index))) {
      share.queue.shift();
      const w = weight(head);
      share.waiting -= w;
      share.taken(w);
      return head.event;
    }
    return head || share.stage > stage || share.done ? 'settled' : 'wait';
  }

  /** This thread's share, run between the other work of this thread (printing, the workers' messages). */
  async here(files: readonly RunFile[], options: Omit<LintOptions, 'share'>): Promise<void> {
    const share = this.shares[0];
    let go: (() => void) | undefined;
    share.taken = () => go?.();
    try {
      for await (const placed of shardEvents(files, options, this.exchange())) {
        if (this.stopped) return;
        this.give(0, placed);
        while (share.waiting >= WINDOW) await new Promise<void>((resolve) => (go = resolve));
        // Lets the workers' messages in: reading and checking a file never waits for anything else.
        await nextTurn();
      }
      share.done = true;
      this.notify();
    } catch (err) {
      this.fail(err);
    }
  }

  /** A worker thread with its share. */
  worker(thread: number, early: EarlyWorker, start: ShardStart): Worker {
    const { worker } = early;
    const share = this.shares[thread];
    const send = (message: ToShard) => worker.postMessage(message);
    this.ports[thread] = send;
    // Takings are told in small batches: one message per file would cost more than the file's own message.
    let untold = 0;
    share.taken = (w) => {
      untold += w;
      if (untold >= WINDOW / 4 || share.queue.length === 0) {
        send({ taken: untold });
        untold = 0;
      }
    };
    worker.on('message', (message: FromShard) => {
      if ('placed' in message) this.give(thread, message.placed);
      else if ('facts' in message) {
        const given = { round: this.passed(thread), facts: message.facts };
        this.exchanges.take(given);
        this.forward(thread, given);
      }
      else if ('done' in message) {
        share.done = true;
        this.notify();
      } else this.fail(new Error(message.error));
    });
    early.start(start, (err) => this.fail(err), (code) => {
      if (!share.done && !this.stopped) this.fail(new Error(`a worker thread stopped (exit code ${code})`));
    });
    return worker;
  }

  stop(): void {
    this.stopped = true;
  }

  /** This thread's exchange: its n-th call joins the n-th exchange of every share. */
  private exchange(): Exchange {
    return (facts) => {
      this.passed(0);
      const { round, all } = this.exchanges.give(facts);
      this.forward(0, { round, facts });
      return all;
    };
  }

  /** A share has ended a pass (it gives its facts to an exchange): returns which exchange, counting from 0. */
  private passed(thread: number): number {
    const round = this.shares[thread].stage++;
    this.notify();
    return round;
  }

  /** What a share gave an exchange, to every worker but its own. */
  private forward(from: number, given: GivenFacts): void {
    this.ports.forEach((send, thread) => thread !== from && send({ given }));
  }

  private give(thread: number, placed: PlacedEvent): void {
    const share = this.shares[thread];
    share.queue.push(placed);
    share.waiting += weight(placed);
    this.notify();
  }

  private fail(err: unknown): void {
    this.failure ??= err instanceof Error ? err : new Error(String(err));
    this.notify();
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}
