import type { VSCodeInstall } from './setup.mjs';
export interface Profile {
  root: string;
  userDataDir: string;
  serverDataDir: string;
  extensionsDir: string;
  workspace: string;
  dispose(): void;
}
export interface Server {
  origin: string;
  authority: string;
  logFile: string;
  logTail(lines?: number): string;
  stop(): Promise<void>;
}
export function createProfile(prefix?: string, dirs?: { userDataDir?: string; extensionsDir?: string }): Profile;
export function installExtension(vscode: VSCodeInstall, profile: Profile, vsix: string): Promise<void>;
export function startServer(vscode: VSCodeInstall, profile: Profile, env?: Record<string, string>): Promise<Server>;
export function workbenchUrl(server: Server, folder: string, payload?: { extensionDevelopmentPath?: string; extensionTestsPath?: string }): string;
