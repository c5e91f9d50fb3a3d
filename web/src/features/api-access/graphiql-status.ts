// Asks the API itself whether it serves its GraphiQL page: GET /graphiql-status (api/src/graphiql-status.ts),
// which answers without a token. The web server's own settings could differ from the API's; this cannot.

/** The API's path (api/src/graphiql-status.ts); the SPA bundle does not import API code. */
export const GRAPHIQL_STATUS_PATH = '/graphiql-status';

/** Beside the GraphQL endpoint, so a proxy that serves the API under a path prefix serves both. */
export function graphiqlStatusUrl(apiUrl: string): string {
  return new URL(`.${GRAPHIQL_STATUS_PATH}`, apiUrl).href;
}

/** True when GET <apiUrl> with Accept: text/html serves GraphiQL; throws when the API cannot tell us. */
export async function fetchGraphiqlStatus(apiUrl: string, signal?: AbortSignal): Promise<boolean> {
  const url = graphiqlStatusUrl(apiUrl);
  const response = await fetch(url, { headers: { accept: 'application/json' }, credentials: 'omit', cache: 'no-store', signal });
  if (!response.ok) throw new Error(`GET ${url} answered ${response.status}`);
  const body: unknown = await response.json();
  const graphiql = typeof body === 'object' && body !== null && 'graphiql' in body ? body.graphiql : undefined;
  if (typeof graphiql !== 'boolean') throw new Error(`GET ${url} gave no graphiql flag`);
  return graphiql;
}
