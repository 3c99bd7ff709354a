// Collects changes for a short window and hands them over as one. Pure (no `vscode`), so it is unit-tested.

/**
 * How soon a change should be drawn. `urgent`: as soon as the gap allows (it ends work shown in progress). `steady`:
 * after the gap and `holdMs`. `deferred`: after the gap and `deferMs`, unless an urgent one comes first (the work in
 * progress is one step from its end, and a flush now would make that step wait for the receiver).
 */
export type Pace = 'urgent' | 'steady' | 'deferred';

/** When the next flush may come: its clock (tests give their own) and the shortest times between two flushes. */
export interface ChangeWindowOptions {
  /** Merge what arrives within this long of the first change of a quiet spell (about a frame). */
  windowMs: number;
  /** Never two flushes closer than this; a change arriving sooner waits until then, merged with what follows. */
  gapMs?: number;
  /**
   * And a steady change waits this much longer after the gap: while changes stream, the time after the gap stays free
   * for an urgent one, which then goes at once.
   */
  holdMs?: number;
  /** And a deferred change this much longer (at most: an urgent one takes it along). */
  deferMs?: number;
  now?: () => number;
}

/**
 * Merges the changes that arrive within `windowMs` of the first one and passes the merged change to `flush`: a burst
 * (a rollout's pods, a restart's progress) becomes one redraw. Flushes are at least `gapMs` apart: a change that comes
 * sooner after the last flush waits for the gap to pass (merged with any that follow), never longer; one that is not
 * urgent waits `holdMs` or `deferMs` more. A flush that sent nothing (it returned false) does not count.
 */
export class ChangeWindow<T> {
  private pending: T | undefined;
  private pendingSince = 0;
  private pace: Pace = 'steady';
  private timer: NodeJS.Timeout | undefined;
  private dueAt = 0;
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

  /**
   * An urgent change takes what is pending with it. Otherwise the latest pace decides when what is pending goes: a
   * deferred one postpones steady changes already waiting, a steady one brings deferred ones forward again.
   */
  add(change: T, pace: Pace = 'steady'): void {
    const now = this.now();
    if (this.pending === undefined) this.pendingSince = now;
    this.pending = this.merge(this.pending, change);
    if (this.pace !== 'urgent') this.pace = pace;
    const { windowMs, gapMs = 0, holdMs = 0, deferMs = 0 } = this.options;
    const extra = { urgent: 0, steady: holdMs, deferred: deferMs }[this.pace];
    const due = Math.max(this.pendingSince + windowMs, this.lastFlush + gapMs + extra);
    if (this.timer && due === this.dueAt) return;
    clearTimeout(this.timer);
    this.dueAt = due;
    this.timer = setTimeout(() => {
      const merged = this.pending!;
      this.discard();
      // From the end of the flush: a receiver's own clock (VS Code's debounce) starts when it is handed the change.
      if (this.flush(merged) !== false) this.lastFlush = this.now();
    }, Math.max(0, due - now));
  }

  /** Drops what is pending: it is shown already (the caller drew it some other way). The gap still counts. */
  discard(): void {
    clearTimeout(this.timer);
    this.pending = this.timer = undefined;
    this.pace = 'steady';
  }

  dispose(): void {
    this.discard();
  }
}
