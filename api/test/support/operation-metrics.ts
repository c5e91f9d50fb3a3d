// What each GraphQL limit measures on a document, counted by the very plugins the API runs (their
// onAccept callbacks), so tests can print the web app's margins and build operations exactly at a limit.
import { Kind, visit, type DocumentNode, type GraphQLError } from 'graphql';
import { createYoga } from 'graphql-yoga';
import { useGraphQLLimits, type Limit } from '../../src/graphql-limits.ts';
import { withPageSizesWrittenIn } from '../../src/page-size-cost.ts';
import { schema } from '../../src/schema/index.ts';

export type OperationMetrics = Record<Limit, number>;

let sink: OperationMetrics | null = null;

// No parser/validation cache: every call must count again.
const yoga = createYoga({
  schema,
  logging: false,
  parserAndValidationCache: false,
  plugins: useGraphQLLimits({
    onMeasured: (limit, measured) => {
      // The token counter reports after every token: keep the highest.
      if (sink) sink[limit] = Math.max(sink[limit], measured);
    },
  }),
});

/**
 * Throws when the document is invalid or over a limit (the same errors the API would answer). The cost
 * is the one enforced at execution: page sizes from `variables` (or the default) written in.
 */
export function measureOperation(source: string, variables?: Record<string, unknown>): OperationMetrics {
  const { parse, validate, schema: enveloped } = yoga.getEnveloped({});
  sink = { maxDepth: 0, maxAliases: 0, maxDirectives: 0, maxTokens: 0, maxCost: 0 };
  try {
    const document = parse(source);
    // As the API validates it, then as the execution-time cost check sees it: page sizes written in.
    for (const checked of [document, withoutUnusedVariables(withPageSizesWrittenIn(enveloped, document, variables))]) {
      const errors: readonly GraphQLError[] = validate(enveloped, checked);
      if (errors.length > 0) throw new AggregateError(errors, errors.map((error) => error.message).join('; '));
    }
    return sink;
  } finally {
    sink = null;
  }
}

/** A page-size variable written in as a literal is no longer used; graphql-js would refuse the copy. */
function withoutUnusedVariables(document: DocumentNode): DocumentNode {
  const used = new Set<string>();
  visit(document, { VariableDefinition: () => false, Variable: (node) => void used.add(node.name.value) });
  return visit(document, {
    VariableDefinition: (node) => (used.has(node.variable.name.value) ? undefined : null),
  });
}
