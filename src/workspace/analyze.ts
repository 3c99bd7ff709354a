import { MESSAGES, messageText, severityOf } from '../analyzers/messages';
import { ignoredCodeSet } from '../analyzers/ignore';
import { withSuppression } from '../analyzers/suppress';
import { shiftFinding } from '../yaml/chunks';
import { withSafeFixes } from '../yaml/helmEdits';
import { rangeOf } from '../yaml/parse';
import type { Finding } from '../yaml/types';
import type { WorkspaceAnalyzer, WorkspaceContext, WorkspaceReport } from './analyzer';
import { workspaceAnalyzers } from './analyzers';
import type { WorkspaceIndex } from './index';
import type { WorkspaceResource } from './resource';

export interface WorkspaceAnalysisOptions {
  /** `istio.analysis.workspaceIsComplete`: see `WorkspaceContext.complete`. */
  readonly complete?: boolean;
  /** `istio.analysis.ignoredCodes`. */
  readonly ignoredCodes?: readonly string[];
  readonly analyzers?: readonly WorkspaceAnalyzer[];
}

/** A cross-resource finding with the resource it is about. */
export interface ResourceFinding {
  readonly resource: WorkspaceResource;
  readonly finding: Finding;
}

/**
 * The cross-resource findings of the whole index, with Istio's code, message and level, less those a resource's
 * `galley.istio.io/analyze-suppress` or the ignored codes leave out. Each offers to suppress its code on the
 * resource. While the workspace is not the whole scope, "not found" is an information that says "not found in the
 * workspace": the reference may be in the cluster.
 */
export function workspaceFindings(index: WorkspaceIndex, options: WorkspaceAnalysisOptions = {}): ResourceFinding[] {
  const ctx: WorkspaceContext = { ofType: (type) => index.ofType(type), complete: options.complete ?? false };
  const ignored = ignoredCodeSet(options.ignoredCodes ?? []);
  const out: ResourceFinding[] = [];
  const seen = new Set<string>();
  for (const analyzer of options.analyzers ?? workspaceAnalyzers) {
    for (const report of analyzer.analyze(ctx)) {
      const finding = ignored.has(report.code) ? undefined : findingOf(report, ctx.complete);
      if (!finding) continue;
      // Istio reports equal messages on one resource once (diag/messages.go SortedDedupedCopy).
      const key = `${report.resource.path}\0${finding.range.start.line}:${finding.range.start.character}\0${finding.code}\0${finding.message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ resource: report.resource, finding });
    }
  }
  return out;
}

/** `workspaceFindings` per file, in the order of their places (files without findings are left out). */
export function analyzeWorkspace(index: WorkspaceIndex, options: WorkspaceAnalysisOptions = {}): Map<string, Finding[]> {
  const out = new Map<string, Finding[]>();
  for (const { resource, finding } of workspaceFindings(index, options)) {
    const list = out.get(resource.path);
    if (list) list.push(finding);
    else out.set(resource.path, [finding]);
  }
  for (const list of out.values()) list.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
  return out;
}

function findingOf(report: WorkspaceReport, complete: boolean): Finding | undefined {
  const { code } = report;
  if (report.wholeScopeOnly === true && !complete) return undefined;
  const softened = report.notFound === true && !complete;
  const message = messageText(code, ...report.args);
  const located = report.resource.located();
  const { file, root, start } = located.resource;
  const span = located.span(report.span);
  const finding = withSuppression(file, root, code, {
    range: rangeOf(file, span[0], span[1]),
    code,
    severity: softened ? 'info' : severityOf(MESSAGES[code].level),
    message: softened ? message.replace(' not found: ', ' not found in the workspace: ') : message,
  });
  if (!finding) return undefined;
  const safe = withSafeFixes(file, finding, start);
  return located.from ? shiftFinding(safe, located.from) : safe;
}
