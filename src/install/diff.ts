import type { UnstructuredObject } from '../cluster/types';
import { isRecord } from '../util/objects';

/**
 * What re-running `istioctl install` would change: the generated manifest against the live
 * objects. Only fields the manifest sets are compared (the server adds defaults, status and
 * bookkeeping that istioctl does not manage), so "changed" means istioctl would write a new value.
 */

export interface ObjectChange {
  /** `Deployment istio-system/istiod` */
  readonly object: string;
  /** Dotted paths whose value differs, e.g. `spec.template.spec.containers[0].image`. */
  readonly fields: readonly string[];
}

export interface ManifestDiff {
  readonly added: readonly string[];
  readonly changed: readonly ObjectChange[];
  readonly unchanged: number;
}

export function objectKey(o: UnstructuredObject): string {
  const ns = o.metadata.namespace ? `${o.metadata.namespace}/` : '';
  return `${o.kind} ${ns}${o.metadata.name}`;
}

const MAX_FIELDS = 8;

/** Collects paths where `want` (from the manifest) is not matched by `have` (live). */
function compare(want: unknown, have: unknown, path: string, out: string[]): void {
  if (out.length > MAX_FIELDS) return;
  if (isRecord(want)) {
    if (!isRecord(have)) {
      if (Object.keys(want).length > 0) out.push(path);
      return;
    }
    for (const [key, value] of Object.entries(want)) compare(value, have[key], path ? `${path}.${key}` : key, out);
    return;
  }
  if (Array.isArray(want)) {
    if (!Array.isArray(have) || have.length !== want.length) {
      out.push(path);
      return;
    }
    want.forEach((item, i) => compare(item, have[i], `${path}[${i}]`, out));
    return;
  }
  if (want === null || want === undefined) return;
  // YAML may give 8080 where the server keeps "8080" (int-or-string fields).
  if (have === undefined || String(want) !== String(have)) out.push(path);
}

/** The parts of an object istioctl sets: everything except status and server-owned metadata. */
function managedPart(o: UnstructuredObject): Record<string, unknown> {
  const rest: Record<string, unknown> = { ...o };
  delete rest.metadata;
  delete rest.status;
  return { metadata: { labels: o.metadata.labels ?? {}, annotations: o.metadata.annotations ?? {} }, ...rest };
}

export function diffManifest(generated: readonly UnstructuredObject[], live: ReadonlyMap<string, UnstructuredObject | undefined>): ManifestDiff {
  const added: string[] = [];
  const changed: ObjectChange[] = [];
  let unchanged = 0;
  for (const want of generated) {
    const key = objectKey(want);
    const have = live.get(key);
    if (!have) {
      added.push(key);
      continue;
    }
    const fields: string[] = [];
    compare(managedPart(want), managedPart(have), '', fields);
    if (fields.length) changed.push({ object: key, fields: fields.length > MAX_FIELDS ? [...fields.slice(0, MAX_FIELDS), '…'] : fields });
    else unchanged++;
  }
  return { added, changed, unchanged };
}

/** A plain-text report for an editor tab. */
export function formatManifestDiff(diff: ManifestDiff, context: string, commandLine: string): string {
  const lines = [`What this install would change in Kubernetes context "${context}"`, `Command: ${commandLine}`, ''];
  lines.push(`New objects (${diff.added.length}):`, ...(diff.added.length ? diff.added.map((a) => `  + ${a}`) : ['  none']), '');
  lines.push(`Changed objects (${diff.changed.length}):`);
  if (diff.changed.length === 0) lines.push('  none');
  for (const c of diff.changed) lines.push(`  ~ ${c.object}`, ...c.fields.map((f) => `      ${f}`));
  lines.push('', `Unchanged objects: ${diff.unchanged}`, '');
  lines.push('Objects that the new manifest no longer contains are pruned by istioctl (not listed here).', '');
  return lines.join('\n');
}
