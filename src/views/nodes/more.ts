import * as vscode from 'vscode';
import { icon, type MeshNode } from './node';

/** The owner of a paged list of pods; the command `istio.mesh.showMorePods` raises its limit. */
export interface PagedPods {
  readonly workload: { namespace: string; kind: string; name: string };
}

/** "1,900 more pods…": clicking it shows the next page under the same workload. */
export class MorePodsNode implements MeshNode {
  constructor(readonly owner: PagedPods, readonly more: number, readonly next: number) {}

  treeItem(): vscode.TreeItem {
    const w = this.owner.workload;
    const item = new vscode.TreeItem(`${this.more.toLocaleString('en-US')} more pods…`, vscode.TreeItemCollapsibleState.None);
    item.id = `more:${w.namespace}/${w.kind}/${w.name}`;
    item.description = `show ${this.next.toLocaleString('en-US')} more`;
    item.tooltip = `The tree lists a page of pods per workload (setting istio.meshView.pageSize). Click to list the next ${this.next}.`;
    item.iconPath = icon('ellipsis');
    item.contextValue = 'morePods';
    item.command = { title: 'Show More Pods', command: 'istio.mesh.showMorePods', arguments: [this.owner] };
    return item;
  }
}
