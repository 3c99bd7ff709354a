/**
 * Runs `task` for every item with at most `limit` running at once, in order of the items.
 * Once `signal` is aborted no further item starts; running ones finish. Returns the largest number
 * that ran at once, so callers (and the benchmark) can show the bound held. Tasks should record their
 * own failures; if one throws anyway, no further item starts and the first error is rethrown at the end.
 */
export async function forEachBounded<T>(
  items: readonly T[],
  limit: number,
  task: (item: T, index: number) => Promise<void>,
  signal?: AbortSignal,
): Promise<{ maxInFlight: number; started: number }> {
  const bound = Math.max(1, Math.floor(limit));
  let next = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  let failure: { error: unknown } | undefined;
  const worker = async (): Promise<void> => {
    while (next < items.length && !signal?.aborted && !failure) {
      const index = next++;
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      try {
        await task(items[index], index);
      } catch (error) {
        failure ??= { error };
      } finally {
        inFlight--;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(bound, items.length) }, worker));
  if (failure) throw failure.error;
  return { maxInFlight, started: next };
}
