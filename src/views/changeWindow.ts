// Collects changes for a short window and hands them over as one. Pure (no `vscode`), so it is unit-tested.

/** When the next flush may come: its clock (tests give their own) and the shortest time between two flushes. */
export interface ChangeWindowOptions {
  /** Merge what arrives within this long of the first change of a quiet spell (about a frame). */
  windowMs: number;
  /** Never two flushes closer than this; a change arriving sooner waits until then, merged with what follows. */
  gapMs?: number;
  now?: () => number;
}

/**
 * Merges the changes that arrive within `windowMs` of the first one and passes the merged change to `flush`: a burst
 * (a rollout's pods, a restart's progress) becomes one redraw. Flushes are at least `gapMs` apart: a change that comes
 * sooner after the last flush waits for the gap to pass (merged with any that follow), never longer. A flush that sent
 * nothing (it returned false) does not count.
 */
export class ChangeWindow<T> {
  private pending: T | undefined;
  private timer: NodeJS.Timeout | undefined;
  private lastFlush = Number.NEGATIVE_INFINITY;
  private readonly now: () => number;

  constructor(
    private readonly options: ChangeWindowOptions,
    private readonly merge: (a: T | undefined, b: T) => T,
    /** Returns false when the change needed nothing sent: the gap then does not start. */
    private readonly flush: (change: T) => boolean | void,
  ) {
    this.now = options.now ?? (() => performance.now());
  }

  add(change: T): void {
    this.pending = this.merge(this.pending, change);
    if (this.timer) return;
    const now = this.now();
    const wait = Math.max(this.options.windowMs, this.lastFlush + (this.options.gapMs ?? 0) - now);
    this.timer = setTimeout(() => {
      const merged = this.pending!;
      this.pending = this.timer = undefined;
      const at = this.now();
      if (this.flush(merged) !== false) this.lastFlush = at;
    }, wait);
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.pending = this.timer = undefined;
  }
}
