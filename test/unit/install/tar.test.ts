import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { extractTarEntry, parseHeader, parsePax, TarError } from '../../../src/install/tar';
import { fixedPropertySeed } from '../property';

fixedPropertySeed();

const BLOCK = 512;

interface HeaderFields {
  type?: string;
  /** The size field as written (default: the content's length in octal). */
  sizeField?: string | Buffer;
  prefix?: string;
  /** Added to the computed checksum, to damage it. */
  checksumOffset?: number;
}

/** One tar header block, written field by field as POSIX ustar lays it out. */
function header(name: string, size: number, fields: HeaderFields = {}): Buffer {
  const block = Buffer.alloc(BLOCK);
  block.write(name, 0, 100, 'utf8');
  block.write('0000755\0', 100, 'latin1');
  block.write('0000000\0', 108, 'latin1');
  block.write('0000000\0', 116, 'latin1');
  const sizeField = fields.sizeField ?? `${size.toString(8).padStart(11, '0')}\0`;
  if (typeof sizeField === 'string') block.write(sizeField, 124, 12, 'latin1');
  else sizeField.copy(block, 124);
  block.write('00000000000\0', 136, 'latin1');
  block.write(fields.type ?? '0', 156, 'latin1');
  block.write('ustar\0', 257, 'latin1');
  block.write('00', 263, 'latin1');
  if (fields.prefix) block.write(fields.prefix, 345, 155, 'utf8');
  block.fill(0x20, 148, 156);
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${(sum + (fields.checksumOffset ?? 0)).toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  return block;
}

const pad = (data: Buffer) => Buffer.concat([data, Buffer.alloc((BLOCK - (data.length % BLOCK)) % BLOCK)]);

function entry(name: string, content: string | Buffer, fields: HeaderFields = {}): Buffer {
  const data = Buffer.from(content);
  return Buffer.concat([header(name, data.length, fields), pad(data)]);
}

/** A pax extended header entry with these records (each `<length> key=value\n`, the length counting itself). */
function pax(records: Record<string, string>, type = 'x'): Buffer {
  const text = Object.entries(records).map(([key, value]) => {
    const body = ` ${key}=${value}\n`;
    let length = body.length + 1;
    while (`${length}${body}`.length !== length) length++;
    return `${length}${body}`;
  }).join('');
  return entry('PaxHeaders/x', text, { type });
}

const END = Buffer.alloc(2 * BLOCK);

describe('tar reader for the istioctl archive', () => {
  let dir: string;
  let n = 0;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'istio-tar-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** Writes the gzip of `tar` and extracts `istioctl` from it; resolves to the extracted text. */
  async function extractBytes(tar: Buffer, gzip: Uint8Array = gzipSync(tar)): Promise<Buffer> {
    const archive = join(dir, `a${++n}.tar.gz`);
    writeFileSync(archive, gzip);
    const out = join(dir, `out${n}`);
    await extractTarEntry(archive, 'istioctl', out);
    return readFileSync(out);
  }
  const extract = async (tar: Buffer, gzip?: Uint8Array) => (await extractBytes(tar, gzip)).toString('utf8');

  const rejects = (tar: Buffer, message: RegExp, gzip?: Uint8Array) =>
    assert.rejects(extract(tar, gzip), (err: unknown) => err instanceof TarError && message.test(err.message));

  describe('reads', () => {
    it('a ustar entry whose path is split into prefix and name, skipping directories and links before it', async () => {
      const tar = Buffer.concat([
        entry('istio-1.31/', '', { type: '5' }),
        entry('istio-1.31/bin/link', '', { type: '2' }),
        entry('bin/istioctl', 'from ustar', { prefix: 'istio-1.31' }),
        END,
      ]);
      assert.equal(await extract(tar), 'from ustar');
    });

    it('the first of two entries with the name, with data spanning several blocks', async () => {
      const big = 'x'.repeat(3 * BLOCK + 7);
      assert.equal(await extract(Buffer.concat([entry('istioctl', big), entry('istioctl', 'second'), END])), big);
    });

    it("a pax header's path and size for the next entry only, ignoring its other keys", async () => {
      const tar = Buffer.concat([
        pax({ path: `${'p'.repeat(120)}/istioctl`, mtime: '1700000000.5', 'SCHILY.xattr.user.x': 'y' }),
        entry('short-name-ignored', 'from pax'),
        entry('other', 'not this'),
        END,
      ]);
      assert.equal(await extract(tar), 'from pax');
      const sized = Buffer.concat([pax({ size: '5' }), header('istioctl', 0, { sizeField: '00000000000\0' }), pad(Buffer.from('sized')), END]);
      assert.equal(await extract(sized), 'sized');
    });

    it('a global pax header that sets neither path nor size', async () => {
      assert.equal(await extract(Buffer.concat([pax({ comment: 'release' }, 'g'), entry('istioctl', 'ok'), END])), 'ok');
    });

    for (const format of ['gnu', 'pax', 'ustar']) {
      it(`what the system's tar writes in ${format} format`, async () => {
        const src = join(dir, `sys-${format}`);
        const path = `${'d'.repeat(90)}/${'e'.repeat(50)}/istioctl`;
        mkdirSync(dirname(join(src, path)), { recursive: true });
        writeFileSync(join(src, path), `made by tar --format=${format}`);
        const archive = join(dir, `sys-${format}.tar.gz`);
        execFileSync('tar', [`--format=${format}`, '-czf', archive, '-C', src, 'dddddddddd'.padEnd(90, 'd')]);
        await extractTarEntry(archive, 'istioctl', join(dir, `sys-${format}-out`));
        assert.equal(readFileSync(join(dir, `sys-${format}-out`), 'utf8'), `made by tar --format=${format}`);
      });
    }
  });

  describe('refuses', () => {
    it('an archive cut in the middle of an entry', async () => {
      const whole = Buffer.concat([entry('istioctl', 'y'.repeat(2000)), END]);
      await rejects(whole.subarray(0, BLOCK + 700), /truncated/);
      await rejects(whole.subarray(0, BLOCK + 300), /truncated/);
    });

    it('an archive cut at a block boundary, before its end marker', async () => {
      await rejects(entry('istioctl', 'complete entry'), /truncated/);
      await rejects(entry('istioctl', 'complete entry').subarray(0, BLOCK - 1), /truncated/);
    });

    it('a gzip stream cut short', async () => {
      const gzip = gzipSync(Buffer.concat([entry('istioctl', 'z'.repeat(5000)), END]));
      await rejects(Buffer.alloc(0), /not a complete gzip stream/, gzip.subarray(0, gzip.length - 12));
    });

    it('negative and base-256 sizes', async () => {
      await rejects(Buffer.concat([header('istioctl', 0, { sizeField: '-0000000001\0' }), END]), /size "-0000000001" is not an octal number/);
      const base256 = Buffer.alloc(12, 0xff);
      await rejects(Buffer.concat([header('istioctl', 0, { sizeField: base256 }), END]), /base-256 number \(negative, or over 8 GiB\)/);
    });

    it('sizes that are not octal', async () => {
      await rejects(Buffer.concat([header('istioctl', 0, { sizeField: '0000000009\0' }), END]), /size "0000000009" is not an octal number/);
      await rejects(Buffer.concat([header('istioctl', 0, { sizeField: '12abc\0' }), END]), /size "12abc" is not an octal number/);
      await rejects(Buffer.concat([header('istioctl', 0, { sizeField: '\0' }), END]), /size "" is not an octal number/);
      await rejects(Buffer.concat([pax({ size: '0x10' }), entry('istioctl', ''), END]), /pax header's size "0x10" is not a decimal number/);
    });

    for (const name of ['../istioctl', '/usr/local/bin/istioctl', 'istio/../../istioctl', 'bin\\..\\..\\evil']) {
      it(`an entry that points outside the target: ${name}`, async () => {
        await rejects(Buffer.concat([entry(name, 'evil'), entry('istioctl', 'good'), END]), /points outside the folder/);
      });
    }

    it('a path escaping the target set by a pax header or a GNU long name, and an entry without a name', async () => {
      await rejects(Buffer.concat([pax({ path: '../../istioctl' }), entry('istioctl', 'evil'), END]), /"\.\.\/\.\.\/istioctl" points outside/);
      await rejects(Buffer.concat([entry('././@LongLink', '/etc/istioctl\0', { type: 'L' }), entry('istioctl', 'evil'), END]), /"\/etc\/istioctl" points outside/);
      await rejects(Buffer.concat([entry('', 'x'), END]), /an entry has no name/);
    });

    it('malformed pax records and a global pax header that sets a path', async () => {
      await rejects(Buffer.concat([entry('PaxHeaders/x', '5 a=b\n', { type: 'x' }), entry('istioctl', ''), END]), /pax header record is malformed/);
      await rejects(Buffer.concat([entry('PaxHeaders/x', '11 novalue\n', { type: 'x' }), entry('istioctl', ''), END]), /pax header record is malformed/);
      await rejects(Buffer.concat([pax({ path: 'istioctl' }, 'g'), entry('istioctl', ''), END]), /global pax header sets a path or size/);
    });

    it('a damaged header, an unsupported entry type and oversized metadata', async () => {
      await rejects(Buffer.concat([entry('istioctl', 'x', { checksumOffset: 1 }), END]), /header checksum does not match/);
      await rejects(Buffer.concat([entry('istioctl', 'x', { type: 'S' }), END]), /unsupported type "S"/);
      await rejects(Buffer.concat([entry('././@LongLink', 'n'.repeat(70_000), { type: 'L' }), END]), /metadata entry of 70000 bytes/);
    });

    it('an archive without the file, having read it to its end', async () => {
      await rejects(Buffer.concat([entry('bin/kubectl', 'k'), END]), /has no file named istioctl/);
      assert.equal(existsSync(join(dir, `out${n}`)), false);
    });
  });

  it('extracts the first istioctl of any generated archive, and refuses every cut before its end marker', async () => {
    const segment = fc.stringMatching(/^[a-z0-9._-]{1,12}$/).filter((s) => s !== '.' && s !== '..');
    const name = fc.oneof(fc.constantFrom('istioctl', 'bin/istioctl'), fc.array(segment, { minLength: 1, maxLength: 3 }).map((s) => s.join('/')));
    const entries = fc.array(fc.record({ name, content: fc.uint8Array({ maxLength: 1500 }), viaPax: fc.boolean() }), { minLength: 1, maxLength: 5 });
    await fc.assert(
      fc.asyncProperty(entries, fc.nat(), async (list, cut) => {
        const tar = Buffer.concat([
          ...list.map((e) => (e.viaPax ? Buffer.concat([pax({ path: e.name }), entry('name-in-pax', Buffer.from(e.content))]) : entry(e.name, Buffer.from(e.content)))),
          END,
        ]);
        const first = list.find((e) => e.name.split('/').pop() === 'istioctl');
        if (first) assert.deepEqual(await extractBytes(tar), Buffer.from(first.content));
        else await rejects(tar, /has no file named istioctl/);
        // Anything short of one whole zero block after the last entry is a cut archive.
        await rejects(tar.subarray(0, cut % (tar.length - BLOCK)), /truncated/);
      }),
      { numRuns: 60 },
    );
  });

  it('parses header and pax fields exactly', () => {
    assert.deepEqual(parseHeader(header('a/b', 10, { type: '\0' })), { name: 'a/b', type: '0', size: 10 });
    assert.equal(parseHeader(Buffer.alloc(BLOCK)), undefined);
    assert.deepEqual([...parsePax(Buffer.from('12 path=a b\n8 k=v=w\n'))], [['path', 'a b'], ['k', 'v=w']]);
  });
});
