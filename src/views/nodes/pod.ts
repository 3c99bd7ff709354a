import * as vscode from 'vscode';
import type { RestartNeed } from '../../istio/pods';
import type { PodModel } from '../../mesh/model';
import { verdictEvidence, verdictLine } from '../../istio/verdict';
import { Colors, icon, markdown, md, type MeshNode, verdictLines } from './node';

/** A pod: ready containers, whether it has a sidecar, and whether it needs a restart to get one. */
export class PodNode implements MeshNode {
  constructor(readonly pod: PodModel) {}

  get description(): string {
    const p = this.pod;
    const words = [`${p.ready}/${p.total}`];
    if (p.restart) words.push('needs restart');
    else if (p.expectedProxyVersion) words.push(`proxy ${p.proxyVersion} ≠ ${p.expectedProxyVersion}`);
    else if (p.proxy?.state === 'orphaned') words.push(`revision ${p.proxy.revision} gone`);
    if (p.phase !== 'Running') words.push(p.phase);
    return words.join(' · ');
  }

  treeItem(): vscode.TreeItem {
    const p = this.pod;
    const item = new vscode.TreeItem(p.name, vscode.TreeItemCollapsibleState.None);
    item.id = `pod:${p.namespace}/${p.name}`;
    item.description = this.description;
    item.contextValue = 'pod';
    const attention = p.needsRestart || p.expectedProxyVersion || p.proxy?.state === 'orphaned';
    item.iconPath = attention ? icon('debug-restart', Colors.warn)
      : p.hasSidecar ? icon('vm-running', p.ready === p.total ? Colors.ok : Colors.warn)
        : icon('vm-outline', p.ready === p.total ? undefined : Colors.warn);
    return item;
  }

  tooltip(): vscode.MarkdownString {
    const p = this.pod;
    return markdown([
      `**Pod** ${md(p.name)} — ${md(p.phase)}, ${p.ready}/${p.total} containers ready`,
      p.hasSidecar
        ? `$(check) Sidecar istio-proxy${p.nativeSidecar ? ' (native sidecar)' : ''}${p.proxyVersion ? ` ${md(p.proxyVersion)}` : ''}`
        : 'No sidecar.',
      ...verdictLines('Re-created now, it', verdictLine(p.decision), verdictEvidence(p.decision)),
      ...(p.restart ? [`$(warning) **Needs restart**: ${restartTexts[p.restart]}`] : []),
      ...(p.expectedProxyVersion ? [`$(warning) Proxy ${md(p.proxyVersion ?? '?')} differs from its control plane ${md(p.expectedProxyVersion)} (IST0158): restart to update.`] : []),
      ...(p.proxy?.state === 'orphaned' ? [`$(warning) The revision that injected it, ${md(p.proxy.revision)}, is not installed any more: restart to move it to the current one.`] : []),
    ]);
  }
}

/** The tooltip's sentence for each reason a restart is needed. */
export const restartTexts: Record<RestartNeed, string> = {
  missing: 'Created before injection was enabled: restart its workload to add the sidecar.',
  unwanted: 'Its sidecar was injected, but the injector would not add one now (injection turned off, an opt-out, ambient): restart to remove it.',
  revisionChanged: 'Another revision injects this namespace now: restart to move its proxy to that revision.',
};
