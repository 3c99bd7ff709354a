import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChecksumFileError, parseChecksumFile } from '../../../src/install/checksumFile';
import { ChecksumMismatchError, DownloadError, checksumSourceFor, downloadIstioctlRelease, downloadVerifiedIstioctl } from '../../../src/install/download';
import { extractTarEntry } from '../../../src/install/tar';
import { archiveName, OFFICIAL_RELEASE_BASE_URL, PINNED_RELEASE, releasePlatform, releaseUrl } from '../../../src/install/releases';

/** A tar.gz made by the system's tar, holding `istioctl` (a small shell script) at `entryPath`. */
function makeArchive(dir: string, entryPath: string, content: string): Buffer {
  const src = join(dir, 'src');
  mkdirSync(join(src, entryPath, '..'), { recursive: true });
  writeFileSync(join(src, entryPath), content, { mode: 0o755 });
  const archive = join(dir, 'a.tar.gz');
  execFileSync('tar', ['-czf', archive, '-C', src, entryPath]);
  return readFileSync(archive);
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('istioctl download and verification (local HTTP server)', () => {
  let dir: string;
  let server: Server;
  let base: string;
  const routes = new Map<string, Buffer>();
  let requests = 0;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'istioctl-dl-'));
    server = createServer((req, res) => {
      requests++;
      if (req.url === '/redirect') {
        res.writeHead(302, { location: '/1.29.0/istioctl-1.29.0-linux-amd64.tar.gz' }).end();
        return;
      }
      const body = routes.get(req.url ?? '');
      if (!body) {
        res.writeHead(404).end('not found');
        return;
      }
      if (req.url === '/truncated') {
        // Promise more than is sent, then drop the connection mid-body.
        res.writeHead(200, { 'content-length': String(body.length * 2) });
        res.write(body);
        res.destroy();
        return;
      }
      res.writeHead(200, { 'content-length': String(body.length) }).end(body);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    await new Promise<void>((r) => server.close(() => r()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('accepts an archive whose SHA-256 matches and extracts an executable istioctl', async () => {
    const archive = makeArchive(join(dir, 'good'), 'istioctl', '#!/bin/sh\necho fake-istioctl\n');
    routes.set('/1.29.0/istioctl-1.29.0-linux-amd64.tar.gz', archive);
    const destination = join(dir, 'bin-good');
    const progress: number[] = [];
    const path = await downloadVerifiedIstioctl({
      url: releaseUrl(base, '1.29.0', 'linux-amd64'), sha256: sha256(archive), destinationDir: destination,
      onProgress: (received) => progress.push(received),
    });
    assert.equal(path, join(destination, 'istioctl'));
    assert.equal(execFileSync(path).toString(), 'fake-istioctl\n');
    assert.equal(statSync(path).mode & 0o111, 0o111);
    assert.deepEqual(readdirSync(destination), ['istioctl'], 'only the binary is left behind');
    assert.equal(progress.at(-1), archive.length);
  });

  it('follows redirects like the release server does', async () => {
    const archive = routes.get('/1.29.0/istioctl-1.29.0-linux-amd64.tar.gz')!;
    const path = await downloadVerifiedIstioctl({ url: `${base}/redirect`, sha256: sha256(archive), destinationDir: join(dir, 'bin-redirect') });
    assert.equal(execFileSync(path).toString(), 'fake-istioctl\n');
  });

  it('refuses a wrong checksum, deletes the partial file and extracts nothing', async () => {
    const archive = makeArchive(join(dir, 'evil'), 'istioctl', '#!/bin/sh\necho evil\n');
    routes.set('/evil.tar.gz', archive);
    const destination = join(dir, 'bin-evil');
    const expected = 'a'.repeat(64);
    await assert.rejects(
      downloadVerifiedIstioctl({ url: `${base}/evil.tar.gz`, sha256: expected, destinationDir: destination }),
      (err: unknown) => err instanceof ChecksumMismatchError && err.expected === expected && err.actual === sha256(archive),
    );
    assert.deepEqual(readdirSync(destination), [], 'no archive, no binary');
  });

  it('removes the partial file when the connection drops mid-download', async () => {
    routes.set('/truncated', Buffer.alloc(64 * 1024, 7));
    const destination = join(dir, 'bin-truncated');
    await assert.rejects(downloadVerifiedIstioctl({ url: `${base}/truncated`, sha256: 'b'.repeat(64), destinationDir: destination }));
    assert.deepEqual(readdirSync(destination), []);
  });

  it('reports HTTP errors and rejects a malformed checksum before any request', async () => {
    await assert.rejects(
      downloadVerifiedIstioctl({ url: `${base}/missing`, sha256: 'c'.repeat(64), destinationDir: join(dir, 'bin-404') }),
      (err: unknown) => err instanceof DownloadError && /HTTP 404/.test(err.message),
    );
    const before = requests;
    await assert.rejects(downloadVerifiedIstioctl({ url: `${base}/x`, sha256: 'ABC', destinationDir: join(dir, 'bin-bad') }), DownloadError);
    assert.equal(requests, before);
  });

  it('stops when cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(
      downloadVerifiedIstioctl({ url: `${base}/1.29.0/istioctl-1.29.0-linux-amd64.tar.gz`, sha256: 'd'.repeat(64), destinationDir: join(dir, 'bin-abort'), signal: controller.signal }),
      (err: unknown) => err instanceof Error && err.name === 'AbortError',
    );
  });

  it('extracts a nested entry with a long path and fails clearly when the entry is absent', async () => {
    const deep = `${'d'.repeat(90)}/${'e'.repeat(60)}/istioctl`;
    const archiveDir = join(dir, 'deep');
    makeArchive(archiveDir, deep, 'deep-binary');
    const out = join(dir, 'deep-out');
    await extractTarEntry(join(archiveDir, 'a.tar.gz'), 'istioctl', out);
    assert.equal(readFileSync(out, 'utf8'), 'deep-binary');
    await assert.rejects(extractTarEntry(join(archiveDir, 'a.tar.gz'), 'kubectl', join(dir, 'none')), /has no file named kubectl/);
  });

  describe('verified against the release\'s published <archive>.sha256', () => {
    const version = '1.29.0-pub';
    const archive = archiveName(version, 'linux-amd64');
    const path = `/${version}/${archive}`;
    let body: Buffer;
    const release = (destination: string, pinnedSha256?: string) =>
      downloadIstioctlRelease({ url: `${base}${path}`, archive, pinnedSha256, destinationDir: join(dir, destination) });

    before(() => {
      body = makeArchive(join(dir, 'published'), 'istioctl', '#!/bin/sh\necho published-istioctl\n');
      routes.set(path, body);
    });

    it('accepts an archive matching its checksum file and says it was verified against it', async () => {
      routes.set(`${path}.sha256`, Buffer.from(`${sha256(body)}  ${archive}\n`));
      const result = await release('bin-pub-good');
      assert.equal(execFileSync(result.path).toString(), 'published-istioctl\n');
      assert.equal(result.sha256, sha256(body));
      assert.deepEqual(result.verifiedAgainst, { kind: 'published', url: `${base}${path}.sha256` });
      assert.deepEqual(readdirSync(join(dir, 'bin-pub-good')), ['istioctl']);
    });

    it('refuses an archive that does not match its checksum file and deletes it', async () => {
      const wrong = 'e'.repeat(64);
      routes.set(`${path}.sha256`, Buffer.from(`${wrong}  ${archive}\n`));
      await assert.rejects(release('bin-pub-wrong'), (err: unknown) =>
        err instanceof ChecksumMismatchError && err.expected === wrong && err.actual === sha256(body) && err.message.includes(`published with the release (${base}${path}.sha256)`),
      );
      assert.deepEqual(readdirSync(join(dir, 'bin-pub-wrong')), [], 'no archive, no binary');
    });

    it('prefers a pinned checksum to the published one', async () => {
      routes.set(`${path}.sha256`, Buffer.from(`${'e'.repeat(64)}  ${archive}\n`));
      const result = await release('bin-pub-pinned', sha256(body));
      assert.deepEqual(result.verifiedAgainst, { kind: 'pinned' });
      await assert.rejects(release('bin-pub-pinned-bad', 'f'.repeat(64)), (err: unknown) => err instanceof ChecksumMismatchError && /pinned in this extension/.test(err.message));
    });

    const refusals: Array<[string, string | undefined, RegExp]> = [
      ['a checksum file naming another archive', `${'0'.repeat(64)}  istioctl-1.29.0-osx.tar.gz\n`, /names "istioctl-1\.29\.0-osx\.tar\.gz", not "istioctl-1\.29\.0-pub-linux-amd64\.tar\.gz"/],
      ['a missing checksum file (404)', undefined, /could not be read \(HTTP 404 Not Found\)/],
      ['a checksum file that is not one line of "<hex>  <name>"', `<html>rate limited</html>\n`, /is not of the form/],
      ['a checksum with one space (not sha256sum\'s two)', `${'0'.repeat(64)} ${archive}\n`, /is not of the form/],
      ['a short checksum', `${'0'.repeat(63)}  ${archive}\n`, /is not of the form/],
      ['two checksum lines', `${'0'.repeat(64)}  ${archive}\n${'1'.repeat(64)}  ${archive}\n`, /is not of the form/],
    ];
    for (const [what, file, message] of refusals) {
      it(`refuses ${what} before downloading anything`, async () => {
        if (file === undefined) routes.delete(`${path}.sha256`);
        else routes.set(`${path}.sha256`, Buffer.from(file));
        const destination = `bin-pub-${what.replace(/\W+/g, '-')}`;
        const before = requests;
        await assert.rejects(release(destination), (err: unknown) => err instanceof ChecksumFileError && message.test(err.message) && /download was refused/.test(err.message));
        assert.equal(requests, before + 1, 'only the checksum file was requested');
        assert.equal(existsSync(join(dir, destination)), false, 'nothing was written');
      });
    }

    it('parses sha256sum\'s format strictly', () => {
      const hex = 'AB'.repeat(32);
      assert.equal(parseChecksumFile(`${hex}  ${archive}`, archive, 'u'), hex.toLowerCase());
      assert.throws(() => parseChecksumFile(`${hex}  ${archive}\r\n`, archive, 'u'), ChecksumFileError);
      assert.throws(() => parseChecksumFile(`${hex}  ./${archive}\n`, archive, 'u'), /names "\.\/istioctl/);
      assert.throws(() => parseChecksumFile(`${hex}  *${archive}\n`, archive, 'u'), ChecksumFileError);
      assert.throws(() => parseChecksumFile('', archive, 'u'), /is not of the form/);
    });
  });

  it('names release archives the way Istio publishes them', () => {
    assert.equal(releasePlatform('linux', 'x64'), 'linux-amd64');
    assert.equal(releasePlatform('linux', 'arm64'), 'linux-arm64');
    assert.equal(releasePlatform('darwin', 'x64'), 'osx-amd64');
    assert.equal(releasePlatform('darwin', 'arm64'), 'osx-arm64');
    // release/downloadIstioCtl.sh in istio/istio 1.29.0: `istioctl-<v>-linux-<arch>`, Intel macOS plain `osx`.
    assert.equal(archiveName('1.29.0', 'linux-amd64'), 'istioctl-1.29.0-linux-amd64.tar.gz');
    assert.equal(archiveName('1.29.0', 'linux-arm64'), 'istioctl-1.29.0-linux-arm64.tar.gz');
    assert.equal(archiveName('1.29.0', 'osx-arm64'), 'istioctl-1.29.0-osx-arm64.tar.gz');
    assert.equal(releasePlatform('win32', 'x64'), undefined);
    assert.equal(releasePlatform('linux', 'ia32'), undefined);
    assert.equal(archiveName('1.29.0', 'osx-amd64'), 'istioctl-1.29.0-osx.tar.gz');
    assert.equal(releaseUrl('https://example.test/dl/', '1.29.0', 'linux-arm64'), 'https://example.test/dl/1.29.0/istioctl-1.29.0-linux-arm64.tar.gz');
  });

  it('verifies the offered release against recorded digests on Linux and Intel macOS, the published file on Apple silicon', () => {
    const sourceFor = (platform: 'linux-amd64' | 'linux-arm64' | 'osx-amd64' | 'osx-arm64') =>
      checksumSourceFor(releaseUrl(OFFICIAL_RELEASE_BASE_URL, PINNED_RELEASE.version, platform), PINNED_RELEASE.sha256[platform]).kind;
    for (const platform of ['linux-amd64', 'linux-arm64', 'osx-amd64'] as const) {
      assert.match(PINNED_RELEASE.sha256[platform] ?? '', /^[0-9a-f]{64}$/, platform);
      assert.equal(sourceFor(platform), 'pinned', platform);
    }
    assert.equal(new Set(Object.values(PINNED_RELEASE.sha256)).size, 3, 'one digest per archive');
    assert.equal(sourceFor('osx-arm64'), 'published');
  });
});
