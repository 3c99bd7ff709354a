import { applyEdits } from './edits';
import type { ClusterFacts } from './facts';
import { lintText } from './lint';
import type { Finding, TextEdit } from './types';

/** What `Istio: Migrate File from Istio 1.x APIs` would do to a file. */
export interface MigrationPlan {
  /** The file after every mechanical migration; equal to the input when there is none. */
  readonly after: string;
  /** Non-overlapping edits, in text order: what the command applies as one workspace edit. */
  readonly edits: readonly TextEdit[];
  readonly migrated: number;
  /** The removed APIs left to a person, each with what to do by hand (its finding's message). */
  readonly manual: readonly Finding[];
}

/**
 * Every mechanical fix of the file's `removed-api` findings at once. Each replaces its own document, so they never
 * overlap and one pass is enough (lint --fix applies the same fixes, as preferred ones). Pure: text in, plan out.
 * `cluster` gives the root namespace a MeshPolicy's replacement goes to (`istio-system` without it).
 */
export function planMigration(text: string, cluster?: ClusterFacts): MigrationPlan {
  const removed = lintText(text, { cluster }).findings.filter((f) => f.code === 'removed-api');
  const edits: TextEdit[] = [];
  const manual: Finding[] = [];
  for (const f of removed) {
    const fix = f.fixes?.find((x) => x.preferred);
    if (fix) edits.push(...fix.edits);
    else manual.push(f);
  }
  edits.sort((a, b) => a.start - b.start);
  return { after: applyEdits(text, edits), edits, migrated: removed.length - manual.length, manual };
}
