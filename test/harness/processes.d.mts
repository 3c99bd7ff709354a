export function cleanupAll(): Promise<void>;
export function onCleanup(fn: () => unknown): void;
export function freePort(): Promise<number>;
