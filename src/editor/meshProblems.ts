import * as vscode from 'vscode';
import { LIVE_OBJECT_NAME_LINE } from '../cluster/liveObject';
import { findingObject } from '../mesh/multiCluster';
import type { ClusterSet, MeshEvaluation } from '../views/clusterSet';
import { liveObjectUri } from './clusterProblems';

const SOURCE = 'Istio mesh checks';

/**
 * The mesh checks' findings across the chosen clusters in the Problems panel, the way the cluster analysis shows its
 * messages: on the read-only document of the cluster object to change (`istio-mesh:` documents, one per context), so
 * a click opens that object as the cluster has it. A finding about two clusters shows on each; each says what to do.
 * Replaced whenever the checks are evaluated again, so a fixed problem goes away by itself.
 */
export class MeshProblems implements vscode.Disposable {
  private readonly diagnostics = vscode.languages.createDiagnosticCollection('istio-mesh-checks');
  private readonly subscription: vscode.Disposable;

  constructor(clusters: ClusterSet) {
    this.subscription = clusters.onDidEvaluate((e) => this.publish(e));
  }

  private publish(evaluation: MeshEvaluation): void {
    const byUri = new Map<string, { uri: vscode.Uri; diagnostics: vscode.Diagnostic[] }>();
    for (const finding of evaluation.findings) {
      const object = findingObject(finding);
      for (const context of new Set(finding.contexts)) {
        const uri = liveObjectUri(context, object);
        const range = new vscode.Range(LIVE_OBJECT_NAME_LINE, 2, LIVE_OBJECT_NAME_LINE, 8 + object.name.length);
        const plain = (text: string) => text.replace(/`/g, '');
        const diagnostic = new vscode.Diagnostic(range, `${plain(finding.message)} What to do: ${plain(finding.fix)}`,
          finding.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning);
        diagnostic.code = finding.code;
        diagnostic.source = `${SOURCE} (${context})`;
        const entry = byUri.get(uri.toString()) ?? { uri, diagnostics: [] };
        entry.diagnostics.push(diagnostic);
        byUri.set(uri.toString(), entry);
      }
    }
    this.diagnostics.clear();
    for (const { uri, diagnostics } of byUri.values()) this.diagnostics.set(uri, diagnostics);
  }

  dispose(): void {
    this.subscription.dispose();
    this.diagnostics.dispose();
  }
}
