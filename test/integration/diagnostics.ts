import * as vscode from 'vscode';

/**
 * Resolves with the document's diagnostics (or the part `select` keeps) once `predicate` holds, re-checking on every
 * diagnostics change of that document; rejects with the last list after `timeoutMs`.
 */
export function diagnosticsWhere(
  uri: vscode.Uri,
  predicate: (d: readonly vscode.Diagnostic[]) => boolean,
  { select = (d) => d, timeoutMs = 20_000 }: { select?: (d: readonly vscode.Diagnostic[]) => readonly vscode.Diagnostic[]; timeoutMs?: number } = {},
): Promise<readonly vscode.Diagnostic[]> {
  const current = () => select(vscode.languages.getDiagnostics(uri));
  return new Promise((resolve, reject) => {
    const check = () => {
      const list = current();
      if (!predicate(list)) return;
      listener.dispose();
      clearTimeout(timer);
      resolve(list);
    };
    const listener = vscode.languages.onDidChangeDiagnostics((e) => {
      if (e.uris.some((u) => u.toString() === uri.toString())) check();
    });
    const timer = setTimeout(() => {
      listener.dispose();
      reject(new Error(`diagnostics never matched; last: ${JSON.stringify(current().map((d) => [d.source, d.code, d.message]))}`));
    }, timeoutMs);
    check();
  });
}
