import * as vscode from 'vscode';

/** A node of the mesh tree: it renders itself and, if it has any, lists its children. */
export interface MeshNode {
  treeItem(): vscode.TreeItem;
  children?(): MeshNode[];
  /**
   * The row's Markdown tooltip, built when it is hovered (`resolveTreeItem`) rather than with the row: VS Code's
   * extension host parses every Markdown tooltip it is handed, so a tooltip in `treeItem()` costs each fetch of the row
   * (50 rows of an expanded namespace: ~25 ms per redraw during a rollout).
   */
  tooltip?(): vscode.MarkdownString;
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

/**
 * Escapes text for Markdown but keeps its `code spans` (the injection verdict names revisions and labels in them):
 * a code span shows its content as written.
 */
function mdKeepCode(text: string): string {
  return text.split(/(`[^`]*`)/).map((part, i) => (i % 2 === 1 ? part : md(part))).join('');
}

/** The injection verdict for a tooltip: the line with its subject, the evidence as a list. */
export function verdictLines(subject: string, verdict: string, evidence: readonly string[]): string[] {
  return [`${subject} ${mdKeepCode(verdict)}`, evidence.map((e) => `- ${mdKeepCode(e)}`).join('\n')];
}
