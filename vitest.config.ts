import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

// graphql 16 has no "exports": Node loads its CommonJS build for graphql-yoga and Pothos, while Vite
// would pick the "module" (.mjs) build for our sources — two graphql instances, and `instanceof
// GraphQLError` fails between them. Point everything at the build Node itself loads.
const graphqlForNode = createRequire(new URL('./api/package.json', import.meta.url)).resolve('graphql');

// Workspace packages export their TypeScript sources under this condition and their build otherwise;
// tests run the sources. Vitest resolves test files in the `ssr` environment and the global setup in
// its own `__vitest__` one, which does not inherit ssr's conditions.
const sourceFirst = { resolve: { conditions: ['@taskgate/source', 'node', 'development|production'] } };

export default defineConfig({
  resolve: {
    alias: [{ find: /^graphql$/, replacement: graphqlForNode }],
  },
  ssr: sourceFirst,
  environments: { __vitest__: sourceFirst },
  test: {
    include: ['api/test/**/*.test.ts', 'prisma/test/**/*.test.ts', 'web/test/server/**/*.test.ts', 'web/test/client/**/*.test.ts', 'test/deployment/**/*.test.ts'],
    globalSetup: ['./test/database.global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // The JSON report lets .ci/run print the plain "N passed, M failed" line CI reads.
    reporters: ['default', ['json', { outputFile: '.test-results/vitest.json' }]],
  },
});
