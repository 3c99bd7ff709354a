/**
 * The name of a canary revision, derived from the Istio version it runs: `1.31.0` → `1-31` (a revision is a DNS
 * label, so no dots), made unique against the revisions and tags that exist (`1-31-2`, `1-31-3`, …): istioctl would
 * otherwise reconfigure the existing revision in place, which is not a canary.
 */
export function revisionNameFor(version: string, taken: Iterable<string>): string {
  const match = /^v?(\d+)\.(\d+)/.exec(version.trim());
  const base = match ? `${match[1]}-${match[2]}` : 'canary';
  const used = new Set(taken);
  if (!used.has(base)) return base;
  for (let n = 2; ; n++) if (!used.has(`${base}-${n}`)) return `${base}-${n}`;
}
