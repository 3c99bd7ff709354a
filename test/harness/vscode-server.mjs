// Starts the VS Code server bundled in code-server (lib/vscode/out/server-main.js) on 127.0.0.1.
// We start it directly, not through code-server's CLI: only the server itself accepts
// --enable-smoke-test-driver, without which VS Code 1.139 ignores the test payload in the URL.
import { createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, killGroup, onCleanup, run, spawnGroup, waitForHttp } from './processes.mjs';

/** Settings that keep the workbench quiet and offline: no telemetry, updates or experiments. */
const OFFLINE_SETTINGS = {
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'workbench.enableExperiments': false,
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'security.workspace.trust.enabled': false,
  'git.enabled': false,
  'redhat.telemetry.enabled': false,
  // VS Code 1.139 opens a chat side bar by default; keep the workbench (and screenshots) plain.
  'chat.disableAIFeatures': true,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
};

/** A gallery that cannot answer: the workbench never reaches the Marketplace. */
const OFFLINE_GALLERY = JSON.stringify({ serviceUrl: 'http://127.0.0.1:9/none', itemUrl: 'http://127.0.0.1:9/none' });

/**
 * A fresh profile for one run: temp dirs for user data, server data, extensions, XDG homes and a
 * workspace folder; removed by `dispose()` and on any exit of the harness.
 */
export function createProfile(prefix = 'istio-mesh-vscode-', { userDataDir, extensionsDir } = {}) {
  const root = mkdtempSync(join(tmpdir(), prefix));
  const profile = {
    root,
    userDataDir: userDataDir ?? join(root, 'user-data'),
    serverDataDir: join(root, 'server-data'),
    extensionsDir: extensionsDir ?? join(root, 'extensions'),
    workspace: join(root, 'workspace'),
    xdg: join(root, 'xdg'),
    dispose: () => rmSync(root, { recursive: true, force: true }),
  };
  for (const dir of [profile.userDataDir, profile.serverDataDir, profile.extensionsDir, profile.workspace, profile.xdg]) mkdirSync(dir, { recursive: true });
  for (const dir of [join(profile.userDataDir, 'User'), join(profile.serverDataDir, 'data', 'Machine')]) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'settings.json'), JSON.stringify(OFFLINE_SETTINGS, null, 2));
  }
  onCleanup(profile.dispose);
  return profile;
}

function serverEnv(profile, extraEnv) {
  return {
    ...process.env,
    ...extraEnv,
    // code-server and VS Code write under the XDG homes on any call: keep that in the temp profile.
    XDG_CONFIG_HOME: join(profile.xdg, 'config'),
    XDG_DATA_HOME: join(profile.xdg, 'data'),
    XDG_CACHE_HOME: join(profile.xdg, 'cache'),
    EXTENSIONS_GALLERY: OFFLINE_GALLERY,
  };
}

function commonArgs(vscode, profile) {
  return [
    vscode.serverMain,
    '--accept-server-license-terms',
    '--telemetry-level', 'off',
    '--server-data-dir', profile.serverDataDir,
    '--user-data-dir', profile.userDataDir,
    '--extensions-dir', profile.extensionsDir,
  ];
}

/** Installs a .vsix into the profile's extensions dir with the server's own CLI. */
export async function installExtension(vscode, profile, vsix) {
  await run(vscode.node, [...commonArgs(vscode, profile), '--install-extension', vsix, '--force'], {
    env: serverEnv(profile, {}),
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

/**
 * Starts the server; resolves once it answers HTTP. `env` reaches the extension host (KUBECONFIG,
 * result file paths, ...). Returns `{ origin, authority, logFile, logTail(), stop() }`.
 */
export async function startServer(vscode, profile, env = {}) {
  const port = await freePort();
  const authority = `127.0.0.1:${port}`;
  const logFile = join(profile.root, 'server.log');
  const log = createWriteStream(logFile);
  const child = spawnGroup(vscode.node, [
    ...commonArgs(vscode, profile),
    '--host', '127.0.0.1',
    '--port', String(port),
    '--without-connection-token',
    '--enable-smoke-test-driver',
    '--disable-workspace-trust',
  ], { env: serverEnv(profile, env) });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  const stop = () => killGroup(child);
  onCleanup(stop);
  const origin = `http://${authority}`;
  try {
    await waitForHttp(`${origin}/version`, child);
  } catch (error) {
    throw new Error(`${error.message}\n--- server log ---\n${readFileSync(logFile, 'utf8')}`);
  }
  const logTail = (lines = 40) => readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  return { origin, authority, logFile, logTail, stop };
}

/** The workbench URL opening `folder`, with an optional payload (extension dev/test paths). */
export function workbenchUrl(server, folder, { extensionDevelopmentPath, extensionTestsPath } = {}) {
  const url = new URL(server.origin);
  url.searchParams.set('folder', folder);
  const payload = [];
  const remote = (path) => `vscode-remote://${server.authority}${path}`;
  if (extensionDevelopmentPath) payload.push(['extensionDevelopmentPath', remote(extensionDevelopmentPath)]);
  if (extensionTestsPath) payload.push(['extensionTestsPath', remote(extensionTestsPath)]);
  if (payload.length) url.searchParams.set('payload', JSON.stringify(payload));
  return url.href;
}
