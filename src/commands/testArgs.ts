import * as vscode from 'vscode';
import type { Services } from '../services';
import { acceptTestOnlyArgs } from '../util/testOnly';

/**
 * A command's test-only arguments, kept only in `ExtensionMode.Test`. The integration tier runs the extension that
 * way: test/harness/run-integration.mjs opens the workbench with `extensionDevelopmentPath` and `extensionTestsPath`,
 * and VS Code gives an extension under development with a tests path the Test mode. The end-to-end tier installs the
 * packaged .vsix (Production mode) and drives the UI only, so it passes none of these arguments. No environment flag
 * is needed, and none exists that another extension could set.
 */
export function testOnlyArgs<T extends object>(services: Services, command: string, args: T | undefined): Partial<T> {
  return acceptTestOnlyArgs(command, args, services.context.extensionMode === vscode.ExtensionMode.Test, services.log);
}
