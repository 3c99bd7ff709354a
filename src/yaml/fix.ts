import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { YamlChecker, type CheckOptions } from './checker';
import { mergeFacts } from './facts';
import { applyEdits } from './edits';
import type { Finding, FindingCode, Fix, TextEdit } from './types';

/**
 * `lint --fix`: applies the fixes that need no choice, like `eslint --fix`. Each pass checks the files, applies each
 * finding's preferred fix (the one the editor offers first) unless its edit overlaps or touches one already taken in
 * this pass, and checks again; it stops when no fix applies, or after `MAX_PASSES`. A finding whose fixes are a
 * choice (none preferred: which label to keep), and an info finding (a suggestion such as turning injection on), are
 * left to a person.
 */

export const MAX_PASSES = 10;

export interface Source {
  readonly file: string;
  readonly text: string;
}

/** A fix as applied: where its finding was (1-based) in the text of that pass. */
export interface AppliedFix {
  readonly code: FindingCode;
  readonly title: string;
  readonly line: number;
  readonly column: number;
}

export interface FixedText {
  readonly file: string;
  readonly before: string;
  readonly after: string;
  readonly applied: readonly AppliedFix[];
}

/** Checks texts together, as `lint` checks files: each sees what the others say about namespaces. */
export type CheckTexts = (sources: readonly Source[]) => Promise<Finding[][]>;

/** The preferred fix of each finding, in text order, leaving out any whose edits overlap or touch a fix taken before. */
export function chooseFixes(findings: readonly Finding[]): Array<{ readonly finding: Finding; readonly fix: Fix }> {
  const candidates = findings
    // Info findings are suggestions whose fix changes what runs (turning injection on for a namespace): left to a person.
    .filter((finding) => finding.severity !== 'info')
    .map((finding) => ({ finding, fix: finding.fixes?.find((f) => f.preferred) }))
    .filter((c): c is { finding: Finding; fix: Fix } => c.fix !== undefined && c.fix.edits.length > 0)
    .sort((a, b) => first(a.fix) - first(b.fix));
  const taken: TextEdit[] = [];
  const out: Array<{ finding: Finding; fix: Fix }> = [];
  for (const c of candidates) {
    if (c.fix.edits.some((e) => taken.some((t) => e.start <= t.end && t.start <= e.end))) continue;
    taken.push(...c.fix.edits);
    out.push(c);
  }
  return out;
}

function first(fix: Fix): number {
  return Math.min(...fix.edits.map((e) => e.start));
}

/** Applies fixes pass after pass until none applies. Pure: the texts in, the fixed texts out. */
export async function fixTexts(sources: readonly Source[], check: CheckTexts, maxPasses = MAX_PASSES): Promise<FixedText[]> {
  const texts = sources.map((s) => s.text);
  const applied = sources.map((): AppliedFix[] => []);
  for (let pass = 0; pass < maxPasses; pass++) {
    const findings = await check(sources.map((s, i) => ({ file: s.file, text: texts[i] })));
    let any = false;
    findings.forEach((list, i) => {
      const chosen = chooseFixes(list);
      if (chosen.length === 0) return;
      any = true;
      texts[i] = applyEdits(texts[i], chosen.flatMap((c) => c.fix.edits));
      applied[i].push(...chosen.map(({ finding, fix }) => ({ code: finding.code, title: fix.title, line: finding.range.start.line + 1, column: finding.range.start.character + 1 })));
    });
    if (!any) break;
  }
  return sources.map((s, i) => ({ file: s.file, before: s.text, after: texts[i], applied: applied[i] }));
}

/**
 * `check` over a checker: the namespace facts of all texts first (with those of `options.workspace`, what other
 * files say), then each text's findings.
 */
export function checkTogether(checker: YamlChecker, options: CheckOptions = {}): CheckTexts {
  return async (sources) => {
    const uris = sources.map((s) => pathToFileURL(resolve(s.file)).toString());
    const workspace = mergeFacts(sources.map((s, i) => checker.facts(uris[i], s.text)));
    const out: Finding[][] = [];
    for (let i = 0; i < sources.length; i++) {
      out.push(await checker.check(uris[i], sources[i].text, { ...options, workspace }));
    }
    return out;
  };
}

/** What `--fix` prints for the files it changed: one line per file, one per fix. */
export function formatApplied(fixed: readonly FixedText[]): string {
  const lines: string[] = [];
  for (const f of fixed) {
    if (f.applied.length === 0) continue;
    lines.push(`${f.file}: ${f.applied.length} fix(es) applied`);
    for (const a of f.applied) lines.push(`  ${a.line}:${a.column} ${a.code}: ${a.title}`);
  }
  return lines.length ? lines.join('\n') + '\n' : '';
}
