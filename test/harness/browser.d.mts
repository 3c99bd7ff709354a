import type { Browser, Page } from 'playwright-core';

export function launchBrowser(options?: {
  onAutomationExit?: (code: number) => void;
  viewport?: { width: number; height: number };
}): Promise<{ browser: Browser; page: Page; close: () => Promise<void> }>;
