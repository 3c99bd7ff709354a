import type { FileFacts } from '../lint';
import type { PlacedEvent, RunFile, ShardOptions } from './shard';

/** What a `lint` worker thread is given to start: its share of the run's files, how many shares, the run's options. */
export interface ShardStart {
  readonly files: readonly RunFile[];
  readonly shares: number;
  readonly options: ShardOptions;
}

/** The facts one share gives an exchange of facts (the n-th exchange is `round` n), by file place. */
export interface GivenFacts {
  readonly round: number;
  readonly facts: readonly (readonly [number, FileFacts])[];
}

/**
 * The run to a worker: its start (the first message: a worker is started before its share is known, see
 * `EarlyWorker`), another share's facts for an exchange (each worker completes its exchanges itself, so that it does
 * not wait for this thread to finish the file it is checking), or the weight of its events taken (see `WINDOW`).
 */
export type ToShard = { readonly start: ShardStart } | { readonly given: GivenFacts } | { readonly taken: number };

/** A worker to the run: one event, its facts for an exchange, its end, or why it stopped. */
export type FromShard =
  | { readonly placed: PlacedEvent }
  | { readonly facts: readonly (readonly [number, FileFacts])[] }
  | { readonly done: true }
  | { readonly error: string };

/** Every file's facts, in the run's order, from what each share gave an exchange. */
function allFacts(given: readonly (readonly (readonly [number, FileFacts])[])[]): FileFacts[] {
  return given.flat().sort(([a], [b]) => a - b).map(([, f]) => f);
}

/**
 * One share's side of the exchanges of a run of `shares` shares: `give` its own facts for the next exchange, `take`
 * another share's (in any order, early or late); each exchange resolves once every share gave.
 */
export class Exchanges {
  private readonly rounds: { given: (readonly (readonly [number, FileFacts])[])[]; resolve?: (all: FileFacts[]) => void }[] = [];
  private next = 0;

  constructor(private readonly shares: number) {}

  /** Gives this share's facts to its next exchange: its round, and every file's facts once all are given. */
  give(facts: GivenFacts['facts']): { round: number; all: Promise<FileFacts[]> } {
    const round = this.next++;
    const all = new Promise<FileFacts[]>((resolve) => (this.roundOf(round).resolve = resolve));
    this.take({ round, facts });
    return { round, all };
  }

  take(given: GivenFacts): void {
    const round = this.roundOf(given.round);
    round.given.push(given.facts);
    if (round.given.length === this.shares) round.resolve?.(allFacts(round.given));
  }

  private roundOf(round: number): Exchanges['rounds'][number] {
    return (this.rounds[round] ??= { given: [] });
  }
}

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
