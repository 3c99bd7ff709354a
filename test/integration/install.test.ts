// `Istio: Install…` inside real VS Code against the testbed (which already runs Istio, minimal
// profile): the command runs with its questions answered by a scripted prompter. It re-applies the
// testbed's own options, so the other suites' mesh is unchanged.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { InstallCommandArgs, InstallCommandResult } from '../../src/commands/install';
import type { Services } from '../../src/services';
import { ScriptedPrompter } from '../builders/prompter';

const testbedIstioctl = process.env.ISTIO_MESH_TESTBED_ISTIOCTL ?? '';
const context = process.env.ISTIO_MESH_TESTBED_CONTEXT ?? 'istio-mesh-testbed';
const sets = (process.env.ISTIO_MESH_TESTBED_ISTIO_SETS ?? '').split(' ').filter(Boolean);

/** The answers that reproduce the testbed's install: minimal profile, no revision, permissive, no addons, its webhook URLs. */
function testbedAnswers(confirm: string | undefined) {
  return [ScriptedPrompter.label('minimal'), '', ScriptedPrompter.label('Permissive'), [], sets.join(' '), confirm];
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('Istio: Install… (real VS Code, testbed cluster)', function () {
  this.timeout(5 * 60_000);
  let services: Services;
  const settings = () => vscode.workspace.getConfiguration('istio');
  let dir: string;
  let server: Server;
  let base: string;
  const served = new Map<string, Buffer>();

  before(async () => {
    assert.ok(testbedIstioctl && process.env.KUBECONFIG, 'run with the testbed: npm run test:integration');
    services = (await vscode.extensions.getExtension<Services>('istio-mesh.istio-mesh')!.activate());
    dir = mkdtempSync(join(tmpdir(), 'istio-install-it-'));
    // A release archive whose `istioctl` hands over to the testbed's build, served from 127.0.0.1.
    const src = join(dir, 'src');
    execFileSync('mkdir', ['-p', src]);
    writeFileSync(join(src, 'istioctl'), `#!/bin/sh\nexec '${testbedIstioctl}' "$@"\n`, { mode: 0o755 });
    execFileSync('tar', ['-czf', join(dir, 'istioctl.tar.gz'), '-C', src, 'istioctl']);
    const archive = readFileSync(join(dir, 'istioctl.tar.gz'));
    served.set('/1.31.0-test/istioctl-1.31.0-test-linux-amd64.tar.gz', archive);
    // The release's own checksum file, as `sha256sum` writes it: what an unpinned platform is verified against.
    served.set('/1.31.0-test/istioctl-1.31.0-test-linux-amd64.tar.gz.sha256', Buffer.from(`${sha256(archive)}  istioctl-1.31.0-test-linux-amd64.tar.gz\n`));
    served.set('/1.31.0-bad/istioctl-1.31.0-bad-linux-amd64.tar.gz', archive);
    server = createServer((req, res) => {
      const body = served.get(req.url ?? '');
      if (body) res.writeHead(200, { 'content-length': body.length }).end(body);
      else res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    await settings().update('istioctlPath', undefined, vscode.ConfigurationTarget.Global);
    await settings().update('install.defaults', undefined, vscode.ConfigurationTarget.Global);
    await new Promise<void>((r) => server.close(() => r()));
    rmSync(dir, { recursive: true, force: true });
  });

  const run = (args: InstallCommandArgs) => vscode.commands.executeCommand<InstallCommandResult>('istio.install', args);

  it('refuses a downloaded istioctl whose checksum does not match', async () => {
    await settings().update('istioctlPath', '', vscode.ConfigurationTarget.Global);
    const prompter = new ScriptedPrompter([], (_m, actions) => (actions.includes('Download') ? 'Download' : undefined));
    const result = await run({ prompter, release: { version: '1.31.0-bad', sha256: { 'linux-amd64': 'f'.repeat(64) } }, releaseBaseUrl: base });
    assert.equal(result.status, 'cancelled');
    assert.match(prompter.asked[0].title, /Download istioctl 1\.31\.0-bad for linux-amd64\? It is verified against the SHA-256 pinned in this extension before use/);
    const storage = join(services.context.globalStorageUri.fsPath, 'istioctl', '1.31.0-bad');
    assert.equal(existsSync(join(storage, 'istioctl')), false, 'nothing unverified was kept');
  });

  it('downloads an istioctl verified against the release\'s checksum file, plans, and installs nothing when the confirmation is dismissed', async () => {
    const prompter = new ScriptedPrompter(testbedAnswers(undefined), (_m, actions) => (actions.includes('Download') ? 'Download' : undefined));
    const result = await run({ prompter, release: { version: '1.31.0-test', sha256: {} }, releaseBaseUrl: base });
    assert.equal(result.status, 'cancelled');
    assert.match(prompter.asked[0].title, new RegExp(`verified against the SHA-256 published with the release \\(${base}/1\\.31\\.0-test/istioctl-1\\.31\\.0-test-linux-amd64\\.tar\\.gz\\.sha256\\)`));
    assert.ok(result.plan, 'a plan was shown');
    assert.equal(result.plan.istioctlPath, join(services.context.globalStorageUri.fsPath, 'istioctl', '1.31.0-test', 'istioctl'));
    const confirmation = prompter.asked.find((q) => q.kind === 'choose');
    assert.ok(confirmation, 'a modal confirmation was asked');
    assert.equal(confirmation.title, `Re-apply Istio in Kubernetes context "${context}"?`);
    assert.match(confirmation.detail ?? '', /Istio is already installed: .*revision default/);
    assert.match(confirmation.detail ?? '', new RegExp(`Command: .*istioctl install -y --set profile=minimal .*--context ${context}`));
  });

  it('re-applies the installed mesh when confirmed, verifies it, saves the answers and offers the next step', async () => {
    await settings().update('istioctlPath', testbedIstioctl, vscode.ConfigurationTarget.Global);
    const offers: string[] = [];
    const prompter = new ScriptedPrompter(testbedAnswers('Re-apply'), (message) => {
      offers.push(message);
      return undefined;
    });
    const result = await run({ prompter });
    assert.equal(result.status, 'installed', JSON.stringify(result));
    assert.equal(result.plan.action, 'reconfigure');
    assert.deepEqual([result.verify.istiodReady, result.verify.webhookPresent], [true, true]);
    const saved = settings().get<Record<string, unknown>>('install.defaults');
    assert.equal(saved?.profile, 'minimal');
    assert.deepEqual(saved?.setValues, sets);
    assert.ok(offers.some((m) => m.includes(`is ready in context "${context}"`)), offers.join(' | '));
  });
});
