// The request body's size limit (413 beyond MAX_REQUEST_BODY_BYTES), in place of Yoga's own
// `maxRequestBodySize`.
//
// Upstream limitation, worked around here: graphql-yoga 5.24 pipes every request body through a
// TransformStream to count its bytes, Content-Length or not; in Node that is a stream pipeline with an
// AbortController aborted, DOMException and all, on every request. Measured on the tasks page
// (docs/decisions/0012-lean-hot-reads.md): 15–24 % of the API's CPU per request. A body with a valid
// Content-Length needs no counting: Node's HTTP parser delivers exactly that many bytes or fails the
// request. So only a body without one (chunked) is counted, as it is read.
import { createGraphQLError, type Plugin } from 'graphql-yoga';

// One non-negative integer and nothing else (no sign, no list: request smuggling attempts).
const CONTENT_LENGTH = /^\d+$/;

export function useRequestBodyLimit(limit: number): Plugin {
  return {
    onRequestParse({ request, requestParser, setRequestParser, fetchAPI }) {
      const contentLength = request.headers.get('content-length');
      if (contentLength !== null) {
        if (!CONTENT_LENGTH.test(contentLength)) throw invalidContentLength();
        if (Number(contentLength) > limit) throw bodyTooLarge();
        return;
      }
      if (!requestParser || !request.body) return;
      const parse = requestParser;
      setRequestParser(async (unmeasured) => parse(new fetchAPI.Request(unmeasured.url, {
        method: unmeasured.method,
        headers: unmeasured.headers,
        signal: unmeasured.signal,
        body: await readUpTo(unmeasured.body!, limit),
      })));
    },
  };
}

/** The whole body, refused with 413 as soon as it passes `limit` bytes (the rest is never read). */
async function readUpTo(body: ReadableStream<Uint8Array>, limit: number): Promise<ArrayBuffer> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return joined(chunks, size);
    // whatwg-node's streams may hand over a string (a body given as text or URLSearchParams).
    const chunk: Uint8Array = typeof value === 'string' ? Buffer.from(value) : value;
    size += chunk.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw bodyTooLarge();
    }
    chunks.push(chunk);
  }
}

// The same errors, codes and statuses as Yoga's own limit.
function bodyTooLarge() {
  return createGraphQLError('Request body too large', { extensions: { http: { status: 413 }, code: 'REQUEST_ENTITY_TOO_LARGE' } });
}

function invalidContentLength() {
  return createGraphQLError('Content-Length header is invalid.', { extensions: { http: { status: 400 }, code: 'BAD_REQUEST' } });
}

function joined(chunks: Uint8Array[], size: number): ArrayBuffer {
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes.buffer;
}
