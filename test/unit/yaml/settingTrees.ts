// Plain-value helpers of the removed-field property tests: what a settings tree should be after one removal.

/** Drops every mapping left empty, at any depth, so `global: {}` and no `global` mean the same. */
export function pruned(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const p = pruned(v);
    if (typeof p === 'object' && p !== null && Object.keys(p).length === 0) continue;
    out[k] = p;
  }
  return out;
}

/** A deep copy of `value` without the key at `path`. */
export function without(value: unknown, path: readonly string[]): unknown {
  const copy = structuredClone(value) as Record<string, unknown>;
  let at = copy;
  for (const key of path.slice(0, -1)) at = at[key] as Record<string, unknown>;
  delete at[path[path.length - 1]];
  return copy;
}
