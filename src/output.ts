import * as vscode from 'vscode';
import type { Logger } from './util/log';

/** The extension's single output channel ("Istio Mesh"), with VS Code's log levels and timestamps. */
export function createOutput(): { channel: vscode.LogOutputChannel; log: Logger } {
  const channel = vscode.window.createOutputChannel('Istio Mesh', { log: true });
  const log: Logger = {
    trace: (m) => channel.trace(m),
    info: (m) => channel.info(m),
    warn: (m) => channel.warn(m),
    error: (m) => channel.error(m),
  };
  return { channel, log };
}

/** Shows an error with a "Show Logs" button; never throws at the user. */
export async function showError(channel: vscode.LogOutputChannel, message: string): Promise<void> {
  const choice = await vscode.window.showErrorMessage(message, 'Show Logs');
  if (choice === 'Show Logs') channel.show(true);
}
