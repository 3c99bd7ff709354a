/** Resolves after `ms`, or early (without error) when `signal` aborts. */
export function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
  });
}

/** Polls `probe` until it returns a value, the deadline passes or the signal aborts (then undefined). */
export async function waitUntil<T>(probe: () => Promise<T | undefined>, timeoutMs: number, intervalMs: number, signal?: AbortSignal): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() >= deadline || signal?.aborted) return undefined;
    await delay(Math.min(intervalMs, Math.max(0, deadline - Date.now())), signal);
  }
}
