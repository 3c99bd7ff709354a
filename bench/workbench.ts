// What the VS Code benchmarks do in the workbench (headless chromium on the VS Code server): open a view container,
// expand a row, watch a row's text. Every wait is on the DOM; nothing sleeps.
import type { Locator, Page } from 'playwright-core';

const timeout = 120_000;

/** The side bar of a view container: the container shown before keeps its (hidden) rows in the DOM. */
function container(page: Page, containerId: string): Locator {
  return page.locator(`.part.sidebar [id="workbench.view.extension.${containerId}"]`);
}

/** The tree row whose label is exactly `label`. */
export function row(page: Page, containerId: string, label: string): Locator {
  const exact = new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
  return container(page, containerId).locator('.monaco-list-row').filter({ has: page.locator('.label-name', { hasText: exact }) }).first();
}

/**
 * Milliseconds from the click on a view container's icon until its own view shows the row `firstRow` (ours:
 * "Control plane", so a notice row such as "Limited view" would not count).
 */
export async function firstLevel(page: Page, title: string, containerId: string, firstRow: string): Promise<number> {
  const started = performance.now();
  await page.locator(`.activitybar a.action-label[aria-label^="${title}"]`).click();
  await container(page, containerId).locator('.monaco-list-row').filter({ hasText: firstRow }).first().waitFor({ timeout });
  return performance.now() - started;
}

/** Milliseconds from a click on the row `label` (which expands or collapses it) until the row `shown` is drawn. */
export async function expand(page: Page, containerId: string, label: string, shown: string | RegExp): Promise<number> {
  const target = row(page, containerId, label);
  await target.waitFor({ timeout });
  const started = performance.now();
  await target.click();
  const child = typeof shown === 'string' ? row(page, containerId, shown) : container(page, containerId).locator('.monaco-list-row').filter({ hasText: shown }).first();
  await child.waitFor({ timeout });
  return performance.now() - started;
}

/** Collapses the expanded row `label` and waits until VS Code says so. */
export async function collapse(page: Page, containerId: string, label: string): Promise<void> {
  const target = row(page, containerId, label);
  await target.click();
  await container(page, containerId).locator('.monaco-list-row[aria-expanded="false"]').filter({ has: page.locator('.label-name', { hasText: label }) }).first().waitFor({ timeout });
}

/**
 * Starts recording, in the page, when the description of the row `label` last became `description` (epoch ms, the
 * clock the cluster watch uses too); `drawnAt()` resolves once it shows that, with the time it did.
 */
export async function watchDescription(page: Page, containerId: string, label: string, description: string): Promise<{ drawnAt(): Promise<number> }> {
  const key = `__bench_${label.replace(/\W/g, '_')}`;
  const args = JSON.stringify({ containerId, label, description, key });
  // Page code as text, like test/e2e/workbench.ts: this project's TypeScript has no DOM types.
  await page.evaluate(`(({ containerId, label, description, key }) => {
    const state = { at: 0, shown: false };
    window[key] = state;
    const check = () => {
      const root = document.querySelector('.part.sidebar [id="workbench.view.extension.' + containerId + '"]');
      const rows = root ? [...root.querySelectorAll('.monaco-list-row')] : [];
      const target = rows.find((r) => r.querySelector('.label-name')?.textContent === label);
      const shown = target?.querySelector('.label-description')?.textContent === description;
      if (shown && !state.shown) state.at = Date.now();
      state.shown = shown;
    };
    new MutationObserver(check).observe(document.querySelector('.part.sidebar') ?? document.body, { subtree: true, childList: true, characterData: true, attributes: true });
    check();
  })(${args})`);
  return {
    drawnAt: async () => {
      const handle = await page.waitForFunction(`window[${JSON.stringify(key)}].shown ? window[${JSON.stringify(key)}].at : 0`, undefined, { timeout: 15 * 60_000 });
      return Number(await handle.jsonValue());
    },
  };
}
