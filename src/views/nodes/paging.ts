// How many rows of a long list the tree shows. Pure (no `vscode`), so it is unit-tested.

export interface Page<T> {
  shown: readonly T[];
  /** How many are left out. */
  more: number;
  /** How many the "more" row adds when clicked. */
  next: number;
}

/** The first `limit` items, and what is left for the next page of `pageSize`. */
export function pageOf<T>(items: readonly T[], limit: number, pageSize: number): Page<T> {
  const shown = items.length > limit ? items.slice(0, Math.max(0, limit)) : items;
  const more = items.length - shown.length;
  return { shown, more, next: Math.min(more, pageSize) };
}
