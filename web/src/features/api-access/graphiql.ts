// Opening the API's own GraphiQL page (GET /graphql with Accept: text/html) as the signed-in person.
//
// The page takes the starter query from `?query=` and the request headers from the URL *fragment*
// (`#headers=<JSON>`, read by the API's page in api/src/graphiql-page.ts): browsers never send a
// fragment to a server, so the token reaches the API only as the Authorization header of the queries
// the person runs. The page removes the fragment from the address bar as soon as it has read it.

const STARTER_QUERY = `# Your Authorization header is already in Headers (below). Run with Ctrl-Enter.
query MyTasks {
  me {
    email
  }
  tasks(first: 10) {
    edges {
      node {
        id
        title
        completed
        createdAt
      }
    }
  }
}
`;

export function graphiqlUrl(apiUrl: string, token: string): string {
  const url = new URL(apiUrl);
  url.searchParams.set('query', STARTER_QUERY);
  url.hash = `headers=${encodeURIComponent(authorizationHeaders(token))}`;
  return url.href;
}

/** The JSON GraphiQL's Headers editor expects. */
export function authorizationHeaders(token: string): string {
  return JSON.stringify({ Authorization: `Bearer ${token}` }, null, 2);
}
