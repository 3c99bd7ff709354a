// Collects changes for a short window and hands them over as one. Pure (no `vscode`), so it is unit-tested.

/**
 * Merges the changes that arrive within `windowMs` of the first one and passes the merged change to `flush`: a burst
 * (a rollout's pods, a restart's progress) becomes one redraw per frame, and the last change waits at most `windowMs`.
 */
export class ChangeWindow<T> {
  private pending: T | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly windowMs: number,
    private readonly merge: (a: T | undefined, b: T) => T,
    private readonly flush: (change: T) => void,
  ) {}

  add(change: T): void {
    this.pending = this.merge(this.pending, change);
    this.timer ??= setTimeout(() => {
      const merged = this.pending!;
      this.pending = this.timer = undefined;
      this.flush(merged);
    }, this.windowMs);
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.pending = this.timer = undefined;
  }
}
