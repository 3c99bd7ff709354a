// A page object for the VS Code workbench in the browser, for the end-to-end specs
// (test/e2e/*.e2e.ts). `npm run test:e2e` starts the VS Code server with the packaged .vsix and
// passes its address in ISTIO_MESH_E2E_URL. Every wait is on the DOM, never on time.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { launchBrowser } from '../harness/browser.mjs';

// The runner names the folder: test-output/screenshots for test runs, media/screenshots for `npm run screenshots`.
const SCREENSHOTS = resolve(process.env.ISTIO_MESH_SCREENSHOTS ?? join(__dirname, '..', '..', 'test-output', 'screenshots'));

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The class the workbench element carries for each kind of color theme. */
const THEME_CLASSES = { dark: 'vs-dark', light: 'vs', 'high-contrast': 'hc-black' } as const;
const THEMES = { dark: 'Default Dark Modern', light: 'Default Light Modern', 'high-contrast': 'Default High Contrast' } as const;
export type ThemeKind = keyof typeof THEMES;

export interface OpenOptions {
  /** Files to create in a fresh workspace folder, by relative path. */
  files?: Record<string, string>;
  /** The color theme from the start (the web workbench otherwise follows the browser's light scheme). */
  theme?: ThemeKind;
  /** Workspace settings from the start, e.g. `istio.mesh.contexts`. */
  settings?: Record<string, unknown>;
}

function writeWorkspaceSetting(folder: string, key: string, value: unknown): void {
  const path = join(folder, '.vscode', 'settings.json');
  const settings = existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>) : {};
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify({ ...settings, [key]: value }, null, 2));
}

export class Workbench {
  private constructor(
    readonly page: Page,
    readonly folder: string,
    private readonly closeBrowser: () => Promise<void>,
  ) {}

  /** Opens the workbench on a fresh folder and waits until the extension's view container is there. */
  static async open({ files = {}, theme, settings = {} }: OpenOptions = {}): Promise<Workbench> {
    const origin = process.env.ISTIO_MESH_E2E_URL;
    if (!origin) throw new Error('ISTIO_MESH_E2E_URL is not set: run the specs with `npm run test:e2e`');
    // The folder's name shows in the title bar of every screenshot: keep it plain.
    const folder = join(mkdtempSync(join(tmpdir(), 'istio-mesh-e2e-')), 'workspace');
    mkdirSync(folder);
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(folder, path)), { recursive: true });
      writeFileSync(join(folder, path), text);
    }
    if (theme) writeWorkspaceSetting(folder, 'workbench.colorTheme', THEMES[theme]);
    for (const [key, value] of Object.entries(settings)) writeWorkspaceSetting(folder, key, value);
    const { page, close } = await launchBrowser();
    const url = new URL(origin);
    url.searchParams.set('folder', folder);
    await page.goto(url.href);
    const workbench = new Workbench(page, folder, close);
    // The palette can open before the extension's commands are registered: its icon comes later.
    await workbench.activityBarItem('Istio Mesh').waitFor({ timeout: 60_000 });
    return workbench;
  }

  /** Closes the browser and removes the workspace folder made by `open`. */
  async close(): Promise<void> {
    await this.closeBrowser();
    rmSync(dirname(this.folder), { recursive: true, force: true });
  }

  activityBarItem(title: string): Locator {
    return this.page.locator(`.activitybar a.action-label[aria-label^="${title}"]`);
  }

  /**
   * Clicks a view container's activity-bar icon and waits for its side bar to show content: tree
   * rows or a welcome message (not "There is no data provider registered", shown while the
   * extension is still activating).
   */
  async openView(title: string): Promise<Locator> {
    const sidebar = this.page.locator('.part.sidebar');
    const heading = sidebar.locator('.composite.title').getByText(title, { exact: false });
    // The icon toggles: a click on the container already shown would close the side bar.
    if (!(await heading.isVisible())) await this.activityBarItem(title).click();
    await heading.waitFor();
    await sidebar.locator('.welcome-view-content, .monaco-list-row').first().waitFor({ timeout: 60_000 });
    // Park the pointer in the empty lower part of the side bar: no tooltip in screenshots.
    const box = await sidebar.boundingBox();
    if (box) await this.page.mouse.move(box.x + box.width / 2, box.y + box.height - 10);
    return sidebar;
  }

  /** Runs a command from the palette (F1) by its full title, e.g. "Istio: Show Logs". */
  async runCommand(title: string): Promise<void> {
    await this.page.keyboard.press('F1');
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor();
    await input.fill(`>${title}`);
    const row = this.quickPickRow(title);
    await row.waitFor();
    // Enter runs the focused row, the first match once the list is filtered: a click may land on another row when the
    // list is laid out again between finding the row and clicking it (results added as they come). A row that is not
    // the focused one is clicked.
    if (await row.evaluate((r) => r.classList.contains('focused'))) await this.page.keyboard.press('Enter');
    else await row.click();
    await this.page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
  }

  /** The row of the open quick pick whose label is exactly `label`. */
  quickPickRow(label: string): Locator {
    return this.page
      .locator('.quick-input-list .monaco-list-row')
      .filter({ has: this.page.locator('.label-name').getByText(new RegExp(`^${escapeRegExp(label)}$`)) })
      .first();
  }

  /** Opens a workspace file with Ctrl+P and waits for its editor tab. */
  async openFile(relativePath: string): Promise<Locator> {
    await this.page.keyboard.press('Control+P');
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor();
    await input.fill(relativePath);
    const name = relativePath.split('/').pop() ?? relativePath;
    await this.quickPickRow(name).click();
    await this.page.locator('.tabs-container .tab.active').getByText(name, { exact: true }).waitFor();
    return this.page.locator('.editor-group-container.active .monaco-editor').first();
  }

  /** The wavy underlines of the active editor (`error`, `warning`, `info`). */
  squiggles(severity: 'error' | 'warning' | 'info' = 'error'): Locator {
    return this.page.locator(`.editor-group-container.active .view-overlays .squiggly-${severity}`);
  }

  /** Opens the Problems panel (Ctrl+Shift+M) and returns the text of each problem row. */
  /**
   * The Problems panel's rows, once one of them has `waitFor` in its text (the panel draws the markers as they arrive:
   * its first row can be there before the one a test looks for).
   */
  async problems(waitFor?: string | RegExp): Promise<string[]> {
    await this.page.keyboard.press('Control+Shift+M');
    const rows = this.page.locator('.markers-panel .monaco-list-row');
    const wanted = waitFor === undefined ? rows : rows.filter({ hasText: waitFor });
    await wanted.first().waitFor();
    // The panel redraws its rows when another problem comes in (the workspace analysis publishes whenever its scan
    // ends): rows read in the middle of a redraw may lack the one waited for, so they are read again until they hold it.
    for (const until = Date.now() + 10_000; ; ) {
      const texts = await rows.allInnerTexts();
      if (waitFor === undefined || texts.some((t) => (typeof waitFor === 'string' ? t.includes(waitFor) : waitFor.test(t))) || Date.now() > until) return texts;
      await wanted.first().waitFor();
    }
  }

  /** A row of the side bar's tree views by its label. */
  treeItem(label: string): Locator {
    return this.page.locator('.part.sidebar .monaco-list-row').filter({ hasText: label }).first();
  }

  /** The side bar's tree row whose label is exactly `label` (treeItem matches any text of the row). */
  treeRow(label: string): Locator {
    return this.page
      .locator('.part.sidebar .monaco-list-row')
      .filter({ has: this.page.locator('.label-name').getByText(new RegExp(`^${escapeRegExp(label)}$`)) })
      .first();
  }

  /** The description (the grey text after the label) of a tree row, once the row is there. */
  async treeDescription(label: string): Promise<string> {
    return this.treeRow(label).locator('.label-description').innerText();
  }

  /**
   * Expands a collapsed tree row (a no-op when it is expanded already) and waits until it is. A click that lands while
   * the view redraws that row (a refresh replaces its element) is lost: the row is clicked again while it stays
   * collapsed, at most three times, ten seconds apart.
   */
  async expand(label: string): Promise<Locator> {
    const row = this.treeRow(label);
    await row.waitFor({ timeout: 60_000 });
    const expanded = this.page.locator('.part.sidebar .monaco-list-row[aria-expanded="true"]').filter({ has: this.page.locator('.label-name').getByText(new RegExp(`^${escapeRegExp(label)}$`)) });
    for (let attempt = 1; ; attempt++) {
      if ((await row.getAttribute('aria-expanded')) === 'false') await row.locator('.monaco-tl-twistie').click();
      try {
        await expanded.waitFor({ timeout: 10_000 });
        return row;
      } catch (err) {
        if (attempt === 3) throw err;
      }
    }
  }

  /** Right-clicks a tree item and returns its open context menu. */
  async openContextMenu(itemLabel: string): Promise<Locator> {
    await this.treeRow(itemLabel).click({ button: 'right' });
    const menu = this.page.locator('.monaco-menu').first();
    await menu.waitFor();
    return menu;
  }

  /** Right-clicks a tree item and picks `action` from its context menu. */
  async contextMenu(itemLabel: string, action: string): Promise<void> {
    await this.treeItem(itemLabel).click({ button: 'right' });
    await this.page.locator('.monaco-menu .action-item').getByText(action, { exact: false }).first().click();
  }

  /**
   * Switches the color theme through the workspace's `.vscode/settings.json`, as a user editing the
   * setting would, and waits until the workbench has repainted in it.
   */
  async setColorTheme(kind: ThemeKind): Promise<void> {
    writeWorkspaceSetting(this.folder, 'workbench.colorTheme', THEMES[kind]);
    await this.page.locator(`.monaco-workbench.${THEME_CLASSES[kind]}`).waitFor({ timeout: 30_000 });
  }

  /** Drags the side bar's edge so tree descriptions are not cut off in screenshots. */
  async widenSideBar(width = 520): Promise<void> {
    const box = await this.page.locator('.part.sidebar').boundingBox();
    if (!box || box.width >= width) return;
    await this.page.mouse.move(box.x + box.width + 1, box.y + box.height / 2);
    await this.page.mouse.down();
    await this.page.mouse.move(box.x + width, box.y + box.height / 2, { steps: 5 });
    await this.page.mouse.up();
    await this.page.waitForFunction(`document.querySelector('.part.sidebar').getBoundingClientRect().width >= ${width - 20}`);
  }

  /** Moves the pointer onto the empty editor area, so no tooltip or hover shows in a screenshot. */
  async parkMouse(): Promise<void> {
    const box = await this.page.locator('.part.editor').boundingBox();
    if (box) await this.page.mouse.move(box.x + box.width / 2, box.y + box.height - 40);
  }

  /**
   * Opens the notification center. The tiers' VS Code server runs with --enable-smoke-test-driver,
   * under which the workbench shows no toasts: notifications (and their buttons) are read here.
   */
  async showNotifications(): Promise<Locator> {
    const center = this.page.locator('.notifications-center');
    if (!(await center.isVisible())) await this.runCommand('Notifications: Show Notifications');
    await center.waitFor();
    return center;
  }

  /** A notification whose text matches, as a toast or in the open notification center. */
  notification(text: RegExp): Locator {
    return this.page
      .locator('.notifications-toasts .notification-toast, .notifications-center .notification-list-item')
      .filter({ hasText: text })
      .first();
  }

  /** Waits until the Output panel shows the channel named `channel`; returns the panel's text. */
  async outputChannel(channel: string): Promise<Locator> {
    const panel = this.page.locator('.part.panel');
    // A string predicate: it runs in the page, and this file is compiled without DOM types.
    await this.page.waitForFunction(
      `[...document.querySelectorAll('.part.panel select.monaco-select-box')].some((s) => s.value === ${JSON.stringify(channel)})`,
    );
    return panel.locator('.monaco-editor .view-lines');
  }

  /** For `afterEach`: when the test failed, saves a screenshot to the temp dir and says where. */
  async screenshotOnFailure(test: Mocha.Test | undefined): Promise<void> {
    if (test?.state !== 'failed') return;
    const dir = join(tmpdir(), 'istio-mesh-e2e-failures');
    mkdirSync(dir, { recursive: true });
    const path = join(dir, `${test.fullTitle().replace(/[^\w.-]+/g, '-')}.png`);
    await this.page.screenshot({ path }).then(
      () => console.log(`    screenshot of the failure: ${path}`),
      () => undefined,
    );
  }

  /** Saves a PNG as <screenshots folder>/<name>.png and returns its path. */
  async screenshot(name: string): Promise<string> {
    mkdirSync(SCREENSHOTS, { recursive: true });
    const path = join(SCREENSHOTS, `${name}.png`);
    await this.page.screenshot({ path });
    return path;
  }
}
