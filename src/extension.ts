import type * as vscode from 'vscode';
import { registerCommands } from './commands';
import { Config } from './config';
import { createOutput } from './output';
import type { Services } from './services';

/** The front door: build the services, then let each feature register itself. */
export function activate(context: vscode.ExtensionContext): Services {
  const { channel, log } = createOutput();
  context.subscriptions.push(channel);
  const services: Services = { context, config: new Config(), log, output: channel };
  registerCommands(services);
  log.info(`Istio Mesh ${context.extension.packageJSON.version} activated`);
  // Returned so integration tests can reach the same services the UI uses.
  return services;
}

export function deactivate(): void {}
