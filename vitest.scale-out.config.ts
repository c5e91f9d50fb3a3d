// The scale-out suite (test/scale-out/): the built system as replicas behind HAProxy. Run on its own,
// after the main suite, so its load has the machine's cores to itself; it makes its own database.
import { defineConfig } from 'vitest/config';
import main from './vitest.config.ts';

export default defineConfig({
  resolve: main.resolve,
  ssr: main.ssr,
  environments: main.environments,
  test: {
    include: ['test/scale-out/**/*.test.ts'],
    testTimeout: 180_000,
    hookTimeout: 180_000,
    fileParallelism: false,
    reporters: ['default', ['json', { outputFile: '.test-results/vitest-scale-out.json' }]],
  },
});
