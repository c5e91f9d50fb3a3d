// Clear 4xx answers for request bodies Yoga cannot or should not read, where graphql-yoga 5.24 falls
// short (upstream behaviour, kept to this file):
//  - an unsupported Content-Type gets Yoga's bare `415` with an empty body (server.js, "no request
//    parser"): here it gets the usual `{ errors: [...] }` naming what to send instead;
//  - a JSON body that is not valid UTF-8 is decoded leniently (WHATWG `request.json()` turns bad
//    bytes into U+FFFD, which would then be stored): here it is refused with 400.
import { isUtf8 } from 'node:buffer';
import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';

export function useRequestFormatChecks(): Plugin {
  return {
    onRequestParse({ request, requestParser, setRequestParser, fetchAPI }) {
      // Yoga's own parsers (GET, JSON, multipart, application/graphql, form) ran before this plugin;
      // other methods than GET and POST are left to Yoga's 405.
      if (!requestParser && request.method === 'POST') {
        const contentType = request.headers.get('content-type');
        throw new GraphQLError(
          `Unsupported Content-Type ${contentType ? `"${contentType.slice(0, 100)}"` : '(none)'}: send a POST with Content-Type: application/json`,
          { extensions: { code: 'UNSUPPORTED_MEDIA_TYPE', http: { status: 415 } } },
        );
      }
      if (!requestParser || request.method !== 'POST' || request.body === null || !isJson(request.headers.get('content-type'))) return;
      const parseJson = requestParser;
      // Yoga's body-size limit wraps this parser in turn, so the body read here is already bounded.
      setRequestParser(async (limitedRequest) => {
        const bytes = new Uint8Array(await limitedRequest.arrayBuffer());
        if (!isUtf8(bytes)) {
          throw new GraphQLError('Request body is not valid UTF-8', { extensions: { code: 'BAD_REQUEST', http: { status: 400 } } });
        }
        return parseJson(new fetchAPI.Request(limitedRequest.url, { method: 'POST', headers: limitedRequest.headers, body: bytes }));
      });
    },
  };
}

function isJson(contentType: string | null): boolean {
  const type = contentType?.split(';')[0]?.trim().toLowerCase();
  return type === 'application/json' || type === 'application/graphql+json';
}
