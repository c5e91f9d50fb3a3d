import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['api/test/**/*.test.ts', 'prisma/test/**/*.test.ts'],
    globalSetup: ['./test/database.global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // The JSON report lets .ci/run print the plain "N passed, M failed" line CI reads.
    reporters: ['default', ['json', { outputFile: '.test-results/vitest.json' }]],
  },
});
