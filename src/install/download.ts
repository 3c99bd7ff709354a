/**
 * Downloads an istioctl archive, verifies its SHA-256 (pinned in code, or else the one the release
 * publishes next to the archive), and extracts the binary. Nothing unverified is ever left where it
 * could be run: the archive is written to a temporary name and removed on any failure, and
 * extraction starts only after the checksum matched.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { chmod, mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { createGunzip } from 'node:zlib';
import { checksumFileUrl, fetchPublishedChecksum } from './checksumFile';

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
 * Throws ChecksumMismatchError (archive deleted), DownloadError, or an AbortError when cancelled.
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
 * Throws ChecksumFileError, ChecksumMismatchError, DownloadError, or an AbortError when cancelled.
 */
export async function downloadIstioctlRelease(request: ReleaseDownloadRequest): Promise<VerifiedDownload> {
  const verifiedAgainst = checksumSourceFor(request.url, request.pinnedSha256);
  const sha256 = request.pinnedSha256 ?? (await fetchPublishedChecksum(request.url, request.archive, request.signal));
  const path = await downloadVerifiedIstioctl({ ...request, sha256, sha256From: describeChecksumSource(verifiedAgainst) });
  return { path, sha256, verifiedAgainst };
}

/** SHA-256 of a file, hex. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}

const BLOCK = 512;

function readOctal(header: Buffer, offset: number, length: number): number {
  const text = header.subarray(offset, offset + length).toString('latin1').replace(/\0.*$/, '').trim();
  return text === '' ? 0 : parseInt(text, 8);
}

function readString(header: Buffer, offset: number, length: number): string {
  const raw = header.subarray(offset, offset + length);
  const end = raw.indexOf(0);
  return raw.subarray(0, end < 0 ? length : end).toString('utf8');
}

/**
 * Extracts the regular file whose base name is `basename` from a tar.gz (ustar/GNU/pax, as Istio
 * builds them) into `destination`. Streams: the archive is never held in memory whole.
 */
export async function extractTarEntry(archive: string, basename: string, destination: string): Promise<void> {
  let pending: Buffer = Buffer.alloc(0);
  let remaining = 0; // bytes of the current entry's data still to read
  let padding = 0; // bytes after the data up to the next 512 boundary
  let out: ReturnType<typeof createWriteStream> | undefined;
  let longName: string | undefined;
  let collectingLongName: Buffer[] | undefined;
  let found = false;

  const finishEntry = async () => {
    if (out) {
      const stream = out;
      out = undefined;
      await new Promise<void>((resolve, reject) => stream.end((err?: Error | null) => (err ? reject(err) : resolve())));
      found = true;
    }
    if (collectingLongName) {
      longName = readString(Buffer.concat(collectingLongName), 0, Buffer.concat(collectingLongName).length);
      collectingLongName = undefined;
    }
  };

  for await (const chunk of createReadStream(archive).pipe(createGunzip())) {
    pending = pending.length ? Buffer.concat([pending, chunk as Buffer]) : (chunk as Buffer);
    while (pending.length > 0) {
      if (remaining > 0) {
        const take = Math.min(remaining, pending.length);
        const data = pending.subarray(0, take);
        if (out && !out.write(data)) await new Promise<void>((r) => out!.once('drain', () => r()));
        collectingLongName?.push(Buffer.from(data));
        pending = pending.subarray(take);
        remaining -= take;
        if (remaining === 0) await finishEntry();
        continue;
      }
      if (padding > 0) {
        const skip = Math.min(padding, pending.length);
        pending = pending.subarray(skip);
        padding -= skip;
        continue;
      }
      if (pending.length < BLOCK) break;
      const header = pending.subarray(0, BLOCK);
      pending = pending.subarray(BLOCK);
      if (header.every((b) => b === 0)) continue; // end-of-archive blocks
      const size = readOctal(header, 124, 12);
      const type = String.fromCharCode(header[156] || 48);
      const prefix = readString(header, 345, 155);
      const name = longName ?? (prefix ? `${prefix}/${readString(header, 0, 100)}` : readString(header, 0, 100));
      if (type !== 'L') longName = undefined;
      remaining = size;
      padding = (BLOCK - (size % BLOCK)) % BLOCK;
      if (type === 'L') collectingLongName = [];
      else if ((type === '0' || type === '\0') && !found && name.split('/').pop() === basename) {
        out = createWriteStream(destination, { mode: 0o600 });
      }
      if (size === 0) await finishEntry();
    }
  }
  await finishEntry();
  if (!found) throw new DownloadError(`The archive ${archive} has no file named ${basename}.`);
}
