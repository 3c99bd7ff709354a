import * as vscode from 'vscode';
import type { WorkloadRollout } from '../../injection/rollout';
import type { WorkloadModel } from '../../mesh/model';
import { verdictEvidence, verdictLine } from '../../istio/verdict';
import type { ClusterMessage } from '../../analyzers/clusterAnalysis';
import { type AnalysisMarks, marksIcon, marksLines, marksWord } from './analysisMarks';
import { Colors, icon, markdown, md, type MeshNode, verdictLines } from './node';
import { MorePodsNode } from './more';
import { pageOf } from './paging';
import { PodNode, restartTexts } from './pod';
import { type RolloutLook, type RolloutView, rolloutView } from './rollout';

const kindIcons: Record<WorkloadModel['kind'], string> = { Deployment: 'layers', StatefulSet: 'database', DaemonSet: 'server' };

function rolloutIcon(look: RolloutLook): vscode.ThemeIcon {
  switch (look) {
    case 'pending': return icon('clock');
    case 'restarting': return icon('sync~spin');
    case 'done': return icon('pass', Colors.ok);
    case 'incomplete': return icon('pass', Colors.warn);
    case 'failed': return icon('error', Colors.error);
  }
}

/**
 * A Deployment, StatefulSet or DaemonSet with its pods. Context value: `workload:<kind>`. While a restart
 * of this session is followed (`Services.rollouts`), its row says so: "restarting" → "2/2 injected". The tree keeps one
 * node per workload and gives it each new model (`update`). It lists `podLimit` pods, then "N more…".
 */
export class WorkloadNode implements MeshNode {
  private rollout: RolloutView | undefined;

  /** `marks`: what the last cluster analysis said about it or its pods, read when the row is drawn. */
  constructor(public workload: WorkloadModel, rollout?: WorkloadRollout, public podLimit = Number.POSITIVE_INFINITY, private readonly marks?: AnalysisMarks) {
    this.rollout = rolloutView(workload, rollout);
  }

  update(workload: WorkloadModel, rollout?: WorkloadRollout): void {
    this.workload = workload;
    this.rollout = rolloutView(workload, rollout);
  }

  private get messages(): readonly ClusterMessage[] {
    return this.marks?.workload(this.workload) ?? [];
  }

  get description(): string {
    if (this.rollout) return [this.rollout.description, ...marksWord(this.messages)].join(' · ');
    const w = this.workload;
    const words = [`${w.ready}/${w.desired}`];
    if (w.needsRestart) words.push('needs restart');
    else if (w.proxyVersionMismatch) words.push('proxy outdated');
    else if (w.pods.length > 0) words.push(w.withSidecar === w.pods.length ? 'sidecar' : w.withSidecar === 0 ? 'no sidecar' : `${w.withSidecar}/${w.pods.length} sidecars`);
    if (w.paused) words.push('paused');
    words.push(...marksWord(this.messages));
    return words.join(' · ');
  }

  treeItem(): vscode.TreeItem {
    const w = this.workload;
    const item = new vscode.TreeItem(w.name, w.pods.length ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
    item.id = `workload:${w.namespace}/${w.kind}/${w.name}`;
    item.description = this.description;
    item.contextValue = `workload:${w.kind}`;
    const warn = w.needsRestart || w.proxyVersionMismatch || w.ready < w.desired;
    item.iconPath = this.rollout ? rolloutIcon(this.rollout.look)
      : marksIcon(this.messages) ?? icon(kindIcons[w.kind], warn ? Colors.warn : w.pods.length && w.withSidecar === w.pods.length ? Colors.ok : undefined);
    return item;
  }

  tooltip(): vscode.MarkdownString {
    const w = this.workload;
    return markdown([
      `**${w.kind}** ${md(w.namespace)}/${md(w.name)} — ${w.ready}/${w.desired} ready`,
      ...(this.rollout ? [`$(sync) Restart: ${md(this.rollout.message)}`] : []),
      `${w.withSidecar} of ${w.pods.length} pods have the istio-proxy sidecar.`,
      ...verdictLines('New pods', verdictLine(w.decision), verdictEvidence(w.decision)),
      ...w.restartReasons.map((r) => `$(warning) **Needs restart**: ${restartTexts[r]}`),
      ...(w.proxyVersionMismatch ? ['$(warning) Some proxies run another version than their control plane: restart to update.'] : []),
      ...(w.paused ? ['Rollouts are paused.'] : []),
      ...marksLines(this.messages),
    ]);
  }

  /** Its pods up to `podLimit`, then a row that shows the next page (`pageSize` more). */
  children(pageSize = Number.POSITIVE_INFINITY): MeshNode[] {
    const page = pageOf(this.workload.pods, this.podLimit, pageSize);
    const pods: MeshNode[] = page.shown.map((p) => new PodNode(p));
    return page.more > 0 ? [...pods, new MorePodsNode(this, page.more, page.next)] : pods;
  }
}
