// Why a subscription's event stream ended, and what the SSE link does next (README "How a stream
// ends"). Pure, so every branch is unit-tested (web/test/client/stream-ends.test.ts).

export type StreamEnd =
  /** The API refused the token: `UNAUTHENTICATED` as the stream's last payload (exp, revocation), or HTTP 401 before it opened. */
  | { kind: 'unauthenticated'; opened: boolean }
  /** `complete` with no error: the API replica is stopping. */
  | { kind: 'completed' }
  /** No answer, a dropped connection, or refused with this HTTP status (429, 503 …). */
  | { kind: 'failed'; status?: number | undefined }
  /** The token store found no session (SessionEndedError): it has already reported it. */
  | { kind: 'session-ended' }
  /** Anything else (another GraphQL error in the stream, a protocol error): retrying would repeat it. */
  | { kind: 'broken'; error: unknown };

export type NextStep =
  | { action: 'refresh-token-and-reopen' }
  | { action: 'reopen'; afterMs: number }
  | { action: 'end-session' }
  | { action: 'stop'; error?: unknown };

export interface RetryState {
  /** Ends in a row without a stream having opened in between. */
  failures: number;
  /** The previous attempt was refused with HTTP 401 before a stream opened (after a token refresh). */
  refusedBefore: boolean;
}

const BASE_DELAY_MS = 1_000;
const MAX_DELAY_MS = 30_000;
/** graphql-yoga answers 503 with Retry-After: 5 (a CORS response does not let the page read it). */
const UNAVAILABLE_DELAY_MS = 5_000;
/** 429: this user has too many streams open (SUBSCRIPTIONS_PER_USER); retrying often would not help. */
const TOO_MANY_DELAY_MS = 30_000;

export function nextStep(end: StreamEnd, state: RetryState, random: () => number = Math.random): NextStep {
  switch (end.kind) {
    case 'unauthenticated':
      // A stream that opened and then ended at exp or revocation gets a new token at once; a token
      // refused before any stream opened, twice in a row, means the session is over (as the error link).
      return !end.opened && state.refusedBefore ? { action: 'end-session' } : { action: 'refresh-token-and-reopen' };
    case 'completed':
    case 'failed':
      return { action: 'reopen', afterMs: reopenDelayMs(end, state.failures, random) };
    case 'session-ended':
      return { action: 'stop' };
    case 'broken':
      return { action: 'stop', error: end.error };
  }
}

/** Exponential back-off with jitter (half to all of the step), so tabs cut off together do not return together. */
export function reopenDelayMs(end: StreamEnd, failures: number, random: () => number = Math.random): number {
  const step = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** failures);
  const delay = step * (0.5 + random() / 2);
  if (end.kind === 'failed' && end.status === 429) return Math.max(delay, TOO_MANY_DELAY_MS);
  if (end.kind === 'failed' && end.status === 503) return Math.max(delay, UNAVAILABLE_DELAY_MS);
  return delay;
}
