import * as vscode from 'vscode';
import { docsUrl, isIstCode } from '../analyzers/messages';
import type { Finding, Fix, Severity } from '../yaml/types';

export const DIAGNOSTIC_SOURCE = 'istio';
const SCHEMA_SOURCE = 'istio (schema)';

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
  // An analyzer's code, or the Istio analyzer code a rule matches, links to its page in Istio's reference, as
  // istioctl's documentationUrl does. A rule's own code stays the diagnostic's code: users' suppressions name it.
  if (f.code !== 'schema') {
    const ist = isIstCode(f.code) ? f.code : f.istio && isIstCode(f.istio) ? f.istio : undefined;
    d.code = ist ? { value: f.code, target: vscode.Uri.parse(docsUrl(ist)) } : f.code;
  }
  return d;
}

/** A diagnostic's code as our findings spell it (the link to Istio's page left out). */
export function codeOf(d: vscode.Diagnostic): string | number | undefined {
  return typeof d.code === 'object' ? d.code.value : d.code;
}

export function toWorkspaceEdit(document: vscode.TextDocument, fix: Fix): vscode.WorkspaceEdit {
  const edit = new vscode.WorkspaceEdit();
  for (const e of fix.edits) edit.replace(document.uri, new vscode.Range(document.positionAt(e.start), document.positionAt(e.end)), e.newText);
  return edit;
}
