// Sign-up, sign-in and the session → access token exchange against the real database, and the token
// checked from the API's side with the API's own verifier and configuration.
import { loadConfig as loadApiConfig } from '@taskgate/api/config';
import { createAccessTokenVerifier } from '@taskgate/api/verify';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { afterAll, describe, expect, it } from 'vitest';
import { cookieHeaderFrom, createWebHarness, sessionTokenFrom, TEST_PASSWORD, testEnv, uniqueEmail } from './harness.ts';

const web = createWebHarness();
afterAll(() => web.close());

async function fetchToken(cookie: string): Promise<string> {
  const response = await web.request('/api/auth/token', { headers: { cookie } });
  expect(response.status).toBe(200);
  const { token } = (await response.json()) as { token: string };
  return token;
}

describe('sign-up', () => {
  it('creates the user and starts a session in an HttpOnly cookie', async () => {
    const email = uniqueEmail('signup');
    const response = await web.signUp({ email, password: TEST_PASSWORD });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { user: { id: string; email: string } };
    expect(body.user.email).toBe(email);

    const sessionCookie = response.headers.getSetCookie().find((cookie) => cookie.startsWith('better-auth.session_token='));
    expect(sessionCookie).toMatch(/HttpOnly/i);
    expect(sessionCookie).toMatch(/SameSite=Lax/i);
    const stored = await web.prisma.user.findUniqueOrThrow({ where: { email }, include: { accounts: true, sessions: true } });
    expect(stored.accounts).toHaveLength(1);
    expect(stored.accounts[0]?.password).not.toContain(TEST_PASSWORD);
    expect(stored.sessions).toHaveLength(1);
  });

  it('refuses a sign-up posted from another origin (CSRF)', async () => {
    const email = uniqueEmail('csrf');
    const response = await web.signUp({ email, password: TEST_PASSWORD }, { headers: { origin: 'https://evil.test' } });
    expect(response.status).toBe(403);
    expect(await web.prisma.user.count({ where: { email } })).toBe(0);
  });
});

describe('GET /api/auth/token', () => {
  it('exchanges the session cookie for an access token the API accepts', async () => {
    const { cookie, userId } = await web.newSession('token');
    const token = await fetchToken(cookie);

    // The API's own configuration, read from the same environment, and its own verifier.
    const verify = createAccessTokenVerifier(loadApiConfig(testEnv()).jwt);
    const result = await verify(token);
    expect(result).toEqual({ ok: true, identity: { userId, sessionId: expect.any(String), expiresAt: expect.any(Date) } });
  });

  it('issues a token with exactly sub, sid, iss, aud, iat and exp: no email, no name', async () => {
    const { cookie, userId } = await web.newSession('claims');
    const token = await fetchToken(cookie);

    expect(decodeProtectedHeader(token)).toEqual({ alg: 'HS256', typ: 'JWT' });
    const claims = decodeJwt(token);
    expect(Object.keys(claims).sort()).toEqual(['aud', 'exp', 'iat', 'iss', 'sid', 'sub']);
    expect(claims).toMatchObject({ sub: userId, iss: 'taskgate-web', aud: 'taskgate-api' });
    // sid names the session by its id, never by its token (the credential in the cookie).
    const session = await web.prisma.session.findUniqueOrThrow({ where: { token: sessionTokenFrom(cookie) } });
    expect(claims.sid).toBe(session.id);
    expect(claims.sid).not.toBe(session.token);
    expect(claims.exp! - claims.iat!).toBe(15 * 60);
    expect(Math.abs(claims.iat! - Date.now() / 1000)).toBeLessThan(10);
  });

  it('honours JWT_ISSUER, JWT_AUDIENCE and JWT_EXPIRES_IN', async () => {
    const custom = createWebHarness({ JWT_ISSUER: 'issuer-x', JWT_AUDIENCE: 'audience-y', JWT_EXPIRES_IN: '90s' });
    try {
      const { cookie } = await custom.newSession('custom');
      const response = await custom.request('/api/auth/token', { headers: { cookie } });
      const claims = decodeJwt(((await response.json()) as { token: string }).token);
      expect(claims).toMatchObject({ iss: 'issuer-x', aud: 'audience-y' });
      expect(claims.exp! - claims.iat!).toBe(90);
    } finally {
      await custom.close();
    }
  });

  it('refuses a request without a session', async () => {
    const response = await web.request('/api/auth/token');
    expect(response.status).toBe(401);
  });

  it('refuses a forged session cookie', async () => {
    const response = await web.request('/api/auth/token', { headers: { cookie: 'better-auth.session_token=forged.value' } });
    expect(response.status).toBe(401);
  });

  it('stops issuing tokens after sign-out', async () => {
    const { cookie } = await web.newSession('signout');
    const signOut = await web.request('/api/auth/sign-out', {
      method: 'POST',
      headers: { cookie, origin: web.config.publicUrl, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(signOut.status).toBe(200);
    expect((await web.request('/api/auth/token', { headers: { cookie } })).status).toBe(401);
  });

  it('publishes no JWKS: the tokens are HS256 with a shared secret', async () => {
    expect((await web.request('/api/auth/jwks')).status).toBe(404);
  });
});

describe('sign-in', () => {
  it('signs in with the right password and gets a working session', async () => {
    const { credentials, userId } = await web.newSession('signin');
    const response = await web.signIn(credentials);
    expect(response.status).toBe(200);
    const claims = decodeJwt(await fetchToken(cookieHeaderFrom(response)));
    expect(claims.sub).toBe(userId);
  });

  it('answers a wrong password and an unknown email identically, without saying which', async () => {
    const { credentials } = await web.newSession('wrongpw');
    const wrongPassword = await web.signIn({ email: credentials.email, password: 'not the password' });
    const unknownEmail = await web.signIn({ email: uniqueEmail('nobody'), password: 'not the password' });

    expect(wrongPassword.status).toBe(401);
    expect(unknownEmail.status).toBe(401);
    const wrongPasswordBody = await wrongPassword.json();
    expect(wrongPasswordBody).toEqual(await unknownEmail.json());
    expect(wrongPasswordBody).toMatchObject({ message: 'Invalid email or password' });
    expect(wrongPassword.headers.getSetCookie()).toEqual([]);
  });
});
