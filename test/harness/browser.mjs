// Headless Debian chromium driven by playwright-core, kept offline: any request that is not to
// 127.0.0.1 is aborted, and the browser profile is a fresh temp dir.
import { chromium } from 'playwright-core';
import { CHROMIUM } from './setup.mjs';
import { onCleanup } from './processes.mjs';

const FLAGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage',
];

/** Only loopback traffic leaves the page; everything else is aborted. */
function isLocal(url) {
  const { protocol, hostname } = new URL(url);
  return !['http:', 'https:', 'ws:', 'wss:'].includes(protocol) || hostname === '127.0.0.1';
}

/**
 * Launches chromium and opens a page (1440x900, so screenshots are readable) with the offline
 * route installed. `onAutomationExit(code)` receives VS Code's `codeAutomationExit` call, made when
 * an extension test run ends. Returns `{ browser, page, close() }`.
 */
export async function launchBrowser({ onAutomationExit, viewport = { width: 1440, height: 900 } } = {}) {
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
  const close = () => browser.close().catch(() => {});
  onCleanup(close);
  const context = await browser.newContext({ viewport });
  await context.route('**/*', (route) => (isLocal(route.request().url()) ? route.continue() : route.abort()));
  const page = await context.newPage();
  if (onAutomationExit) await page.exposeFunction('codeAutomationExit', (code) => onAutomationExit(Number(code)));
  return { browser, page, close };
}
