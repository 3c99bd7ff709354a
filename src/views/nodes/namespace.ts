import * as vscode from 'vscode';
import type { RolloutTracker } from '../../injection/tracker';
import type { NamespaceState } from '../../istio/injection';
import { DefaultRevision } from '../../istio/names';
import type { NamespaceModel } from '../../mesh/model';
import { namespaceVerdictLine, verdictEvidence } from '../../istio/verdict';
import { type AnalysisMarks, marksIcon, marksLines, marksWord } from './analysisMarks';
import { Colors, icon, markdown, md, type MeshNode, verdictLines } from './node';

const stateWords: Record<NamespaceState, string> = {
  on: 'injected', off: 'disabled', none: 'not injected', unserved: 'no injector', conflict: 'conflict', ambient: 'ambient', system: 'system',
};

/**
 * A namespace. Its context value is `namespace:<state>[:restart]` (state: on, off, none, unserved, conflict, ambient,
 * system; see `NamespaceState`), which the injection menus match. Commands receive this node: use `name` and `model`.
 * The tree keeps one such node per namespace and gives it each new model (VS Code redraws a row given the same object);
 * the tree lists its children, from the store at expansion time, so a collapsed namespace costs nothing.
 */
export class NamespaceNode implements MeshNode {
  /** Its pods and workloads are listed: until then its row says so instead of counting what is not there yet. */
  listed = true;

  constructor(
    public model: NamespaceModel,
    private readonly rollouts: RolloutTracker,
    private readonly marks?: AnalysisMarks,
    /** How this namespace differs from the same namespace in the other clusters of its mesh (Clusters level only). */
    private readonly differs?: (name: string) => string | undefined,
  ) {}

  get name(): string {
    return this.model.name;
  }

  get contextValue(): string {
    return `namespace:${this.model.injection.state}${this.model.restartNeeded > 0 ? ':restart' : ''}`;
  }

  get description(): string {
    if (!this.listed) return 'listing…';
    const { injection, restartNeeded, versionMismatches, terminating } = this.model;
    const requested = injection.plain.requested;
    const word = injection.state === 'on' && requested && requested !== DefaultRevision ? `injected (${requested})` : stateWords[injection.state];
    const words = [word];
    if (restartNeeded > 0) words.push(restartNeeded === 1 ? '1 needs restart' : `${restartNeeded} need restart`);
    else if (versionMismatches > 0) words.push(`${versionMismatches} outdated proxies`);
    if (terminating) words.push('terminating');
    if (this.rollouts.isRollingOut(this.model.name)) words.push('restarting…');
    words.push(...marksWord(this.marks?.namespace(this.model.name) ?? []));
    if (this.differs?.(this.model.name)) words.push('differs between clusters');
    return words.join(' · ');
  }

  treeItem(): vscode.TreeItem {
    const m = this.model;
    const hasChildren = m.workloads.length > 0 || m.otherPods.length > 0;
    const item = new vscode.TreeItem(m.name, hasChildren ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
    item.id = `namespace:${m.name}`;
    item.description = this.description;
    item.contextValue = this.contextValue;
    item.iconPath = marksIcon(this.marks?.namespace(m.name) ?? []) ?? (this.differs?.(m.name) ? icon('warning', Colors.warn) : this.icon());
    return item;
  }

  tooltip(): vscode.MarkdownString {
    const m = this.model;
    const messages = this.marks?.namespace(m.name) ?? [];
    const labels = Object.entries(m.labels).filter(([k]) => k.includes('istio')).map(([k, v]) => `\`${k}=${v}\``);
    return markdown([
      `**Namespace** ${md(m.name)} — ${stateWords[m.injection.state]}`,
      ...verdictLines('New pods', namespaceVerdictLine(m.injection), verdictEvidence(m.injection.plain)),
      ...(labels.length ? [`Labels: ${labels.join(', ')}`] : []),
      `${m.sidecarPods} of ${m.podCount} pods have a sidecar.`,
      ...(m.restartNeeded ? [`$(warning) ${m.restartNeeded} pods need a restart: re-created now, they would get, lose or change their sidecar.`] : []),
      ...(m.versionMismatches ? [`$(warning) ${m.versionMismatches} proxies run another version than their control plane.`] : []),
      ...marksLines(messages),
      ...differsLines(this.differs?.(m.name)),
    ]);
  }


  private icon(): vscode.ThemeIcon {
    const m = this.model;
    if (m.restartNeeded > 0 || m.versionMismatches > 0) return icon('debug-restart', Colors.warn);
    switch (m.injection.state) {
      case 'on': return icon('shield', Colors.ok);
      case 'conflict':
      case 'unserved': return icon('warning', Colors.warn);
      case 'ambient': return icon('cloud', Colors.ok);
      case 'system': return icon('lock', Colors.muted);
      case 'off': return icon('circle-slash');
      default: return icon('circle-outline');
    }
  }
}

function differsLines(text: string | undefined): string[] {
  return text ? [`$(warning) **Differs between the clusters of the mesh**: ${md(text)}. Istio treats same-named namespaces of a mesh as one; label it alike in every cluster.`] : [];
}
