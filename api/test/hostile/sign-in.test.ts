// Hostile sign-in: password guessing against a real account through the web tier's own handler (the
// API never sees passwords). Once one address has used up its attempts, it gets 429, and even the
// right password gets no session from it. How the client address is found, and sign-up's limit, are
// tested in web/test/server/rate-limit.test.ts; this file uses that suite's harness.
import { afterAll, describe, expect, it } from 'vitest';
import { SIGN_IN_LIMIT } from '../../../web/server/auth.ts';
import { createWebHarness } from '../../../web/test/server/harness.ts';

const web = createWebHarness({ AUTH_RATE_LIMIT: 'true', TRUST_PROXY: 'false' });
afterAll(() => web.close());

const ATTACKER = '198.51.100.66';

describe('sign-in brute force', () => {
  it('guessing one account\'s password from one address ends in 429, and then even the right password gets no session', async () => {
    // Signing up counts against sign-up's own limit only.
    const { credentials } = await web.newSession('victim');

    for (let guess = 0; guess < SIGN_IN_LIMIT.max; guess++) {
      const response = await web.signIn({ email: credentials.email, password: `guess-${guess}` }, { socketAddress: ATTACKER });
      expect(response.status).toBe(401);
    }

    const limited = await web.signIn({ email: credentials.email, password: 'one more guess' }, { socketAddress: ATTACKER });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);

    const rightPassword = await web.signIn(credentials, { socketAddress: ATTACKER });
    expect(rightPassword.status).toBe(429);
    expect(rightPassword.headers.getSetCookie()).toEqual([]);

    // The account itself is not locked: its owner, elsewhere, still signs in.
    expect((await web.signIn(credentials, { socketAddress: '203.0.113.77' })).status).toBe(200);
  });
});
