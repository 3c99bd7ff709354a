/** Polls `probe` until it returns a value, the deadline passes or the signal aborts (then undefined). */
export async function waitUntil<T>(probe: () => Promise<T | undefined>, timeoutMs: number, intervalMs: number, signal?: AbortSignal): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() >= deadline || signal?.aborted) return undefined;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, Math.min(intervalMs, Math.max(0, deadline - Date.now())));
      signal?.addEventListener('abort', () => { clearTimeout(timer); resolve(); }, { once: true });
    });
  }
}
