export interface VSCodeInstall {
  version: string;
  node: string;
  serverMain: string;
}
export const OLDEST: string;
export const NEWEST: string;
export function ensureVSCode(version: string): Promise<VSCodeInstall>;
export function installerEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
export function cacheRoot(): string;
