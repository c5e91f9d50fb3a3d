// Browser tests: Debian's Chromium driven by Playwright against the whole system (e2e/support).
import { defineConfig } from '@playwright/test';
import { webOrigin } from './e2e/support/environment.ts';

export default defineConfig({
  testDir: './e2e',
  // One browser at a time: two cores, and the embedded database runs one query at a time.
  workers: 1,
  timeout: 90_000,
  expect: { timeout: 10_000 },
  reporter: [['list'], ['json', { outputFile: '../.test-results/playwright.json' }]],
  use: {
    baseURL: webOrigin,
    screenshot: 'only-on-failure',
    launchOptions: {
      // `npx playwright install` cannot download browsers here; Debian's package can be installed.
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    },
  },
  outputDir: '../.test-results/playwright',
  webServer: {
    command: 'tsx --conditions=@taskgate/source e2e/support/serve-system.ts',
    url: `${webOrigin}/healthz`,
    timeout: 120_000,
    reuseExistingServer: false,
    stdout: 'pipe',
    stderr: 'pipe',
    gracefulShutdown: { signal: 'SIGTERM', timeout: 10_000 },
  },
});
