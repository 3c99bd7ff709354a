/**
 * Reads the one file the installer needs out of a release `.tar.gz`, streaming (the archive is never held in
 * memory whole). node-tar is not a dependency and one file out of a handful of entries needs little, but an
 * archive is input from the network: anything this reader does not understand is refused, never guessed at.
 * Formats: POSIX ustar (with its name prefix), GNU long names (`L`), and pax extended headers (`x`: `path` and
 * `size` apply to the next entry, other keys are ignored; `g`: accepted only when it sets neither).
 */
import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { createGunzip } from 'node:zlib';

export class TarError extends Error {
  override readonly name = 'TarError';
}

const BLOCK = 512;
/** GNU long names and pax headers are a few hundred bytes; more is no archive of a release. */
const MAX_METADATA = 64 * 1024;
const REGULAR = new Set(['0', '7']);
/** Entries read past: directories, links, devices, FIFOs, GNU long link names. */
const SKIPPED = new Set(['1', '2', '3', '4', '5', '6', 'K']);

export interface TarHeader {
  readonly name: string;
  /** The type flag; an old-style NUL flag reads as '0' (a regular file). */
  readonly type: string;
  readonly size: number;
}

function text(block: Buffer, offset: number, length: number): string {
  const field = block.subarray(offset, offset + length);
  const end = field.indexOf(0);
  return field.subarray(0, end < 0 ? length : end).toString('utf8');
}

/** A numeric field: octal digits, padded with spaces or NULs (tar's only text form of numbers). */
function octal(block: Buffer, offset: number, length: number, field: string): number {
  // GNU tar writes sizes over 8 GiB, and negative numbers, in base-256 with the high bit set.
  if (block[offset] & 0x80) throw new TarError(`an entry's ${field} is a base-256 number (negative, or over 8 GiB): not supported`);
  const digits = block.subarray(offset, offset + length).toString('latin1').replace(/^ +/, '').replace(/[ \0]+$/, '');
  if (!/^[0-7]+$/.test(digits)) throw new TarError(`an entry's ${field} "${digits.replace(/\0/g, '\\0')}" is not an octal number`);
  return parseInt(digits, 8);
}

/** Parses one header block; undefined for a zero block (the end-of-archive marker). */
export function parseHeader(block: Buffer): TarHeader | undefined {
  if (block.every((b) => b === 0)) return undefined;
  const stored = octal(block, 148, 8, 'checksum');
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : block[i];
  if (sum !== stored) throw new TarError('a header checksum does not match: not a tar archive, or a damaged one');
  const type = block[156] === 0 ? '0' : String.fromCharCode(block[156]);
  const name = text(block, 0, 100);
  // Only POSIX ustar has the name prefix; GNU's "ustar  " keeps other fields at that offset.
  const prefix = block.subarray(257, 263).toString('latin1') === 'ustar\0' ? text(block, 345, 155) : '';
  return { name: prefix ? `${prefix}/${name}` : name, type, size: octal(block, 124, 12, 'size') };
}

/** The records of a pax extended header: `<length> <key>=<value>\n`, the length counting the whole record. */
export function parsePax(data: Buffer): Map<string, string> {
  const records = new Map<string, string>();
  let offset = 0;
  while (offset < data.length) {
    const space = data.indexOf(0x20, offset);
    const length = space < 0 ? NaN : Number(/^[1-9][0-9]*$/.exec(data.subarray(offset, space).toString('latin1'))?.[0]);
    const end = offset + length;
    if (!Number.isSafeInteger(length) || end > data.length || data[end - 1] !== 0x0a) throw new TarError('a pax header record is malformed');
    const record = data.subarray(space + 1, end - 1).toString('utf8');
    const equals = record.indexOf('=');
    if (equals <= 0) throw new TarError('a pax header record is malformed');
    records.set(record.slice(0, equals), record.slice(equals + 1));
    offset = end;
  }
  return records;
}

/** What a pax header says about the next entry: only the keys that change where its data is and what it is called. */
function paxOverrides(records: Map<string, string>): { path?: string; size?: number } {
  const size = records.get('size');
  if (size !== undefined && !/^[0-9]+$/.test(size)) throw new TarError(`a pax header's size "${size}" is not a decimal number`);
  return { path: records.get('path'), size: size === undefined ? undefined : Number(size) };
}

/** An entry name that would land outside the folder a tar extracts to makes the whole archive suspect. */
function checkedName(name: string): string {
  if (name === '') throw new TarError('an entry has no name');
  if (name.startsWith('/') || name.split(/[\\/]/).includes('..')) throw new TarError(`the entry "${name}" points outside the folder it would be extracted to`);
  return name;
}

/** Exact reads from a stream of chunks; running out in the middle of a read means the archive was cut short. */
class ByteReader {
  private buffered: Buffer = Buffer.alloc(0);
  private readonly chunks: AsyncIterator<Buffer>;

  constructor(source: AsyncIterable<Buffer>) {
    this.chunks = source[Symbol.asyncIterator]();
  }

  private async more(): Promise<boolean> {
    const next = await this.chunks.next();
    if (next.done) return false;
    this.buffered = this.buffered.length ? Buffer.concat([this.buffered, next.value]) : next.value;
    return true;
  }

  /** The next block; undefined only when the stream ends exactly here. */
  async block(): Promise<Buffer | undefined> {
    while (this.buffered.length < BLOCK) {
      if (await this.more()) continue;
      if (this.buffered.length === 0) return undefined;
      throw truncated();
    }
    const block = this.buffered.subarray(0, BLOCK);
    this.buffered = this.buffered.subarray(BLOCK);
    return block;
  }

  /** Hands the next `size` bytes to `sink` piece by piece, then skips the padding to the next block. */
  async forward(size: number, sink: (piece: Buffer) => Promise<void> | void): Promise<void> {
    let left = size + ((BLOCK - (size % BLOCK)) % BLOCK);
    let data = size;
    while (left > 0) {
      if (this.buffered.length === 0 && !(await this.more())) throw truncated();
      const take = Math.min(left, this.buffered.length);
      const piece = this.buffered.subarray(0, Math.min(take, data));
      if (piece.length) await sink(piece);
      data -= piece.length;
      this.buffered = this.buffered.subarray(take);
      left -= take;
    }
  }

  async read(size: number): Promise<Buffer> {
    if (size > MAX_METADATA) throw new TarError(`a metadata entry of ${size} bytes is larger than any tar writer makes`);
    const pieces: Buffer[] = [];
    await this.forward(size, (piece) => void pieces.push(Buffer.from(piece)));
    return Buffer.concat(pieces);
  }
}

const truncated = () => new TarError('the archive ends in the middle of an entry or before its end marker: it is truncated');

async function writeTo(reader: ByteReader, size: number, destination: string): Promise<void> {
  const out = createWriteStream(destination, { mode: 0o600 });
  // A write still queued when a truncated archive stops the copy fails after the stream is destroyed: not news.
  out.on('error', () => undefined);
  try {
    await reader.forward(size, async (piece) => {
      if (!out.write(piece)) await once(out, 'drain');
    });
    await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  } finally {
    out.destroy();
  }
}

/**
 * Extracts the regular file whose base name is `basename` (the first one) from a tar.gz into `destination`.
 * Throws TarError for an archive that is truncated, damaged or unsafe, or has no such file.
 */
export async function extractTarEntry(archive: string, basename: string, destination: string): Promise<void> {
  const input = createReadStream(archive).pipe(createGunzip());
  const reader = new ByteReader(input);
  let next: { path?: string; size?: number } = {};
  let found = false;
  try {
    for (;;) {
      const block = await reader.block();
      if (!block) throw truncated();
      const header = parseHeader(block);
      if (!header) break;
      if (header.type === 'L') {
        next.path ??= text(await reader.read(header.size), 0, header.size);
        continue;
      }
      if (header.type === 'x') {
        const { path, size } = paxOverrides(parsePax(await reader.read(header.size)));
        next = { path: path ?? next.path, size: size ?? next.size };
        continue;
      }
      if (header.type === 'g') {
        const global = paxOverrides(parsePax(await reader.read(header.size)));
        if (global.path !== undefined || global.size !== undefined) throw new TarError('a global pax header sets a path or size for every entry: not supported');
        continue;
      }
      const name = checkedName(next.path ?? header.name);
      const size = next.size ?? header.size;
      next = {};
      if (!REGULAR.has(header.type) && !SKIPPED.has(header.type)) throw new TarError(`the entry "${name}" has the unsupported type "${header.type}"`);
      if (REGULAR.has(header.type) && !found && name.split('/').pop() === basename) {
        await writeTo(reader, size, destination);
        found = true;
      } else {
        await reader.forward(size, () => undefined);
      }
    }
  } catch (err) {
    if (err instanceof TarError) throw err;
    // zlib: the gzip stream itself is cut short or damaged.
    if (typeof (err as { code?: unknown }).code === 'string' && (err as { code: string }).code.startsWith('Z_')) {
      throw new TarError(`the archive is not a complete gzip stream (${(err as Error).message})`);
    }
    throw err;
  } finally {
    input.destroy();
  }
  if (!found) throw new TarError(`The archive ${archive} has no file named ${basename}.`);
}
