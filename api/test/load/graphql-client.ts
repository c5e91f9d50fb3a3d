// GraphQL over real HTTP, sent the way the web app's Apollo Client sends it: a JSON POST with the
// GraphQL-over-HTTP accept header and `Authorization: Bearer`. Used by the load and fault tests, which
// talk to a listening API (in-process or a child process) rather than to `api.fetch`.

/** What Apollo Client 4 sends; under this media type request errors are 4xx (GraphQL over HTTP). */
export const APOLLO_ACCEPT = 'application/graphql-response+json, application/json;q=0.9';

export interface GraphQLRequest {
  query: string;
  variables?: Record<string, unknown>;
  operationName?: string;
  token?: string | null;
}

export interface GraphQLError {
  message: string;
  path?: (string | number)[];
  extensions?: Record<string, unknown>;
}

export interface GraphQLHttpResponse<T = any> {
  status: number;
  headers: Headers;
  /** The raw body, for checks on what the server must never say (stack traces, driver text). */
  text: string;
  /** The parsed body; null when it was not JSON. */
  body: { data?: T | null; errors?: GraphQLError[] } | null;
}

export function graphqlHeaders(token?: string | null): Record<string, string> {
  return {
    'content-type': 'application/json',
    accept: APOLLO_ACCEPT,
    ...(token ? { authorization: `Bearer ${token}` } : {}),
  };
}

export async function postGraphQL<T = any>(endpoint: string, request: GraphQLRequest): Promise<GraphQLHttpResponse<T>> {
  const { token, ...payload } = request;
  const response = await fetch(endpoint, { method: 'POST', headers: graphqlHeaders(token), body: JSON.stringify(payload) });
  return readResponse<T>(response);
}

export async function readResponse<T = any>(response: Response): Promise<GraphQLHttpResponse<T>> {
  const text = await response.text();
  let body: GraphQLHttpResponse<T>['body'] = null;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON: left null, the raw text is kept.
  }
  return { status: response.status, headers: response.headers, text, body };
}
