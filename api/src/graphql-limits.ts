// Abuse limits on every GraphQL operation, enforced by graphql-armor's envelop plugins before anything
// executes: depth, aliases, directives, tokens and cost. The numbers are chosen so the web app's own
// operations pass with a wide margin (api/test/graphql-limits.test.ts runs every one of them through
// these plugins and prints their measured size); the README quotes them from here.
import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { useCostOfPageSizes } from './page-size-cost.ts';
import { SUGGESTION_MASK, useNoSuggestionsInVariableErrors } from './suggestions-in-variable-errors.ts';

export const GRAPHQL_LIMITS = {
  /**
   * Field levels (fragments add none). The web app needs 4, GraphiQL's starter query 5. The schema's
   * one cycle, task → owner → tasks, costs 4 levels a turn: at 7 a page of tasks can still show each
   * owner, but no page of tasks can bring the nodes of a second page under it (that takes 8).
   */
  maxDepth: 7,
  /** Aliased fields per operation: one request cannot fan out into many copies of a field. */
  maxAliases: 10,
  /** Directives per operation (@include, @skip, ...). */
  maxDirectives: 10,
  /** Lexical tokens per document, counted while parsing: a huge document stops being parsed early. */
  maxTokens: 1000,
  /**
   * graphql-armor's cost: objects 2, scalars 1, ×1.5 per level, a connection's selection multiplied by
   * its page size, literal or from variables (page-size-cost.ts), 20 when left out. One page of 100
   * tasks with every field, owner and pageInfo costs 6,594; a page of tasks nested in another does not
   * fit.
   */
  maxCost: 10_000,
} as const;

/**
 * Largest request body the API reads (413 beyond it; request-body-limit.ts). The
 * biggest legitimate body, a task with a 200-character title and a 2000-character description, is
 * under 3 KB; 100 KB leaves room for hand-written GraphiQL queries and none for abuse.
 */
export const MAX_REQUEST_BODY_BYTES = 100 * 1024;

/** The stable `extensions.code` of each limit's error. */
export const LIMIT_ERROR_CODES = {
  maxDepth: 'QUERY_TOO_DEEP',
  maxAliases: 'TOO_MANY_ALIASES',
  maxDirectives: 'TOO_MANY_DIRECTIVES',
  maxTokens: 'TOO_MANY_TOKENS',
  maxCost: 'QUERY_TOO_COSTLY',
} as const;

export type Limit = keyof typeof GRAPHQL_LIMITS;
type ArmorConfig = NonNullable<Parameters<typeof EnvelopArmorPlugin>[0]>;
type RejectCallback = NonNullable<NonNullable<ArmorConfig['maxDepth']>['onReject']>[number];

// graphql-armor's own errors carry no code and read "Syntax Error: ..."; each limit gets its stable code.
// Yoga then answers them like any other invalid document: HTTP 400 under the GraphQL-over-HTTP media
// type (what Apollo Client asks for), 200 for clients accepting only application/json, as that spec
// prescribes. Validation rules report through their context; the token counter runs inside the
// parser, where there is none, and throws.
function rejectWith(limit: Limit): RejectCallback {
  return (context, armorError) => {
    const error = new GraphQLError(armorError.message.replace(/^Syntax Error: /, ''), {
      extensions: { code: LIMIT_ERROR_CODES[limit] },
    });
    if (context) context.reportError(error);
    else throw error;
  };
}

export interface GraphQLLimitsOptions {
  /** Called with what each limit measured on an operation it let through (tests print the margins). */
  onMeasured?: (limit: Limit, measured: number) => void;
}

export function useGraphQLLimits(options: GraphQLLimitsOptions = {}): Plugin[] {
  const limit = (name: Limit) => ({
    propagateOnRejection: false,
    onReject: [rejectWith(name)],
    onAccept: options.onMeasured ? [(_context: unknown, details: { n: number }) => options.onMeasured?.(name, details.n)] : [],
  });
  const costLimit = { maxCost: GRAPHQL_LIMITS.maxCost, flattenFragments: true, ...limit('maxCost') };
  const armor = EnvelopArmorPlugin({
    maxDepth: { n: GRAPHQL_LIMITS.maxDepth, flattenFragments: true, ...limit('maxDepth') },
    maxAliases: { n: GRAPHQL_LIMITS.maxAliases, ...limit('maxAliases') },
    maxDirectives: { n: GRAPHQL_LIMITS.maxDirectives, ...limit('maxDirectives') },
    maxTokens: { n: GRAPHQL_LIMITS.maxTokens, ...limit('maxTokens') },
    costLimit,
    // "Did you mean ...?" would map the schema for anyone probing it; masked for every caller.
    blockFieldSuggestion: { enabled: true, mask: SUGGESTION_MASK },
  }) as Plugin;
  return [armor, useCostOfPageSizes(costLimit), useNoSuggestionsInVariableErrors()];
}
