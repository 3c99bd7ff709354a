import type * as vscode from 'vscode';
import type { ClusterMessage } from '../../analyzers/clusterAnalysis';
import { describeMessageCount, type ClusterAnalysisResults } from '../../analyzers/clusterResults';
import type { WorkloadModel } from '../../mesh/model';
import { Colors, icon, md } from './node';

/** The last cluster analysis's messages for the tree's nodes, bound to the context the tree shows. */
export interface AnalysisMarks {
  namespace(name: string): ClusterMessage[];
  workload(workload: WorkloadModel): ClusterMessage[];
}

/** Read when a row is drawn: the tree keeps its nodes across runs and context switches. */
export function analysisMarks(results: ClusterAnalysisResults, context: () => string | undefined): AnalysisMarks {
  return {
    namespace: (name) => {
      const ctx = context();
      return ctx === undefined ? [] : results.forNamespace(ctx, name);
    },
    workload: (w) => {
      const ctx = context();
      return ctx === undefined ? [] : results.forWorkload(ctx, { kind: w.kind, namespace: w.namespace, name: w.name, podNames: w.pods.map((p) => p.name) });
    },
  };
}

/** The description's words: "2 analysis messages". */
export function marksWord(messages: readonly ClusterMessage[]): string[] {
  return messages.length ? [describeMessageCount(messages.length)] : [];
}

/** The tooltip's lines: each message with its code, object and text. */
export function marksLines(messages: readonly ClusterMessage[]): string[] {
  if (!messages.length) return [];
  const lines = messages.map((m) => {
    const where = m.object ? ` ${md(m.object.kind)} ${md(m.object.name)}:` : '';
    return `- $(${m.severity === 'error' ? 'error' : m.severity === 'warning' ? 'warning' : 'info'}) **${m.code}**${where} ${md(m.message)}`;
  });
  return [`**istioctl analyze** — ${describeMessageCount(messages.length)}`, lines.join('\n')];
}

/** The icon that replaces a node's own while it has messages: the worst level's. */
export function marksIcon(messages: readonly ClusterMessage[]): vscode.ThemeIcon | undefined {
  if (!messages.length) return undefined;
  if (messages.some((m) => m.severity === 'error')) return icon('error', Colors.error);
  return messages.some((m) => m.severity === 'warning') ? icon('warning', Colors.warn) : icon('info');
}
