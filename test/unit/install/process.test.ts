import { readFileSync } from 'node:fs';
import assert from 'node:assert/strict';
import { ProcessStartError, runProcess } from '../../../src/install/process';
import { IstioctlNotFoundError, istioctlClientVersion, locateIstioctl } from '../../../src/install/istioctl';

describe('process runner', () => {
  it('passes arguments verbatim (no shell) and streams lines from both streams', async () => {
    const lines: string[] = [];
    const result = await runProcess('sh', ['-c', 'printf "a\\nb"; echo "$1" >&2', 'sh', '$(touch /nonexistent); `x` * "q"'], {
      onLine: (l, s) => lines.push(`${s}:${l}`),
    });
    assert.equal(result.exitCode, 0);
    assert.deepEqual(lines.sort(), ['stderr:$(touch /nonexistent); `x` * "q"', 'stdout:a', 'stdout:b']);
  });

  it('cancels by killing the whole process group, grandchildren included', async () => {
    const controller = new AbortController();
    let grandchild = 0;
    const result = await runProcess('sh', ['-c', 'sleep 30 & echo $!; wait'], {
      signal: controller.signal,
      onLine: (l) => {
        grandchild = Number(l);
        controller.abort();
      },
      killGraceMs: 200,
    });
    assert.equal(result.cancelled, true);
    assert.ok(grandchild > 0);
    // Killed but not yet reaped by init counts as dead: a zombie runs nothing.
    const alive = () => {
      try {
        return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${grandchild}/stat`, 'utf8'));
      } catch {
        return false;
      }
    };
    const deadline = Date.now() + 2000;
    while (alive() && Date.now() < deadline) await new Promise((r) => setImmediate(r));
    assert.equal(alive(), false, 'the grandchild `sleep 30` was killed with its group');
  });

  it('rejects with ProcessStartError when the program does not exist', async () => {
    await assert.rejects(runProcess('/nonexistent/istioctl', []), (e: unknown) => e instanceof ProcessStartError && e.code === 'ENOENT');
  });
});

describe('istioctl locator', () => {
  const exists = (paths: string[]) => async (p: string) => paths.includes(p);

  it('prefers the setting, then PATH, then the downloaded copy', async () => {
    assert.deepEqual(await locateIstioctl({ settingPath: '/opt/istioctl', envPath: '/usr/bin', isExecutable: exists(['/opt/istioctl', '/usr/bin/istioctl']) }),
      { path: '/opt/istioctl', source: 'setting' });
    assert.deepEqual(await locateIstioctl({ settingPath: '', envPath: '/a:/usr/bin', isExecutable: exists(['/usr/bin/istioctl']) }),
      { path: '/usr/bin/istioctl', source: 'path' });
    assert.deepEqual(await locateIstioctl({ settingPath: '', envPath: '/a', downloadedDir: '/store/1.29.0', isExecutable: exists(['/store/1.29.0/istioctl']) }),
      { path: '/store/1.29.0/istioctl', source: 'downloaded' });
    assert.equal(await locateIstioctl({ settingPath: '', envPath: '/a', isExecutable: exists([]) }), undefined);
  });

  it('never falls back when the setting points nowhere', async () => {
    await assert.rejects(locateIstioctl({ settingPath: '/missing/istioctl', envPath: '/usr/bin', isExecutable: exists(['/usr/bin/istioctl']) }),
      (e: unknown) => e instanceof IstioctlNotFoundError && /points to "\/missing\/istioctl"/.test(e.message));
    await assert.rejects(locateIstioctl({ settingPath: 'istioctl', envPath: '', isExecutable: exists([]) }), /absolute path/);
  });

  it('reads the version, and refuses a program that is not istioctl', async () => {
    assert.equal(await istioctlClientVersion('x', async () => ({ exitCode: 0, signal: null, stdout: '{"clientVersion":{"version":"1.29.0"}}', stderr: '', cancelled: false })), '1.29.0');
    await assert.rejects(istioctlClientVersion('/bin/true'), /did not report its version/);
  });
});
