export function startTestCluster(name: string, options?: { cluster?: boolean }): Promise<{ env: Record<string, string>; stop(): Promise<void> }>;
