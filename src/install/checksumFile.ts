/**
 * The checksum file Istio publishes next to each release archive (`<archive>.sha256`, written by
 * `sha256sum`: `<64 hex>  <archive name>`). Used only when the extension has no pinned checksum for
 * the platform: it proves the archive is the one the release lists, not that the release server is
 * honest, which is why a pinned checksum, when present, always wins.
 */
import { errorMessage } from '../util/errors';

export class ChecksumFileError extends Error {
  readonly name = 'ChecksumFileError';
  constructor(
    readonly url: string,
    reason: string,
  ) {
    super(`The checksum file ${url} ${reason}, so the download was refused.`);
  }
}

/** Where the release publishes the checksum of `archiveUrl`. */
export function checksumFileUrl(archiveUrl: string): string {
  return `${archiveUrl}.sha256`;
}

/** A real checksum file is one short line; anything longer is not one. */
const MAX_CHECKSUM_FILE_BYTES = 1024;

/**
 * The lower-case SHA-256 in a checksum file, which must be exactly one line `<64 hex>  <archive>`
 * (optionally newline-terminated). Any other shape, or another file's name, is refused: a checksum
 * for a different archive proves nothing about this one.
 */
export function parseChecksumFile(text: string, archive: string, url: string): string {
  const line = text.endsWith('\n') ? text.slice(0, -1) : text;
  const match = /^([0-9a-fA-F]{64}) {2}(\S+)$/.exec(line);
  if (!match) throw new ChecksumFileError(url, 'is not of the form "<SHA-256>  <file name>"');
  const [, hex, named] = match;
  if (named !== archive) throw new ChecksumFileError(url, `names "${named}", not "${archive}"`);
  return hex.toLowerCase();
}

/**
 * Fetches and parses the published checksum of `archiveUrl` (whose file name is `archive`).
 * Throws ChecksumFileError when it is missing, unreadable or malformed; an AbortError when cancelled.
 */
export async function fetchPublishedChecksum(archiveUrl: string, archive: string, signal?: AbortSignal): Promise<string> {
  const url = checksumFileUrl(archiveUrl);
  let text: string;
  try {
    const response = await fetch(url, { signal, redirect: 'follow' });
    if (!response.ok) throw new ChecksumFileError(url, `could not be read (HTTP ${`${response.status} ${response.statusText}`.trim()})`);
    const body = new Uint8Array(await response.arrayBuffer());
    if (body.length > MAX_CHECKSUM_FILE_BYTES) throw new ChecksumFileError(url, `is ${body.length} bytes, too long for a checksum file`);
    text = new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch (err) {
    if (err instanceof ChecksumFileError || (err instanceof Error && err.name === 'AbortError')) throw err;
    throw new ChecksumFileError(url, `could not be read (${errorMessage(err)})`);
  }
  return parseChecksumFile(text, archive, url);
}
