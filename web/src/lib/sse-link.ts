// Subscriptions over Server-Sent Events as graphql-yoga serves them: graphql-sse's "distinct
// connections" mode, one POST answered `text/event-stream` per subscription. Apollo Client 4's
// HttpLink speaks multipart subscriptions instead, which graphql-yoga does not serve.
//
// A subscription lasts until its subscriber leaves, across the ends of its streams: each end is
// classified and answered as stream-ends.ts decides (new token and reopen, back-off and reopen, or
// the session is over). Events sent while no stream was open are not replayed, so every reopening
// is announced through the operation's `onStreamOpen` context for the caller to refetch.
import { ApolloLink } from '@apollo/client';
import { CombinedGraphQLErrors } from '@apollo/client/errors';
import { print } from '@apollo/client/utilities';
import { createClient, NetworkError, type ExecutionResult, type RequestParams } from 'graphql-sse';
import { Observable } from 'rxjs';
import { SessionEndedError, type AccessTokenStore } from './access-token.ts';
import { nextStep, type RetryState, type StreamEnd } from './stream-ends.ts';

declare module '@apollo/client' {
  interface DefaultContext {
    /** Called each time the subscription's stream opens; `reopened` is false only the first time. */
    onStreamOpen?: (reopened: boolean) => void;
  }
}

export interface SseLinkOptions {
  apiUrl: string;
  accessTokens: AccessTokenStore;
  /** Called when the API refuses even a freshly fetched token. */
  onSessionEnded: () => void;
  /** Sent with every stream request besides Authorization (the API's CSRF header). */
  headers: Record<string, string>;
}

export function createSseLink({ apiUrl, accessTokens, onSessionEnded, headers }: SseLinkOptions): ApolloLink {
  // The token each attempt was sent with, so that a refusal refreshes exactly that one.
  const tokenSentWith = new WeakMap<RequestParams, string>();
  const client = createClient({
    url: apiUrl,
    singleConnection: false,
    credentials: 'omit',
    // graphql-sse would retry network errors blind; this link knows why a stream ended and decides.
    retryAttempts: 0,
    // Called on every (re)connect: the token store hands out a token that is not about to expire.
    headers: async (request) => {
      try {
        const token = await accessTokens.get();
        tokenSentWith.set(request, token);
        return { ...headers, authorization: `Bearer ${token}` };
      } catch (error) {
        // No token for now (the web server unreachable): retryable, like a dropped connection.
        throw error instanceof SessionEndedError ? error : new NetworkError(error instanceof Error ? error : String(error));
      }
    },
    // Looked up per request, as HttpLink does (tests replace the global fetch).
    fetchFn: (input: RequestInfo | URL, init?: RequestInit) => fetch(input, init),
  });

  return new ApolloLink(
    (operation) =>
      new Observable<ApolloLink.Result>((observer) => {
        const params: RequestParams = {
          query: print(operation.query),
          variables: operation.variables,
          extensions: operation.extensions,
          ...(operation.operationName ? { operationName: operation.operationName } : {}),
        };
        const { onStreamOpen } = operation.getContext();
        const state: RetryState = { failures: 0, refusedBefore: false };
        let streamsOpened = 0;
        let closed = false;
        let dispose: (() => void) | undefined;
        let timer: ReturnType<typeof setTimeout> | undefined;

        const open = () => {
          if (closed) return;
          // A new object per attempt: graphql-sse hands it to `headers`, which records the token.
          const request = { ...params };
          let opened = false;
          let refused = false;
          let failedResult: ExecutionResult | undefined;
          dispose = client.subscribe(
            request,
            {
              next: (result: ExecutionResult) => {
                if (isUnauthenticated(result)) refused = true;
                else if (result.errors?.length) failedResult = result;
                else observer.next(result as ApolloLink.Result);
              },
              complete: () =>
                ended(
                  refused
                    ? { kind: 'unauthenticated', opened }
                    : failedResult
                      ? { kind: 'broken', error: new CombinedGraphQLErrors(failedResult as ApolloLink.Result) }
                      : { kind: 'completed' },
                  request,
                ),
              error: (error: unknown) => ended(endOf(error), request),
            },
            {
              connected: () => {
                opened = true;
                state.failures = 0;
                state.refusedBefore = false;
                onStreamOpen?.(streamsOpened++ > 0);
              },
            },
          );
        };

        const ended = (end: StreamEnd, request: RequestParams) => {
          if (closed) return;
          const step = nextStep(end, state);
          state.failures += 1;
          state.refusedBefore = end.kind === 'unauthenticated' && !end.opened;
          switch (step.action) {
            case 'refresh-token-and-reopen':
              accessTokens.refreshAfterRejection(tokenSentWith.get(request) ?? '').then(open, (error: unknown) => {
                // The token store has already reported a lost session; anything else is retried.
                if (error instanceof SessionEndedError) finish();
                else ended({ kind: 'failed' }, request);
              });
              return;
            case 'reopen':
              timer = setTimeout(open, step.afterMs);
              return;
            case 'end-session':
              onSessionEnded();
              finish();
              return;
            case 'stop':
              finish(step.error);
          }
        };

        const finish = (error?: unknown) => {
          closed = true;
          if (error === undefined) observer.complete();
          else observer.error(error);
        };

        open();
        return () => {
          closed = true;
          clearTimeout(timer);
          dispose?.();
        };
      }),
  );
}

/** A stream's error, as stream-ends.ts sees it: graphql-sse reports every HTTP and network failure as NetworkError. */
function endOf(error: unknown): StreamEnd {
  if (error instanceof SessionEndedError) return { kind: 'session-ended' };
  if (error instanceof NetworkError) {
    const status = error.response?.status;
    return status === 401 ? { kind: 'unauthenticated', opened: false } : { kind: 'failed', status };
  }
  return { kind: 'broken', error };
}

function isUnauthenticated(result: ExecutionResult): boolean {
  return result.errors?.some((error) => error.extensions?.code === 'UNAUTHENTICATED') ?? false;
}
