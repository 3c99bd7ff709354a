import * as vscode from 'vscode';

/** A node of the mesh tree: it renders itself and, if it has any, lists its children. */
export interface MeshNode {
  treeItem(): vscode.TreeItem;
  children?(): MeshNode[];
}

export function icon(id: string, color?: string): vscode.ThemeIcon {
  return new vscode.ThemeIcon(id, color ? new vscode.ThemeColor(color) : undefined);
}

export const Colors = {
  ok: 'testing.iconPassed',
  warn: 'problemsWarningIcon.foreground',
  error: 'problemsErrorIcon.foreground',
  muted: 'disabledForeground',
} as const;

export function markdown(lines: string[]): vscode.MarkdownString {
  const md = new vscode.MarkdownString(lines.join('\n\n'));
  md.supportThemeIcons = true;
  return md;
}

/** Escapes text from the cluster before it goes into Markdown. */
export function md(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}
