import { lineEdits } from './diff';
import { applyEdits } from './edits';
import type { ClusterFacts } from './facts';
import { lintText, type LintOptions } from './lint';
import type { Finding, TextEdit } from './types';

/** What `Istio: Migrate File from Istio 1.x APIs` would do to a file. */
export interface MigrationPlan {
  /** The file after every mechanical migration; equal to the input when there is none. */
  readonly after: string;
  /** Non-overlapping edits, in text order, one per run of changed lines: what the command applies as one workspace edit. */
  readonly edits: readonly TextEdit[];
  /** Resources of removed APIs replaced by their successors. */
  readonly migrated: number;
  /** Settings Istio removed that were taken out (those whose removal changes nothing a current Istio does). */
  readonly removed: number;
  /** The removed APIs and settings left to a person, each with what to do by hand (its finding's message). */
  readonly manual: readonly Finding[];
}

type Options = Pick<LintOptions, 'istioValues'>;

/**
 * Every mechanical fix of the file's `removed-api` and `removed-field` findings. A removed API's fix replaces its
 * own document, so those never overlap and are applied at once. Removed settings are taken out one at a time, the
 * file checked again after each: two removals that empty one mapping would overlap if made from the same text (the
 * second would remove the mapping the first already took out), while checked again the second removal is made on
 * what the first left. lint --fix applies the same fixes, as preferred ones, pass after pass. Pure: text in, plan out.
 * `cluster` gives the root namespace a MeshPolicy's replacement goes to (`istio-system` without it).
 */
export function planMigration(text: string, cluster?: ClusterFacts, options: Options = {}): MigrationPlan {
  const check = (t: string) => lintText(t, { cluster, ...options }).findings;
  const apis = check(text).filter((f) => f.code === 'removed-api');
  const fixable = apis.filter((f) => preferred(f));
  let after = applyEdits(text, fixable.flatMap((f) => preferred(f)!.edits));
  const fields = check(after).filter((f) => f.code === 'removed-field');
  const manual = [...apis, ...fields].filter((f) => !preferred(f));
  let removed = 0;
  // Each removal takes out its own finding and adds none (a property test holds it), so this ends; the bound is a guard.
  for (let left = fields.length; left > 0; left--) {
    const next = check(after).find((f) => f.code === 'removed-field' && preferred(f));
    if (!next) break;
    after = applyEdits(after, preferred(next)!.edits);
    removed++;
  }
  return { after, edits: lineEdits(text, after), migrated: fixable.length, removed, manual };
}

function preferred(f: Finding) {
  return f.fixes?.find((x) => x.preferred);
}
