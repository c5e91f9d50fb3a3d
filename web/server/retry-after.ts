// Better Auth 1.7.25 answers 429 with only a non-standard X-Retry-After header; browsers, HTTP clients
// and proxies read the standard Retry-After (RFC 9110 §10.2.3), so it is copied over here.
export function withRetryAfter(response: Response): Response {
  const seconds = response.headers.get('x-retry-after');
  if (response.status === 429 && seconds && !response.headers.has('retry-after')) {
    response.headers.set('Retry-After', seconds);
  }
  return response;
}
