// Playwright fixtures: every page fails its test on a console error or an uncaught exception, unless
// the test says which errors it expects (the API-down scenario expects refused connections).
import { test as base, expect, type Page } from '@playwright/test';

export interface ConsoleGuard {
  /** Console errors matching this are expected in the current test. */
  allow(pattern: RegExp): void;
}

export const test = base.extend<{ consoleGuard: ConsoleGuard }>({
  consoleGuard: [
    async ({ context }, use) => {
      const allowed: RegExp[] = [];
      const problems: string[] = [];
      const watch = (page: Page) => {
        page.on('console', (message) => {
          if (message.type() !== 'error' && message.type() !== 'warning') return;
          const text = message.text();
          if (!allowed.some((pattern) => pattern.test(text))) problems.push(`${message.type()}: ${text}`);
        });
        page.on('pageerror', (error) => problems.push(`uncaught: ${error.message}`));
      };
      context.pages().forEach(watch);
      context.on('page', watch);
      await use({ allow: (pattern) => allowed.push(pattern) });
      expect(problems, 'console errors or warnings in the page').toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };
