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
  const shown = await watchRow(page, containerId, { text: firstRow });
  const clickedAt = Date.now();
  await page.locator(`.activitybar a.action-label[aria-label^="${title}"]`).click();
  return (await shown()) - clickedAt;
}

/** Milliseconds from a click on the row `label` (which expands or collapses it) until the row `shown` is drawn. */
export async function expand(page: Page, containerId: string, label: string, shown: string | RegExp): Promise<number> {
  const target = row(page, containerId, label);
  await target.waitFor({ timeout });
  const drawn = await watchRow(page, containerId, typeof shown === 'string' ? { label: shown } : { pattern: shown.source });
  const clickedAt = Date.now();
  await target.click();
  return (await drawn()) - clickedAt;
}

/**
 * Starts watching, in the page, for a visible row of the container: one whose label is `label`, whose text holds
 * `text`, or whose text matches `pattern`. The result resolves with the time it was first drawn (epoch ms: the clock
 * of this process too), taken by a MutationObserver as the DOM changes. (Playwright's own waits poll, after 0, 20, 50,
 * 100 and 100 ms and then every 500 ms: a time read through them was late by up to half a second, more the later
 * the row came, which made the empty extension's tree take 230 ms in one run and 710 ms in the next.)
 */
async function watchRow(page: Page, containerId: string, match: { label?: string; text?: string; pattern?: string }): Promise<() => Promise<number>> {
  const key = `__bench_row_${Math.random().toString(36).slice(2)}`;
  const args = JSON.stringify({ containerId, key, ...match });
  // Page code as text, like watchDescription: this project's TypeScript has no DOM types.
  await page.evaluate(`(({ containerId, key, label, text, pattern }) => {
    const state = { at: 0 };
    window[key] = state;
    const wanted = (r) => {
      if (label !== undefined) return r.querySelector('.label-name')?.textContent === label;
      if (text !== undefined) return (r.textContent ?? '').includes(text);
      return new RegExp(pattern).test(r.textContent ?? '');
    };
    const check = () => {
      if (state.at) return;
      const root = document.querySelector('.part.sidebar [id="workbench.view.extension.' + containerId + '"]');
      const rows = root ? [...root.querySelectorAll('.monaco-list-row')] : [];
      if (rows.some((r) => wanted(r) && r.getClientRects().length > 0)) {
        state.at = Date.now();
        observer.disconnect();
      }
    };
    const observer = new MutationObserver(check);
    observer.observe(document.querySelector('.part.sidebar') ?? document.body, { subtree: true, childList: true, characterData: true, attributes: true });
  })(${args})`);
  return async () => {
    const handle = await page.waitForFunction(`window[${JSON.stringify(key)}].at`, undefined, { timeout });
    return Number(await handle.jsonValue());
  };
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
