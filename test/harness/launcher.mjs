#!/usr/bin/env node
// Stands in for the VS Code executable in @vscode/test-electron's runTests({ vscodeExecutablePath }).
// It accepts what runTests passes ([folder] --extensionDevelopmentPath=DIR --extensionTestsPath=MODULE
// --user-data-dir=DIR --extensions-dir=DIR, plus desktop-only flags it ignores), starts the VS Code
// server of code-server and a headless chromium on the workbench with the test payload, and exits
// with the code VS Code reports through `codeAutomationExit`.
//
// Environment: ISTIO_MESH_VSCODE_VERSION picks the VS Code version (default: the oldest);
// ISTIO_MESH_TEST_TIMEOUT_MS bounds the run; everything else passes through to the extension host.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { setInterval } from 'node:timers';
import { join } from 'node:path';
import { launchBrowser } from './browser.mjs';
import { cleanupAll } from './processes.mjs';
import { OLDEST, ensureVSCode } from './setup.mjs';
import { createProfile, startServer, workbenchUrl } from './vscode-server.mjs';

function parseArgs(argv) {
  const options = { folder: undefined, flags: {} };
  for (let i = 0; i < argv.length; i++) {
    const match = /^--([^=]+)(?:=(.*))?$/.exec(argv[i]);
    if (!match) options.folder ??= argv[i];
    else if (match[2] !== undefined) options.flags[match[1]] = match[2];
    else if (['extensionDevelopmentPath', 'extensionTestsPath', 'user-data-dir', 'extensions-dir'].includes(match[1])) options.flags[match[1]] = argv[++i];
  }
  return options;
}

/** The extension host's own logs (load errors of the test module land there). */
function extensionHostLogs(userDataDir) {
  const logs = join(userDataDir, 'logs');
  if (!existsSync(logs)) return [];
  return readdirSync(logs, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('exthost.log')).map((f) => join(logs, f));
}

const tail = (file, lines = 30) => readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');

async function main() {
  const { folder, flags } = parseArgs(process.argv.slice(2));
  const extensionDevelopmentPath = flags.extensionDevelopmentPath;
  const extensionTestsPath = flags.extensionTestsPath;
  if (!extensionDevelopmentPath || !extensionTestsPath) throw new Error('usage: launcher.mjs [folder] --extensionDevelopmentPath=DIR --extensionTestsPath=MODULE');

  const vscode = await ensureVSCode(process.env.ISTIO_MESH_VSCODE_VERSION ?? OLDEST);
  const profile = createProfile('istio-mesh-launcher-', { userDataDir: flags['user-data-dir'], extensionsDir: flags['extensions-dir'] });
  const resultsFile = join(profile.root, 'results.txt');
  // The local-cluster status file `npm start` writes; the tests write it themselves (test/integration/mesh.test.ts).
  const server = await startServer(vscode, profile, { ISTIO_MESH_TEST_RESULTS: resultsFile, ISTIO_MESH_LOCAL_CLUSTER_STATUS: join(profile.root, 'local-cluster.json') });

  let exitCode;
  const finished = new Promise((resolve) => (exitCode = resolve));
  const { page } = await launchBrowser({ onAutomationExit: exitCode });
  page.on('pageerror', (error) => console.error(`workbench error: ${error.message}`));
  // The workbench reports a test module that fails to load on its console: keep that for failures.
  // Known noise of an offline workbench (no service worker, no gallery) is left out.
  const noise = /Failed to load resource|ServiceWorker|bad HTTP response code|127\.0\.0\.1:9\b|Content Security Policy/;
  const consoleErrors = [];
  page.on('console', (message) => message.type() === 'error' && !noise.test(message.text()) && consoleErrors.push(message.text().split('\n').slice(0, 6).join('\n')));
  await page.goto(workbenchUrl(server, folder ?? profile.workspace, { extensionDevelopmentPath, extensionTestsPath }));

  const timeoutMs = Number(process.env.ISTIO_MESH_TEST_TIMEOUT_MS ?? 10 * 60_000);
  const timer = setTimeout(() => {
    console.error(`launcher: no result within ${timeoutMs} ms`);
    exitCode(1);
  }, timeoutMs);
  const code = await finished;
  clearTimeout(timer);

  const results = existsSync(resultsFile) ? readFileSync(resultsFile, 'utf8') : '';
  process.stdout.write(results);
  // No closing tally means the run never finished: the server log says why (crash, load error).
  if (!/\d+ passed, \d+ failed/.test(results)) {
    console.error(`launcher: the test run did not finish (exit ${code})\n--- VS Code server log (last lines) ---\n${server.logTail()}`);
    for (const log of extensionHostLogs(profile.userDataDir)) console.error(`--- ${log} (last lines) ---\n${tail(log)}`);
    console.error(`--- workbench console errors ---\n${consoleErrors.slice(-20).join('\n')}`);
    return code || 1;
  }
  return code;
}

// runTests does not forward SIGTERM to us: if our parent goes away, clean up and leave too.
const parent = process.ppid;
setInterval(() => process.ppid !== parent && cleanupAll().finally(() => process.exit(1)), 1000).unref();

let code = 1;
try {
  code = await main();
} catch (error) {
  console.error(`launcher: ${error.stack ?? error}`);
} finally {
  await cleanupAll();
}
process.exit(code);
