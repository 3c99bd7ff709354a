import type * as vscode from 'vscode';
import type { Config } from './config';
import type { Logger } from './util/log';

/**
 * What every feature receives from `activate`: built once there, never at module load.
 * Features add their own long-lived services here as they grow (cluster session, mesh store, YAML checker).
 */
export interface Services {
  readonly context: vscode.ExtensionContext;
  readonly config: Config;
  readonly log: Logger;
  readonly output: vscode.LogOutputChannel;
}
