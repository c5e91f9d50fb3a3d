// GraphQL Code Generator: the web app's operations typed against the API's printed schema.
// `pnpm codegen` rewrites web/src/gql/; `pnpm codegen:check` (codegen's --check mode) fails when the
// committed files are stale, i.e. when an operation or api/schema.graphql changed without a rerun.
import type { CodegenConfig } from '@graphql-codegen/cli';

const config: CodegenConfig = {
  schema: 'api/schema.graphql',
  documents: ['web/src/**/*.{ts,tsx}', '!web/src/gql/**/*'],
  // A typo in an operation must fail the run, not produce a partial output.
  noSilentErrors: true,
  generates: {
    'web/src/gql/': {
      preset: 'client',
      presetConfig: {
        // Components receive plain typed objects; Apollo Client's own data masking stays off.
        fragmentMasking: false,
      },
      config: {
        useTypeImports: true,
        // Successor of `enumsAsTypes` in this codegen generation: enums as string-literal unions.
        enumType: 'string-literal',
        strictScalars: true,
        scalars: { DateTime: 'string' },
        defaultScalarType: 'unknown',
        // Apollo Client adds __typename to every selection (optimistic responses need it typed).
        nonOptionalTypename: true,
        skipTypeNameForRoot: true,
        avoidOptionals: { field: true, inputValue: false, object: false, defaultValue: false },
      },
    },
  },
};

export default config;
