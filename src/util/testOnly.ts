/**
 * Command arguments that only the extension's own tests may pass (a scripted prompter, a release and its
 * "pinned" SHA-256, a download URL, a restart bound). Any extension can call our commands with any arguments:
 * taken from such a caller, a release URL together with its checksum would make the download verify whatever
 * it pointed at. So outside test mode they are dropped, and one log line says so (without their values, which
 * may be URLs or objects the caller controls).
 */
import type { Logger } from './log';

/**
 * `args` when the extension runs its tests (`ExtensionMode.Test`), else an empty object; logs the dropped
 * argument names once per call. Only own, defined properties count, so `{}` passes silently; a caller that hands
 * over a tree node (an object with fields) gets its field names logged as ignored, which no command does today.
 */
export function acceptTestOnlyArgs<T extends object>(command: string, args: T | undefined, inTestMode: boolean, log: Logger): Partial<T> {
  if (!args || typeof args !== 'object') return {};
  if (inTestMode) return args;
  const names = Object.keys(args).filter((k) => (args as Record<string, unknown>)[k] !== undefined);
  if (names.length) log.warn(`${command}: ignored the test-only argument(s) ${names.sort().join(', ')}: they are accepted only when the extension runs its tests.`);
  return {};
}
