// CSRF prevention: a request a browser would send cross-site WITHOUT a CORS preflight (a GET, or a
// POST whose content type is text/plain, application/x-www-form-urlencoded or multipart/form-data,
// i.e. what an HTML form or a "simple" fetch can send) must carry CSRF_HEADER, which no page on
// another origin can set without passing the preflight that CORS (WEB_ORIGIN only) refuses.
// A JSON POST is preflighted by every browser and needs nothing. Refused with 403 before parsing.
//
// Upstream limitation: graphql-yoga 5.24 has no `csrfPrevention` option; the same rule ships as the
// separate @graphql-yoga/plugin-csrf-prevention, which this workspace does not install. This plugin
// keeps that package's semantics and header name, so replacing it is a one-line change in yoga.ts.
import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/** Yoga's conventional header; the web app's Apollo link and the GraphiQL page send it. */
export const CSRF_HEADER = 'x-graphql-yoga-csrf';

/** Content types a cross-origin page may POST without a preflight (Fetch standard, CORS-safelisted). */
const SIMPLE_CONTENT_TYPES = ['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain'];

function isPreflighted(contentType: string | null): boolean {
  if (!contentType) return false;
  const type = contentType.toLowerCase();
  return !SIMPLE_CONTENT_TYPES.some((simple) => type.startsWith(simple));
}

export function useCsrfPrevention(): Plugin {
  return {
    onRequestParse({ request }) {
      if (isPreflighted(request.headers.get('content-type')) || request.headers.has(CSRF_HEADER)) return;
      throw new GraphQLError(`Requests without a JSON body must carry the ${CSRF_HEADER} header`, {
        extensions: { code: 'CSRF_HEADER_REQUIRED', http: { status: 403 } },
      });
    },
  };
}
