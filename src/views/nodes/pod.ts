import * as vscode from 'vscode';
import type { PodModel } from '../../mesh/model';
import { Colors, icon, markdown, md, type MeshNode } from './node';

/** A pod: ready containers, whether it has a sidecar, and whether it needs a restart to get one. */
export class PodNode implements MeshNode {
  constructor(readonly pod: PodModel) {}

  get description(): string {
    const p = this.pod;
    const words = [`${p.ready}/${p.total}`];
    if (p.needsRestart) words.push('needs restart');
    else if (p.expectedProxyVersion) words.push(`proxy ${p.proxyVersion} ≠ ${p.expectedProxyVersion}`);
    if (p.phase !== 'Running') words.push(p.phase);
    return words.join(' · ');
  }

  treeItem(): vscode.TreeItem {
    const p = this.pod;
    const item = new vscode.TreeItem(p.name, vscode.TreeItemCollapsibleState.None);
    item.id = `pod:${p.namespace}/${p.name}`;
    item.description = this.description;
    item.contextValue = 'pod';
    item.iconPath = p.needsRestart || p.expectedProxyVersion ? icon('debug-restart', Colors.warn)
      : p.hasSidecar ? icon('vm-running', p.ready === p.total ? Colors.ok : Colors.warn)
        : icon('vm-outline', p.ready === p.total ? undefined : Colors.warn);
    item.tooltip = markdown([
      `**Pod** ${md(p.name)} — ${md(p.phase)}, ${p.ready}/${p.total} containers ready`,
      p.hasSidecar
        ? `$(check) Sidecar istio-proxy${p.nativeSidecar ? ' (native sidecar)' : ''}${p.proxyVersion ? ` ${md(p.proxyVersion)}` : ''}`
        : p.hostNetwork ? 'No sidecar: host-network pods are never injected.' : p.optedOut ? 'No sidecar: the pod opts out (sidecar.istio.io/inject).' : 'No sidecar.',
      ...(p.needsRestart ? ['$(warning) Created before injection was enabled: restart its workload to add the sidecar.'] : []),
      ...(p.expectedProxyVersion ? [`$(warning) Proxy ${md(p.proxyVersion ?? '?')} differs from its control plane ${md(p.expectedProxyVersion)} (IST0158): restart to update.`] : []),
    ]);
    return item;
  }
}
