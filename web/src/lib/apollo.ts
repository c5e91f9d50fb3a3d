// Apollo Client for the GraphQL API, which lives on another origin and knows nothing of cookies: every
// operation carries `Authorization: Bearer <access token>`. Links, outermost first:
//   errorLink  a 401 (UNAUTHENTICATED) refreshes the token once and retries the operation once;
//              a second 401 ends the session in the UI (as does a lost session: see access-token.ts).
//   authLink   attaches the current token (SetContextLink), fetching or refreshing it when needed.
//   httpLink   the request itself; credentials are omitted, the API takes the bearer token only.
// Subscriptions take another way from the start: sseLink (sse-link.ts) holds their event streams open,
// with the same token store and its own answer to each way a stream ends.
import { ApolloClient, ApolloLink, HttpLink, InMemoryCache } from '@apollo/client';
import type { ErrorLike } from '@apollo/client';
import { CombinedGraphQLErrors, ServerError, toErrorLike } from '@apollo/client/errors';
import { SetContextLink } from '@apollo/client/link/context';
import { ErrorLink } from '@apollo/client/link/error';
import { relayStylePagination } from '@apollo/client/utilities';
import { OperationTypeNode } from 'graphql';
import { Observable, type Subscription } from 'rxjs';
// With their extension so the API's tests (NodeNext resolution) can run this very client against the API.
import type { AccessTokenStore } from './access-token.ts';
import { createSseLink } from './sse-link.ts';

/** The API's CSRF prevention header (api/src/csrf-prevention.ts); the SPA bundle does not import API code. */
export const CSRF_HEADER = 'x-graphql-yoga-csrf';

export interface ApiClientOptions {
  /** The GraphQL endpoint, from GET /api/config. */
  apiUrl: string;
  accessTokens: AccessTokenStore;
  /** Called (possibly several times) when the API refuses even a freshly fetched token. */
  onSessionEnded: () => void;
}

export function createApiClient({ apiUrl, accessTokens, onSessionEnded }: ApiClientOptions): ApolloClient {
  // A missing session (SessionEndedError) is reported by the token store itself.
  const authLink = new SetContextLink(async (prevContext) => {
    const token = await accessTokens.get();
    // `accessToken` tells the error link which token the API refused, so concurrent 401s share one refresh.
    return { accessToken: token, headers: { ...prevContext.headers, authorization: `Bearer ${token}` } };
  });

  const errorLink = new ErrorLink(({ error, operation, forward }) => {
    if (!isUnauthenticated(error)) return;
    const rejected = String(operation.getContext().accessToken ?? '');
    return new Observable<ApolloLink.Result>((observer) => {
      let closed = false;
      let retry: Subscription | undefined;
      accessTokens.refreshAfterRejection(rejected).then(
        () => {
          if (closed) return;
          // The retry passes through authLink again (new token) but not through this link: one retry only.
          retry = forward(operation).subscribe({
            next: (result) => {
              if (resultIsUnauthenticated(result)) onSessionEnded();
              observer.next(result);
            },
            error: (retryError: unknown) => {
              if (isUnauthenticated(toErrorLike(retryError))) onSessionEnded();
              observer.error(retryError);
            },
            complete: () => observer.complete(),
          });
        },
        (refreshError: unknown) => observer.error(refreshError),
      );
      return () => {
        closed = true;
        retry?.unsubscribe();
      };
    });
  });

  // The CSRF header the API requires on any request a cross-site form could also send (api/src/csrf-prevention.ts).
  const csrfHeaders = { [CSRF_HEADER]: 'taskgate-web' };
  const httpLink = new HttpLink({ uri: apiUrl, credentials: 'omit', headers: csrfHeaders });
  const sseLink = createSseLink({ apiUrl, accessTokens, onSessionEnded, headers: csrfHeaders });

  return new ApolloClient({
    link: ApolloLink.split(
      (operation) => operation.operationType === OperationTypeNode.SUBSCRIPTION,
      sseLink,
      ApolloLink.from([errorLink, authLink, httpLink]),
    ),
    cache: createCache(),
  });
}

/** The client's cache; exported so the cache-update tests run against the same type policies. */
export function createCache(): InMemoryCache {
  return new InMemoryCache({
    typePolicies: {
      Query: {
        fields: {
          // One cached list per filter ({ completed, search }); "Load more" pages append to it.
          tasks: relayStylePagination(['filter']),
        },
      },
    },
  });
}

function isUnauthenticated(error: ErrorLike): boolean {
  if (CombinedGraphQLErrors.is(error)) return error.errors.some((e) => e.extensions?.code === 'UNAUTHENTICATED');
  return ServerError.is(error) && error.statusCode === 401;
}

function resultIsUnauthenticated(result: ApolloLink.Result): boolean {
  const errors = 'errors' in result ? result.errors : undefined;
  return Array.isArray(errors) && errors.some((e: { extensions?: { code?: unknown } }) => e.extensions?.code === 'UNAUTHENTICATED');
}
