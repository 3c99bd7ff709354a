import * as vscode from 'vscode';
import type { Services } from '../services';
import { upgradeRows, type RowIcon, type UpgradeRow } from '../upgrade/rows';

const ICONS: Readonly<Record<RowIcon, vscode.ThemeIcon>> = {
  pending: new vscode.ThemeIcon('circle-large-outline'),
  running: new vscode.ThemeIcon('loading~spin'),
  done: new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed')),
  failed: new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed')),
  skipped: new vscode.ThemeIcon('circle-slash'),
  detail: new vscode.ThemeIcon('dash'),
  upgrade: new vscode.ThemeIcon('versions'),
  rollback: new vscode.ThemeIcon('discard'),
};

/**
 * The "Upgrade" view: the canary upgrade of the Mesh view's context, step by step, read from the stored state, so it
 * shows the same after a reload. Empty (its welcome text offers the command) when there is none.
 */
class UpgradeTreeProvider implements vscode.TreeDataProvider<UpgradeRow>, vscode.Disposable {
  private readonly changes = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changes.event;
  private readonly subscriptions: vscode.Disposable[];
  private face: string | undefined;

  constructor(private readonly services: Services) {
    this.subscriptions = [services.upgrades.onDidChange(() => this.refresh()), services.mesh.onDidChange(() => this.refresh())];
  }

  /**
   * Only the context and its stored upgrade decide this view. A mesh change comes many times a second during a
   * rollout, and each context key set makes the window evaluate its menus again: nothing is sent when neither changed.
   */
  private refresh(): void {
    const context = this.services.mesh.contextName;
    const state = context ? this.services.upgrades.get(context) : undefined;
    const running = context ? this.services.upgrades.isRunning(context) : false;
    const face = JSON.stringify([context, state, running]);
    if (face === this.face) return;
    this.face = face;
    void vscode.commands.executeCommand('setContext', 'istio.upgrade', state ? state.phase : 'none');
    void vscode.commands.executeCommand('setContext', 'istio.upgradeRunning', running);
    this.changes.fire();
  }

  getChildren(row?: UpgradeRow): UpgradeRow[] {
    if (row) return [...row.children];
    const context = this.services.mesh.contextName;
    const state = context ? this.services.upgrades.get(context) : undefined;
    return state ? upgradeRows(state, this.services.upgrades.isRunning(state.context)) : [];
  }

  getTreeItem(row: UpgradeRow): vscode.TreeItem {
    const collapsed = row.icon === 'upgrade' || row.icon === 'failed' ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed;
    const item = new vscode.TreeItem(row.label, row.children.length ? collapsed : vscode.TreeItemCollapsibleState.None);
    item.id = row.id;
    item.description = row.description;
    item.tooltip = row.tooltip;
    item.iconPath = ICONS[row.icon];
    item.contextValue = `upgrade:${row.icon}`;
    return item;
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.changes.dispose();
  }
}

export function registerUpgradeView(services: Services): void {
  const provider = new UpgradeTreeProvider(services);
  services.context.subscriptions.push(provider, vscode.window.createTreeView('istio.upgrade', { treeDataProvider: provider }));
}
