import type { ClusterFacts } from '../facts';
import { clipped } from '../limits';
import { rangeOf, type ParsedFile, type ParsedManifest } from '../parse';
import type { Finding, Fix, RuleCode, Severity, TextEdit } from '../types';

export interface RuleContext {
  readonly file: ParsedFile;
  readonly cluster: ClusterFacts;
  /** Namespaces targeted by workloads (this file and the workspace) whose pods ask for a sidecar. */
  readonly namespacesAskingForSidecars: ReadonlySet<string>;
  /** Namespaces this file enables injection on (for rules about pods in them). */
  readonly injectedNamespaces: ReadonlySet<string>;
}

/** A rule is a pure function from one Kubernetes document to its findings. */
export interface Rule {
  readonly code: RuleCode;
  readonly severity: Severity;
  /** One line for docs and the command line's `--list-rules`. */
  readonly summary: string;
  check(manifest: ParsedManifest, ctx: RuleContext): Finding[];
}

export function finding(
  ctx: RuleContext,
  rule: Pick<Rule, 'code' | 'severity'>,
  span: readonly [number, number],
  message: string,
  fixes?: ReadonlyArray<Fix | undefined>,
): Finding {
  const kept = (fixes ?? []).filter((f): f is Fix => f !== undefined);
  return {
    range: rangeOf(ctx.file, span[0], span[1]),
    code: rule.code,
    severity: rule.severity,
    message,
    ...(kept.length ? { fixes: kept } : {}),
  };
}

export function fix(title: string, edit: TextEdit | undefined, preferred = false): Fix | undefined {
  return edit ? { title, edits: [edit], ...(preferred ? { preferred } : {}) } : undefined;
}

/** How a value is shown in messages: as written in the file, a long one cut short (see `clipped`). */
export function shown(ctx: RuleContext, span: readonly [number, number]): string {
  const text = ctx.file.text.slice(span[0], span[1]);
  return text === '' ? '(empty)' : clipped(text);
}
