// The main task life cycle once more, through HAProxy against 2 API + 2 web replicas: the SPA, Better
// Auth and /graphql on one origin (test/scale-out/serve-scaled-system.ts). Run by
// `pnpm test:browser:scale-out`, which first checks that PostgreSQL, Redis and HAProxy are here.
import { defineConfig } from '@playwright/test';
import main from './playwright.config.ts';

const port = Number(process.env.SCALE_OUT_PORT ?? 3300);
const origin = `http://127.0.0.1:${port}`;

export default defineConfig({
  ...main,
  testMatch: ['tasks.spec.ts'],
  reporter: [['list'], ['json', { outputFile: '../.test-results/playwright-scale-out.json' }]],
  outputDir: '../.test-results/playwright-scale-out',
  use: { ...main.use, baseURL: origin },
  webServer: {
    command: 'tsx --conditions=@taskgate/source ../test/scale-out/serve-scaled-system.ts',
    url: `${origin}/readyz`,
    env: { SCALE_OUT_PORT: String(port) },
    timeout: 120_000,
    reuseExistingServer: false,
    stdout: 'pipe',
    stderr: 'pipe',
    gracefulShutdown: { signal: 'SIGTERM', timeout: 20_000 },
  },
});
