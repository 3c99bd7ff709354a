/**
 * Downloads an istioctl archive, verifies its SHA-256 (pinned in code, or else the one the release
 * publishes next to the archive), and extracts the binary. Nothing unverified is ever left where it
 * could be run: the archive is written to a temporary name and removed on any failure, and
 * extraction starts only after the checksum matched.
 */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { chmod, mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { checksumFileUrl, fetchPublishedChecksum } from './checksumFile';
import { extractTarEntry } from './tar';

export class DownloadError extends Error {
  readonly name = 'DownloadError';
}

export class ChecksumMismatchError extends Error {
  readonly name = 'ChecksumMismatchError';
  constructor(
    readonly url: string,
    readonly expected: string,
    readonly actual: string,
    expectedFrom = 'the expected checksum',
  ) {
    super(`The download of ${url} has SHA-256 ${actual}, but ${expectedFrom} is ${expected}: it was refused and deleted.`);
  }
}

export interface DownloadRequest {
  readonly url: string;
  /** Lower-case hex SHA-256 the archive must have. */
  readonly sha256: string;
  /** Where `sha256` came from, for messages ("the SHA-256 pinned in this extension"). */
  readonly sha256From?: string;
  /** Directory that receives the `istioctl` binary (created if needed). */
  readonly destinationDir: string;
  readonly signal?: AbortSignal;
  /** Called with bytes received and the total when the server says it. */
  readonly onProgress?: (received: number, total: number | undefined) => void;
}

/** Downloads `url` to `file` while hashing it; returns the hex SHA-256. Removes `file` on failure. */
async function downloadHashing(request: DownloadRequest, file: string): Promise<string> {
  const response = await fetch(request.url, { signal: request.signal, redirect: 'follow' });
  if (!response.ok || !response.body) {
    throw new DownloadError(`Download of ${request.url} failed: HTTP ${response.status} ${response.statusText}`);
  }
  const header = response.headers.get('content-length');
  const total = header ? Number(header) : undefined;
  const hash = createHash('sha256');
  let received = 0;
  const body = Readable.fromWeb(response.body as WebReadableStream<Uint8Array>);
  body.on('data', (chunk: Buffer) => {
    hash.update(chunk);
    received += chunk.length;
    request.onProgress?.(received, total);
  });
  await pipeline(body, createWriteStream(file), { signal: request.signal });
  return hash.digest('hex');
}

/**
 * Downloads, verifies and extracts. Returns the path of the extracted `istioctl`.
 * Throws ChecksumMismatchError (archive deleted), DownloadError, TarError (a damaged or unsafe archive), or an
 * AbortError when cancelled.
 */
export async function downloadVerifiedIstioctl(request: DownloadRequest): Promise<string> {
  if (!/^[0-9a-f]{64}$/.test(request.sha256)) throw new DownloadError(`Not a SHA-256: "${request.sha256}".`);
  await mkdir(request.destinationDir, { recursive: true });
  const partial = join(request.destinationDir, `.download-${process.pid}-${Date.now()}.tar.gz`);
  try {
    const actual = await downloadHashing(request, partial);
    if (actual !== request.sha256) throw new ChecksumMismatchError(request.url, request.sha256, actual, request.sha256From);
    const staged = join(request.destinationDir, `.istioctl-${process.pid}-${Date.now()}`);
    try {
      await extractTarEntry(partial, 'istioctl', staged);
      await chmod(staged, 0o755);
      const target = join(request.destinationDir, 'istioctl');
      await rename(staged, target);
      return target;
    } finally {
      await rm(staged, { force: true });
    }
  } finally {
    await rm(partial, { force: true });
  }
}

/** What a downloaded archive was verified against. */
export type ChecksumSource = { readonly kind: 'pinned' } | { readonly kind: 'published'; readonly url: string };

export function describeChecksumSource(source: ChecksumSource): string {
  return source.kind === 'pinned' ? 'the SHA-256 pinned in this extension' : `the SHA-256 published with the release (${source.url})`;
}

/** The pinned checksum when there is one, else the file published next to `archiveUrl`. */
export function checksumSourceFor(archiveUrl: string, pinnedSha256: string | undefined): ChecksumSource {
  return pinnedSha256 !== undefined ? { kind: 'pinned' } : { kind: 'published', url: checksumFileUrl(archiveUrl) };
}

export interface ReleaseDownloadRequest extends Omit<DownloadRequest, 'sha256' | 'sha256From'> {
  /** The archive's file name, which the published checksum file must name. */
  readonly archive: string;
  /** The checksum recorded in code for this platform, if any; it takes precedence over the published one. */
  readonly pinnedSha256?: string;
}

export interface VerifiedDownload {
  readonly path: string;
  readonly sha256: string;
  readonly verifiedAgainst: ChecksumSource;
}

/**
 * Downloads a release archive verified against the pinned checksum when there is one, otherwise
 * against the release's own `<archive>.sha256` (fetched first: without it nothing is downloaded).
 * Throws ChecksumFileError, ChecksumMismatchError, DownloadError, TarError, or an AbortError when cancelled.
 */
export async function downloadIstioctlRelease(request: ReleaseDownloadRequest): Promise<VerifiedDownload> {
  const verifiedAgainst = checksumSourceFor(request.url, request.pinnedSha256);
  const sha256 = request.pinnedSha256 ?? (await fetchPublishedChecksum(request.url, request.archive, request.signal));
  const path = await downloadVerifiedIstioctl({ ...request, sha256, sha256From: describeChecksumSource(verifiedAgainst) });
  return { path, sha256, verifiedAgainst };
}
