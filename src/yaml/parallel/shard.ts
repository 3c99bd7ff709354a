import type { FileFacts } from '../lint';
import { lintPaths, type LintEvent, type LintOptions } from '../lintPaths';

/** A file of a run: its place in the walk's order, and its path. */
export type RunFile = readonly [index: number, path: string];

/**
 * One event of a share of a run, with its place in the run's output: the pass it belongs to (0 the first pass,
 * then one more after each exchange of facts) and its file's place in the walk.
 */
export interface PlacedEvent {
  readonly stage: number;
  readonly index: number;
  readonly event: LintEvent;
}

/** Hands this share's facts (by file place) to the run; resolves with every file's, in the run's order. */
export type Exchange = (facts: readonly (readonly [index: number, facts: FileFacts])[]) => Promise<readonly FileFacts[]>;

/** What a share of a `lint` run is told (plain data, so that it crosses to a worker thread). */
export interface ShardOptions {
  readonly schema: boolean;
  readonly fix?: LintOptions['fix'];
  readonly ignoredCodes: readonly string[];
  readonly rootNamespace?: string;
  readonly keptTextBudget?: number;
  readonly parsedBudget?: number;
}

/**
 * `lintPaths` over a share of a run's files, each event placed (see `PlacedEvent`). The share's events come in
 * the run's order among themselves: each pass takes its files in order, and a pass ends when facts are exchanged.
 */
export async function* shardEvents(files: readonly RunFile[], options: Omit<LintOptions, 'share'>, exchange: Exchange): AsyncGenerator<PlacedEvent> {
  const indexOf = new Map(files.map(([index, path]) => [path, index]));
  let stage = 0;
  let last = files[0]?.[0] ?? 0;
  const share: LintOptions['share'] = (facts) => {
    stage++;
    return exchange(facts.map(([file, f]) => [indexOf.get(file) ?? last, f]));
  };
  for await (const event of lintPaths(files.map(([, path]) => path), { ...options, share, walked: files.map(([, file]) => ({ file })) })) {
    last = indexOf.get(pathOf(event)) ?? last;
    yield { stage, index: last, event };
  }
}

function pathOf(event: LintEvent): string {
  return 'skipped' in event ? event.skipped : 'fixed' in event ? event.fixed.file : event.file;
}
