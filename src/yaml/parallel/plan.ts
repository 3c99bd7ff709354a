/**
 * How a run's files are shared among threads. Measured on the benches' 2-core machine (Node 20): the checks cost
 * about 0.25 µs of CPU per byte of YAML (`lint --jobs 1` over Istio's samples, manifests and analyzer testdata: 0.55 s
 * for 2.2 MB; Helm templates cost several times more per byte than plain manifests); a worker thread costs about
 * 0.1 s of CPU before its first file (Node's start-up in the thread, loading lintWorker.js and yaml.js), and runs
 * slower than the main thread at first. With the workers started before the command line loads (see early.ts), a
 * start-up counted as 800 KB gave that corpus 0.61 s of wall time, 500 KB 0.63 s and 200 KB 0.64 s (medians of eight
 * interleaved runs each, 2026-12-07): both threads are then busy from start to end. With the code caches and the
 * workers' smaller young generation, 600 KB: 0.56 s (800 KB 0.57 s, twelve runs each). With this thread reading its
 * next files ahead while the worker starts, none of it dropped (see `lintPaths`), 600 KB: 0.54 s (300 KB 0.58 s,
 * 900 KB 0.55 s, 1.2 MB 0.58 s; ten runs each, 2026-12-07).
 */

/** A worker's start-up, counted as the bytes the main thread checks meanwhile. */
const STARTUP_BYTES = 600_000;

/** Each share needs at least this much input to be worth a thread: below it, start-up costs more than it saves. */
export const MIN_BYTES_PER_THREAD = 300_000;

/** A file's own cost (reading, splitting, its result) beside its bytes. */
const FILE_BYTES = 1_000;

/** Consecutive files go to one thread in batches of about this much input, at most `BATCH_FILES` files. */
const BATCH_BYTES = 32_000;
const BATCH_FILES = 16;

/**
 * How many threads a run of `bytes` uses: at most `jobs`, each with at least `MIN_BYTES_PER_THREAD` of input (any
 * input with `small`, which tests use to share small runs).
 */
export function threadsFor(bytes: number, jobs: number, small = false): number {
  const useful = small ? jobs : Math.floor(bytes / MIN_BYTES_PER_THREAD);
  return Math.max(1, Math.min(jobs, useful));
}

/**
 * The thread of each file (0 is the main thread), from their sizes in the run's order. Files go in batches of
 * neighbours, each batch to the thread that would be free first, counting the workers' start-up: shares
 * interleave, so each thread's output is wanted soon after it is made and little waits to be printed.
 */
export function shareFiles(sizes: readonly number[], threads: number, small = false): number[] {
  const load = Array.from({ length: threads }, (_, t): number => (t === 0 || small ? 0 : STARTUP_BYTES));
  const owner: number[] = [];
  let start = 0;
  while (start < sizes.length) {
    let end = start;
    let bytes = 0;
    while (end < sizes.length && end - start < BATCH_FILES && (end === start || bytes + sizes[end] <= BATCH_BYTES)) bytes += sizes[end++] + FILE_BYTES;
    const thread = load.indexOf(Math.min(...load));
    for (let i = start; i < end; i++) owner.push(thread);
    load[thread] += bytes;
    start = end;
  }
  return owner;
}
