import type { FileFacts } from '../lint';
import type { PlacedEvent, RunFile, ShardOptions } from './shard';

/** What a `lint` worker thread starts with (its `workerData`). */
export interface ShardStart {
  readonly files: readonly RunFile[];
  readonly options: ShardOptions;
}

/** The run to a worker: every file's facts after an exchange, or how many of its events were taken (see `WINDOW`). */
export type ToShard = { readonly facts: readonly FileFacts[] } | { readonly taken: number };

/** A worker to the run: one event, its facts for an exchange, its end, or why it stopped. */
export type FromShard =
  | { readonly placed: PlacedEvent }
  | { readonly facts: readonly (readonly [number, FileFacts])[] }
  | { readonly done: true }
  | { readonly error: string };

/**
 * Events a share may have given and the run not yet taken: a share does not run further ahead of the output than
 * this, so a run's memory does not grow with its findings (at most this many files' findings wait, per share).
 */
export const WINDOW = 64;
