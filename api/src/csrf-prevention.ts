// CSRF prevention, by graphql-yoga's own plugin: a request a browser would send cross-site WITHOUT a
// CORS preflight (a GET, or a POST whose content type is text/plain, application/x-www-form-urlencoded
// or multipart/form-data, i.e. what an HTML form or a "simple" fetch can send) must carry CSRF_HEADER,
// which no page on another origin can set without passing the preflight that CORS (WEB_ORIGIN only)
// refuses. A JSON POST is preflighted by every browser and needs nothing. Refused with 403 before parsing.
//
// The one addition: the plugin's error has no `extensions.code`, and every refusal here has a stable one.
import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/** Yoga's conventional header; the web app's Apollo link and the GraphiQL page send it. */
export const CSRF_HEADER = 'x-graphql-yoga-csrf';

export function useCsrfPrevention(): Plugin {
  const { onRequestParse } = useCSRFPrevention({ requestHeaders: [CSRF_HEADER] });
  return {
    onRequestParse(payload) {
      try {
        return onRequestParse!(payload);
      } catch {
        // The hook's only failure is its refusal: the same 403, with a code.
        throw new GraphQLError(`Requests without a JSON body must carry the ${CSRF_HEADER} header`, {
          extensions: { code: 'CSRF_HEADER_REQUIRED', http: { status: 403 } },
        });
      }
    },
  };
}
