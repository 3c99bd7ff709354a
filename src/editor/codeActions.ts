import * as vscode from 'vscode';
import { DIAGNOSTIC_SOURCE, ruleCodeOf, toRange, toWorkspaceEdit } from './convert';
import type { YamlService } from './yamlService';

export const ENABLE_INJECTION_KIND = vscode.CodeActionKind.RefactorRewrite.append('istio');

/** Quick fixes of the Istio findings, and "Enable Istio sidecar injection" on Namespace documents. */
export class YamlCodeActions implements vscode.CodeActionProvider {
  static readonly metadata: vscode.CodeActionProviderMetadata = { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix, ENABLE_INJECTION_KIND] };

  constructor(private readonly yaml: YamlService) {}

  async provideCodeActions(document: vscode.TextDocument, range: vscode.Range, context: vscode.CodeActionContext): Promise<vscode.CodeAction[]> {
    const actions: vscode.CodeAction[] = [];
    const findings = this.yaml.findingsFor(document) ?? [];
    for (const diagnostic of context.diagnostics) {
      if (diagnostic.source !== DIAGNOSTIC_SOURCE) continue;
      const finding = findings.find((f) => f.code === ruleCodeOf(diagnostic) && toRange(f.range).isEqual(diagnostic.range));
      for (const fix of finding?.fixes ?? []) {
        const action = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
        action.edit = toWorkspaceEdit(document, fix);
        action.diagnostics = [diagnostic];
        action.isPreferred = fix.preferred === true;
        actions.push(action);
      }
    }
    if (wants(context, ENABLE_INJECTION_KIND)) {
      const checker = await this.yaml.loadChecker();
      const fix = checker.enableInjectionAt(document.getText(), document.offsetAt(range.start));
      if (fix) {
        const action = new vscode.CodeAction(fix.title, ENABLE_INJECTION_KIND);
        action.edit = toWorkspaceEdit(document, fix);
        actions.push(action);
      }
    }
    return actions;
  }
}

function wants(context: vscode.CodeActionContext, kind: vscode.CodeActionKind): boolean {
  return !context.only || context.only.contains(kind) || kind.contains(context.only);
}
