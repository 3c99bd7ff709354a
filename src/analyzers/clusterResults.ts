import { Emitter } from '../util/events';
import type { ClusterMessage } from './clusterAnalysis';

/** What the last `Istio: Analyze Cluster…` found, and where: the Problems panel and the mesh tree read it. */
export interface ClusterAnalysis {
  readonly context: string;
  /** `undefined`: all namespaces. */
  readonly namespace: string | undefined;
  /** The context's namespace: where a workspace document without `metadata.namespace` would be applied. */
  readonly defaultNamespace: string;
  readonly messages: readonly ClusterMessage[];
}

/** A workload as the tree shows it: its pods are named too, since istioctl reports on pods as well. */
export interface WorkloadRef {
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly podNames: readonly string[];
}

/**
 * The latest cluster analysis, replaced by the next run or cleared. Lookups by namespace and workload for the tree's
 * markers; a change event so the tree and the diagnostics follow.
 */
export class ClusterAnalysisResults {
  private current: ClusterAnalysis | undefined;
  private readonly changed = new Emitter<ClusterAnalysis | undefined>();
  readonly onDidChange = this.changed.event;

  get analysis(): ClusterAnalysis | undefined {
    return this.current;
  }

  set(analysis: ClusterAnalysis | undefined): void {
    this.current = analysis;
    this.changed.fire(analysis);
  }

  /** Messages about the namespace itself or any object in it, when the analysis is of `context`. */
  forNamespace(context: string, namespace: string): ClusterMessage[] {
    return this.messagesOf(context).filter((m) => m.object && (m.object.namespace === namespace || (m.object.kind === 'Namespace' && m.object.name === namespace)));
  }

  /** Messages about the workload or one of its pods. */
  forWorkload(context: string, workload: WorkloadRef): ClusterMessage[] {
    const pods = new Set(workload.podNames);
    return this.messagesOf(context).filter((m) => {
      const o = m.object;
      if (!o || o.namespace !== workload.namespace) return false;
      return (o.kind === workload.kind && o.name === workload.name) || (o.kind === 'Pod' && pods.has(o.name));
    });
  }

  private messagesOf(context: string): readonly ClusterMessage[] {
    return this.current?.context === context ? this.current.messages : [];
  }

  dispose(): void {
    this.changed.dispose();
  }
}

/** "1 analysis message", "3 analysis messages": the tree's marker. */
export function describeMessageCount(count: number): string {
  return count === 1 ? '1 analysis message' : `${count} analysis messages`;
}
