import type { Labels } from '../../istio/injection';
import type { ClusterFacts } from '../facts';
import { clipped } from '../limits';
import { rangeOf, type ParsedFile, type ParsedManifest } from '../parse';
import type { PlainManifest } from '../plain';
import type { Finding, Fix, RuleCode, Severity, TextEdit } from '../types';

export interface RuleContext {
  readonly file: ParsedFile;
  readonly cluster: ClusterFacts;
  /** Namespaces targeted by workloads (this file and the workspace) asking for a sidecar only a namespace label gives. */
  readonly namespacesAskingForSidecars: ReadonlySet<string>;
  /** The injection labels of the Namespace documents of this file and the workspace, by name (this file's win). */
  readonly namespaceLabels: ReadonlyMap<string, Labels>;
  /** The file is a Helm values file of Istio's charts (src/yaml/helmValues.ts): its documents have no kind. */
  readonly istioValues?: boolean;
}

/** What a rule's `mayReport` is told: the facts of `RuleContext`, without the parsed file. */
export type ScreenContext = Omit<RuleContext, 'file'>;

/** Codes of `istioctl analyze` (pkg/config/analysis/msg/messages.yaml) that a rule's finding corresponds to. */
export type IstioAnalyzerCode = 'IST0102' | 'IST0107' | 'IST0123' | 'IST0135';

/** A rule is a pure function from one Kubernetes document to its findings. */
export interface Rule {
  readonly code: RuleCode;
  readonly severity: Severity;
  /** What the rule catches, in one line (the README's rules table says it to users). */
  readonly summary: string;
  /** The Istio analyzer message the rule's findings correspond to: named in each message, linked from the editor. */
  readonly istio?: IstioAnalyzerCode;
  check(manifest: ParsedManifest, ctx: RuleContext): Finding[];
  /**
   * Whether `check` may report on the document, told from its plain values (src/yaml/plain.ts) without the ranged
   * parse: false only where `check` certainly reports nothing (test/unit/yaml/fastPath.test.ts holds it to `check`).
   * The command line parses a document only when some rule or analyzer may report on it.
   */
  mayReport(manifest: PlainManifest, ctx: ScreenContext): boolean;
}

/**
 * A finding of `rule`. When it matches an Istio analyzer message (the rule's, or `istio` for this finding alone), the
 * message ends with that code, so the command line shows it too; the rule's own code stays the finding's code.
 */
export function finding(
  ctx: RuleContext,
  rule: Pick<Rule, 'code' | 'severity' | 'istio'>,
  span: readonly [number, number],
  message: string,
  fixes?: ReadonlyArray<Fix | undefined>,
  istio: IstioAnalyzerCode | undefined = rule.istio,
): Finding {
  const kept = (fixes ?? []).filter((f): f is Fix => f !== undefined);
  return {
    range: rangeOf(ctx.file, span[0], span[1]),
    code: rule.code,
    severity: rule.severity,
    message: istio ? `${message} (${istio})` : message,
    ...(istio ? { istio } : {}),
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
