// Field suggestions ("Did you mean ...?") map the schema for anyone probing it. graphql-armor's
// blockFieldSuggestion (set up in graphql-limits.ts) masks them in validation errors.
//
// Upstream limitation: it masks validation errors only. An unknown input field inside *variables*
// fails later, in execution's variable coercion, whose message still says 'Did you mean "title"?';
// this hook masks those with the same text.
import { handleStreamOrSingleExecutionResult, type Plugin } from 'graphql-yoga';

export const SUGGESTION_MASK = '[Suggestion hidden]';

const SUGGESTION = / ?Did you mean .+\?/g;

export function useNoSuggestionsInVariableErrors(): Plugin {
  return {
    onExecute: () => ({
      onExecuteDone: (payload) =>
        handleStreamOrSingleExecutionResult(payload, ({ result }) => {
          // Only errors that carry a suggestion are touched (graphql-jit's errors have a read-only message).
          for (const error of result.errors ?? []) {
            if (error.message.includes('Did you mean')) error.message = error.message.replace(SUGGESTION, ` ${SUGGESTION_MASK}`);
          }
        }),
    }),
  };
}
