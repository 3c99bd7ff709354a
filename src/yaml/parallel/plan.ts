/**
 * How a run's files are shared among threads. Measured on the benches' 2-core machine (Node 20): the checks cost
 * about 0.4 µs of CPU per byte of YAML (`lint --jobs 1` over Istio's samples, manifests and analyzer testdata: 0.9 s
 * for 2.2 MB; Helm templates cost several times more per byte than plain manifests); a worker thread costs about
 * 0.2 s of CPU before its first file (loading lintWorker.js and yaml.js, compiling the schema's validators). Its
 * start-up counted as 300 KB gave the same wall times as 500 KB, and 700 KB worse (five runs each, 2026-12-07).
 */

/** A worker's start-up, counted as the bytes the main thread checks meanwhile. */
const STARTUP_BYTES = 300_000;

/** Each share needs at least this much input to be worth a thread: below it, start-up costs more than it saves. */
export const MIN_BYTES_PER_THREAD = 300_000;

/** A file's own cost (reading, splitting, its result) beside its bytes. */
const FILE_BYTES = 1_000;

/** Consecutive files go to one thread in batches of about this much input, at most `BATCH_FILES` files. */
const BATCH_BYTES = 32_000;
const BATCH_FILES = 16;

/** How many threads a run of `bytes` uses: at most `jobs`, each with at least `minBytes` of input. */
export function threadsFor(bytes: number, jobs: number, minBytes = MIN_BYTES_PER_THREAD): number {
  const useful = minBytes <= 0 ? jobs : Math.floor(bytes / minBytes);
  return Math.max(1, Math.min(jobs, useful));
}

/**
 * The thread of each file (0 is the main thread), from their sizes in the run's order. Files go in batches of
 * neighbours, each batch to the thread that would be free first, counting the workers' start-up: shares
 * interleave, so each thread's output is wanted soon after it is made and little waits to be printed.
 */
export function shareFiles(sizes: readonly number[], threads: number): number[] {
  const load = Array.from({ length: threads }, (_, t): number => (t === 0 ? 0 : STARTUP_BYTES));
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
