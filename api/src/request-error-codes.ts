// Every error a client's mistake causes carries a stable `extensions.code`, as the rest of the API's
// errors do (README, "Errors"): clients branch on codes, never on messages.
//
// Upstream limitation, worked around here: the executor refuses a request whose variables do not
// coerce ('Variable "$first" got invalid value "ten"; …') or that names no operation it can run
// ('Unknown operation named "X".') with a 400 before any field runs, and those errors carry no code.
// They get the codes Yoga and Apollo Server use for the same mistakes.
import { handleStreamOrSingleExecutionResult, type Plugin } from 'graphql-yoga';

const VARIABLE_ERROR = /^(Variable "\$|Too many errors processing variables)/;

export function useRequestErrorCodes(): Plugin {
  return {
    onExecute: () => ({
      onExecuteDone: (payload) =>
        handleStreamOrSingleExecutionResult(payload, ({ result }) => {
          // A result with data ran its fields: resolvers' errors carry their own codes (or are masked).
          if ('data' in result) return;
          for (const error of result.errors ?? []) {
            // The executor's errors here are plain GraphQLErrors with an extensions object of their own.
            const extensions = error.extensions as Record<string, unknown>;
            extensions.code ??= VARIABLE_ERROR.test(error.message) ? 'BAD_USER_INPUT' : 'OPERATION_RESOLUTION_FAILURE';
          }
        }),
    }),
  };
}
