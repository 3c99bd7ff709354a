import * as vscode from 'vscode';
import type { Finding, Fix, Severity } from '../yaml/types';

export const DIAGNOSTIC_SOURCE = 'istio';
export const SCHEMA_SOURCE = 'istio (schema)';

function severity(s: Severity): vscode.DiagnosticSeverity {
  if (s === 'error') return vscode.DiagnosticSeverity.Error;
  return s === 'warning' ? vscode.DiagnosticSeverity.Warning : vscode.DiagnosticSeverity.Information;
}

export function toRange(r: Finding['range']): vscode.Range {
  return new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);
}

export function toDiagnostic(f: Finding): vscode.Diagnostic {
  const d = new vscode.Diagnostic(toRange(f.range), f.message, severity(f.severity));
  d.source = f.code === 'schema' ? SCHEMA_SOURCE : DIAGNOSTIC_SOURCE;
  // The rule's code stays the diagnostic's code (users' suppressions name it); the Istio analyzer code it matches
  // links to Istio's page for it.
  if (f.code !== 'schema') d.code = f.istio ? { value: f.code, target: vscode.Uri.parse(istioAnalyzerPage(f.istio)) } : f.code;
  return d;
}

/** The rule's code of a diagnostic `toDiagnostic` made (plain, or with its Istio page as the target). */
export function ruleCodeOf(d: vscode.Diagnostic): string | number | undefined {
  return typeof d.code === 'object' ? d.code.value : d.code;
}

/** Istio's reference page of an analyzer message, e.g. IST0123. */
export function istioAnalyzerPage(code: string): string {
  return `https://istio.io/latest/docs/reference/config/analysis/${code.toLowerCase()}/`;
}

export function toWorkspaceEdit(document: vscode.TextDocument, fix: Fix): vscode.WorkspaceEdit {
  const edit = new vscode.WorkspaceEdit();
  for (const e of fix.edits) edit.replace(document.uri, new vscode.Range(document.positionAt(e.start), document.positionAt(e.end)), e.newText);
  return edit;
}
