// GET /graphiql-status → {"graphiql": true|false}: whether this API serves its GraphiQL page
// (GRAPHIQL), so the web app offers "Open GraphiQL" only where it opens GraphiQL and not a 401.
//
// Unauthenticated, like /healthz, and answered before the authentication plugin. It tells what a GET
// of /graphql with Accept: text/html already shows anyone, and nothing about any user or request.
// Only a GET of exactly this path is answered here; every other request goes on to the default deny.
import type { Plugin } from 'graphql-yoga';

export const GRAPHIQL_STATUS_PATH = '/graphiql-status';

/** The body of GET /graphiql-status. */
export interface GraphiqlStatus {
  graphiql: boolean;
}

export function useGraphiqlStatus(graphiqlServed: boolean): Plugin {
  const body = JSON.stringify({ graphiql: graphiqlServed } satisfies GraphiqlStatus);
  return {
    onRequest({ request, url, endResponse, fetchAPI }) {
      if (request.method !== 'GET' || url.pathname !== GRAPHIQL_STATUS_PATH) return;
      endResponse(
        new fetchAPI.Response(body, {
          status: 200,
          // no-store: an operator's change of GRAPHIQL must show at the next check, not after a cache expires.
          headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
        }),
      );
    },
  };
}
