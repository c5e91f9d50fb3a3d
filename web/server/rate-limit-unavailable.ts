// What sign-in, sign-up and every other rate-limited auth route except the session reads answer while the
// shared rate-limit store (Redis) cannot be reached: they fail closed
// (docs/decisions/0009-sign-in-fails-closed-without-redis.md). The body has the shape of Better Auth's own
// errors ({ code, message }), so the SPA reads the code the same way.

export const RATE_LIMIT_UNAVAILABLE = 'RATE_LIMIT_UNAVAILABLE';

/** Seconds a client should wait: the Redis client tries to reconnect at least once a second. */
export const RATE_LIMIT_UNAVAILABLE_RETRY_AFTER = 5;

/** Thrown by the rate limiter's storage when it cannot count an attempt; app.ts answers 503. */
export class RateLimitUnavailableError extends Error {
  override name = 'RateLimitUnavailableError';
  constructor(options?: ErrorOptions) {
    super('The shared rate-limit store (Redis) did not answer', options);
  }
}

export function rateLimitUnavailableResponse(): Response {
  return Response.json(
    { code: RATE_LIMIT_UNAVAILABLE, message: 'Briefly unavailable: attempts cannot be counted right now. Please try again in a few seconds.' },
    { status: 503, headers: { 'Retry-After': String(RATE_LIMIT_UNAVAILABLE_RETRY_AFTER), 'Cache-Control': 'no-store' } },
  );
}
