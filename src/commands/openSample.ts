import * as vscode from 'vscode';
import type { Services } from '../services';

/** Opens the walkthrough's sample manifest as an untitled YAML file, so its checks show without touching the user's files. */
export const openSample = (s: Services) => async () => {
  const uri = vscode.Uri.joinPath(s.context.extensionUri, 'media', 'walkthrough', 'sample.yaml');
  const content = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  const doc = await vscode.workspace.openTextDocument({ language: 'yaml', content });
  await vscode.window.showTextDocument(doc);
};
