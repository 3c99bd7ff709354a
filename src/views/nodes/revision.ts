import * as vscode from 'vscode';
import { InjectionLabel } from '../../istio/names';
import { type NamespaceUse, type RevisionUse, type Selection, namespaceUseLine, podShare } from '../../mesh/revisionUsage';
import type { RevisionRow } from '../revisionRows';
import { Colors, icon, markdown, md, type MeshNode } from './node';

/** Markdown: "via tag `prod` (`istio.io/rev=prod`)", "via `istio-injection=enabled` → tag `default`", "via `istio.io/rev=1-31`". */
function selectionText(s: Selection): string {
  const label = `\`${s.label}=${s.value}\``;
  if (!s.tag) return `via ${label}`;
  return s.label === InjectionLabel ? `via ${label} → tag \`${s.tag}\`` : `via tag \`${s.tag}\` (${label})`;
}

function usageText(use: RevisionUse): string {
  const count = use.namespaces.length;
  return `${count} namespace${count === 1 ? '' : 's'} · ${podShare(use.onRevision, use.pods)}`;
}

/** A namespace under a revision: "12/12 pods" or "split: 8 on 1-30, 4 on 1-31". Leaf. */
class RevisionNamespaceNode implements MeshNode {
  constructor(private readonly revision: string, private readonly use: NamespaceUse, private readonly installed: (revision: string) => boolean) {}

  treeItem(): vscode.TreeItem {
    const u = this.use;
    const item = new vscode.TreeItem(u.namespace, vscode.TreeItemCollapsibleState.None);
    item.id = `cp:revisionNamespace:${this.revision}/${u.namespace}`;
    item.description = namespaceUseLine(u, this.installed);
    const pods = u.byRevision.map((r) => `- ${r.pods} on \`${r.revision}\`${this.installed(r.revision) ? '' : ' (removed)'}`);
    if (u.withoutProxy) pods.push(`- ${u.withoutProxy} without an injected proxy`);
    item.tooltip = markdown([
      `**${md(u.namespace)}** on revision \`${this.revision}\``,
      u.selection
        ? `Selects it ${selectionText(u.selection)}: new pods get its proxy.`
        : 'Does not select it: these pods still run its proxy until they are restarted.',
      `${u.onRevision} of ${u.pods} live pods run a proxy this revision injected (read from each pod's \`sidecar.istio.io/status\`):`,
      pods.join('\n') || '- no pods',
    ]);
    const complete = u.selection !== undefined && u.onRevision === u.pods;
    item.iconPath = icon('symbol-namespace', u.selection === undefined ? Colors.warn : complete ? Colors.ok : u.split ? Colors.warn : undefined);
    item.contextValue = 'revisionNamespace';
    return item;
  }
}

/**
 * A revision under "Control plane": istiod's version and readiness, who uses it, its tags; its namespaces below.
 * Kept across changes (see `RevisionRows`), so a pod change redraws this row alone. The id keeps the form the tag
 * commands read (`cp:revision:<namespace>/<deployment>`).
 */
export class RevisionNode implements MeshNode {
  constructor(public row: RevisionRow, private readonly installed: (revision: string) => boolean) {}

  treeItem(): vscode.TreeItem {
    const { istiod: r, use, revision } = this.row;
    const state = use.namespaces.length ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None;
    const item = new vscode.TreeItem(r ? `istiod (${revision})` : `${revision} (removed)`, state);
    const tags = use.tags.length ? ` · tags ${use.tags.join(', ')}` : '';
    const users = use.namespaces.map((u) => `- ${md(u.namespace)}: ${md(namespaceUseLine(u, this.installed))}${u.selection ? ` (${selectionText(u.selection)})` : ' (not selected: restart to move)'}`);
    if (r) {
      item.id = `cp:revision:${r.namespace}/${r.name}`;
      item.description = `${r.version ?? 'unknown version'} · ${r.ready}/${r.desired} · ${usageText(use)}${tags}`;
      item.tooltip = markdown([
        `**istiod** revision \`${revision}\` in ${md(r.namespace)}`, `Version ${md(r.version ?? 'unknown')}, ${r.ready}/${r.desired} ready`,
        ...(use.tags.length ? [`Revision tags: ${use.tags.map((t) => `\`${t}\``).join(', ')}`] : []),
        `${md(usageText(use))}: pods counted by the revision that injected their proxy, not by the namespace label.`,
        ...(users.length ? [users.join('\n')] : ['No namespace selects it and no pod runs its proxy.']),
        ...(r.image ? [`Image \`${r.image}\``] : []),
      ]);
      item.iconPath = icon('server-process', r.desired > 0 && r.ready >= r.desired ? Colors.ok : r.ready === 0 ? Colors.error : Colors.warn);
      item.contextValue = 'component:istiod';
    } else {
      item.id = `cp:revision-removed:${revision}`;
      item.description = `not installed · ${usageText(use)}`;
      item.tooltip = markdown([
        `Revision \`${revision}\` is not installed, yet ${use.onRevision} pod${use.onRevision === 1 ? '' : 's'} still run its proxy: restart them onto an installed revision.`,
        users.join('\n'),
      ]);
      item.iconPath = icon('server-process', Colors.error);
      item.contextValue = 'component:revisionRemoved';
    }
    return item;
  }

  children(): MeshNode[] {
    return this.row.use.namespaces.map((u) => new RevisionNamespaceNode(this.row.revision, u, this.installed));
  }
}
