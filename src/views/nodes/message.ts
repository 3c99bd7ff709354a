import * as vscode from 'vscode';
import { Colors, icon, type MeshNode } from './node';

/** A one-line notice in the tree (limited RBAC view, a failing watch), optionally with a command. */
export class MessageNode implements MeshNode {
  constructor(
    readonly id: string,
    readonly label: string,
    readonly detail: string,
    readonly iconId = 'info',
    readonly command?: vscode.Command,
  ) {}

  treeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.label, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.tooltip = this.detail;
    item.iconPath = icon(this.iconId, this.iconId === 'warning' ? Colors.warn : undefined);
    item.contextValue = 'message';
    item.command = this.command;
    return item;
  }
}
