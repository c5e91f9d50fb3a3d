// Sign-in and sign-up are rate-limited per client IP, and the client IP cannot be chosen by the client:
// it is the socket's peer address, or X-Forwarded-For's last hop only when TRUST_PROXY says a proxy
// writes it. Each test uses its own addresses: Better Auth's memory store is shared by every instance.
import { afterAll, describe, expect, it } from 'vitest';
import { SIGN_IN_LIMIT, SIGN_UP_LIMIT } from '../../server/auth.ts';
import { CLIENT_IP_HEADER } from '../../server/client-ip.ts';
import { createWebHarness, uniqueEmail, type RequestOptions, type WebHarness } from './harness.ts';

const direct = createWebHarness({ AUTH_RATE_LIMIT: 'true', TRUST_PROXY: 'false' });
const behindProxy = createWebHarness({ AUTH_RATE_LIMIT: 'true', TRUST_PROXY: 'true' });
afterAll(() => Promise.all([direct.close(), behindProxy.close()]));

const PROXY_ADDRESS = '10.0.0.2';

/** A sign-in attempt with a wrong password for an unknown email: 401 while under the limit. */
function attemptSignIn(web: WebHarness, options: RequestOptions): Promise<Response> {
  return web.signIn({ email: uniqueEmail('attempt'), password: 'guessing' }, options);
}

/**
 * A sign-in whose malformed email is refused with 400 before any password hashing: as much a request
 * to the limiter as a real attempt, ten times cheaper.
 */
function attemptMalformedSignIn(web: WebHarness, options: RequestOptions): Promise<Response> {
  return web.signIn({ email: 'not-an-email', password: 'guessing' }, options);
}

/** Uses up the sign-in allowance, each attempt shaped by `attempt(i)`; every one must get through. */
async function useUpSignIns(web: WebHarness, attempt: (i: number) => RequestOptions): Promise<void> {
  for (let i = 0; i < SIGN_IN_LIMIT.max; i++) {
    expect((await attemptMalformedSignIn(web, attempt(i))).status).toBe(400);
  }
}

describe('sign-in rate limit', () => {
  it('answers 429 with Retry-After once one IP has used up its attempts, and other IPs are unaffected', async () => {
    for (let i = 0; i < SIGN_IN_LIMIT.max; i++) {
      expect((await attemptSignIn(direct, { socketAddress: '203.0.113.10' })).status).toBe(401);
    }

    const limited = await attemptSignIn(direct, { socketAddress: '203.0.113.10' });
    expect(limited.status).toBe(429);
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(SIGN_IN_LIMIT.window);
    expect(await limited.json()).toEqual({ message: expect.stringMatching(/too many requests/i) });

    expect((await attemptSignIn(direct, { socketAddress: '203.0.113.11' })).status).toBe(401);
  });

  it('limits sign-up too', async () => {
    const options = { socketAddress: '203.0.113.20' };
    // Too-short passwords: refused quickly with 400, but every attempt counts against the limit.
    for (let i = 0; i < SIGN_UP_LIMIT.max; i++) {
      expect((await direct.signUp({ email: uniqueEmail('signup-limit'), password: 'short' }, options)).status).toBe(400);
    }
    const limited = await direct.signUp({ email: uniqueEmail('signup-limit'), password: 'long enough password' }, options);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
  });
});

describe('client IP', () => {
  it('ignores X-Forwarded-For without TRUST_PROXY: a new value per attempt does not escape the limit', async () => {
    const forged = (i: number) => ({ socketAddress: '203.0.113.30', headers: { 'x-forwarded-for': `198.51.100.${i + 1}` } });
    await useUpSignIns(direct, forged);
    expect((await attemptMalformedSignIn(direct, forged(99))).status).toBe(429);
  });

  it(`ignores a client-sent ${CLIENT_IP_HEADER} header`, async () => {
    const forged = (i: number) => ({ socketAddress: '203.0.113.40', headers: { [CLIENT_IP_HEADER]: `198.51.100.${i + 1}` } });
    await useUpSignIns(direct, forged);
    expect((await attemptMalformedSignIn(direct, forged(99))).status).toBe(429);
  });

  it('with TRUST_PROXY, takes the client from X-Forwarded-For: each client the proxy reports has its own limit', async () => {
    const viaProxy = (client: string) => ({ socketAddress: PROXY_ADDRESS, headers: { 'x-forwarded-for': client } });
    await useUpSignIns(behindProxy, () => viaProxy('198.51.100.50'));
    expect((await attemptMalformedSignIn(behindProxy, viaProxy('198.51.100.50'))).status).toBe(429);
    expect((await attemptMalformedSignIn(behindProxy, viaProxy('198.51.100.51'))).status).toBe(400);
  });

  it('with TRUST_PROXY, trusts only the hop the proxy appended, not addresses the client put before it', async () => {
    const chain = (i: number) => ({ socketAddress: PROXY_ADDRESS, headers: { 'x-forwarded-for': `192.0.2.${i + 1}, 198.51.100.60` } });
    await useUpSignIns(behindProxy, chain);
    expect((await attemptMalformedSignIn(behindProxy, chain(99))).status).toBe(429);
  });
});
