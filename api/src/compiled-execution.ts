// Operations run as code compiled once per document (graphql-jit) instead of being interpreted on
// every request by graphql-js' executor: less CPU per request (docs/decisions/0012-lean-hot-reads.md).
//
// Upstream limitation, worked around here: graphql-jit coerces variables itself and answers a
// wrong-typed variable with a plain 200 error, where the standard executor gives Yoga the request
// error it answers with 400 BAD_USER_INPUT. So a request whose variables do not coerce — a client's
// mistake — runs on the standard executor, which reports it the usual way. Subscriptions too stay on
// the standard executor, whose streams the rest of the API manages.
import { useGraphQlJit } from '@envelop/graphql-jit';
import { getOperationAST, getVariableValues, type DocumentNode, type GraphQLSchema } from 'graphql';
import type { Plugin } from 'graphql-yoga';

interface ExecutionArgs {
  schema: GraphQLSchema;
  document: DocumentNode;
  operationName?: string | null;
  variableValues?: Record<string, unknown> | null;
}

export function useCompiledExecution(): Plugin {
  return useGraphQlJit({}, { enableIf: (args: ExecutionArgs) => compilable(args) }) as Plugin;
}

function compilable({ schema, document, operationName, variableValues }: ExecutionArgs): boolean {
  const operation = getOperationAST(document, operationName);
  if (!operation || operation.operation === 'subscription') return false;
  const definitions = operation.variableDefinitions ?? [];
  return definitions.length === 0 || getVariableValues(schema, definitions, variableValues ?? {}).errors === undefined;
}
