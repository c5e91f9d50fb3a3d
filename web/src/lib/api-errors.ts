// Turns what Apollo Client reports into words for people. The API's error codes are the contract
// (README "Errors"); messages are only shown after mapping them to the form's own field labels.
import { CombinedGraphQLErrors, ServerError, ServerParseError } from '@apollo/client/errors';

export interface InputErrors {
  /** Message per argument path the API named in `extensions.field`, e.g. "input.title". */
  fields: Record<string, string>;
  /** What cannot be shown next to a field; null when everything was. */
  general: string | null;
}

/**
 * Splits an operation error into messages for the form's fields (BAD_USER_INPUT with a known
 * `extensions.field`) and one general message. `labels` maps argument paths to field labels.
 */
export function inputErrorsOf(error: unknown, labels: Record<string, string>): InputErrors {
  const fields: Record<string, string> = {};
  const rest: string[] = [];
  if (CombinedGraphQLErrors.is(error)) {
    for (const graphQLError of error.errors) {
      const field = graphQLError.extensions?.field;
      const label = typeof field === 'string' ? labels[field] : undefined;
      if (graphQLError.extensions?.code === 'BAD_USER_INPUT' && typeof field === 'string' && label) {
        // The API says "input.title: must not be empty"; the form says "Title must not be empty".
        const detail = graphQLError.message.startsWith(`${field}: `) ? graphQLError.message.slice(field.length + 2) : graphQLError.message;
        fields[field] ??= `${label} ${detail}`;
      } else {
        rest.push(describeApiError(error));
      }
    }
  } else if (error) {
    rest.push(describeApiError(error));
  }
  return { fields, general: rest[0] ?? null };
}

/** One sentence about a failed operation, with no internals (stack, SQL) in it. */
export function describeApiError(error: unknown): string {
  if (CombinedGraphQLErrors.is(error)) {
    const codes = error.errors.map((e) => e.extensions?.code);
    if (codes.includes('NOT_FOUND')) return 'That task no longer exists. It may have been deleted in another window.';
    if (codes.includes('UNAUTHENTICATED')) return 'Your session has ended, please sign in again';
    if (codes.includes('BAD_USER_INPUT')) return error.errors[0]?.message ?? 'The request was not valid.';
    return 'The task service could not complete the request. Please try again.';
  }
  if (ServerError.is(error)) {
    return error.statusCode >= 500
      ? 'The task service is having trouble right now. Please try again in a moment.'
      : `The task service refused the request (HTTP ${error.statusCode}).`;
  }
  if (ServerParseError.is(error)) return 'The task service sent an unreadable answer. Please try again.';
  return 'Could not reach the task service. Check your connection and try again.';
}
