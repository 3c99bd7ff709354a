import type { FileFacts } from '../lint';
import type { PlacedEvent, RunFile, ShardOptions } from './shard';

/** What a `lint` worker thread is given to start: its share of the run's files, and the run's options. */
export interface ShardStart {
  readonly files: readonly RunFile[];
  readonly options: ShardOptions;
}

/**
 * The run to a worker: its start (the first message: a worker is started before its share is known, see
 * `EarlyWorker`), every file's facts after an exchange, or the weight of its events taken (see `WINDOW`).
 */
export type ToShard = { readonly start: ShardStart } | { readonly facts: readonly FileFacts[] } | { readonly taken: number };

/** A worker to the run: one event, its facts for an exchange, its end, or why it stopped. */
export type FromShard =
  | { readonly placed: PlacedEvent }
  | { readonly facts: readonly (readonly [number, FileFacts])[] }
  | { readonly done: true }
  | { readonly error: string };

/**
 * How far a share may run ahead of the output, in `weight`: at most this many findings (and events) wait to be
 * printed, per share, so a run's memory does not grow with its findings. It is counted in findings, not files: a
 * share whose files come later in the output must be able to check its whole share while another thread checks the
 * files before them (with a window of 64 files, a worker sat idle for a third of the run, waiting to be printed).
 */
export const WINDOW = 20_000;

/** What an event counts against the window: one, and one per finding it holds. */
export function weight(placed: PlacedEvent): number {
  return 'findings' in placed.event ? 1 + placed.event.findings.length : 1;
}
