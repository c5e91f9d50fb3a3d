// Redis unreachable (docs/decisions/0009-sign-in-fails-closed-without-redis.md): sign-in and sign-up fail
// closed with a 503 that says so, while a signed-in person keeps their session from PostgreSQL; when Redis
// returns, everything works again with nothing restarted. A TCP proxy between the web server and Redis
// cuts the connection, so the shared Redis itself is never stopped.
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { startDatabaseProxy as startTcpProxy, type DatabaseProxy as TcpProxy } from '../../../api/test/faults/support/tcp-proxy.ts';
import { RATE_LIMIT_UNAVAILABLE, RATE_LIMIT_UNAVAILABLE_RETRY_AFTER } from '../../server/rate-limit-unavailable.ts';
import { apiJwtSettings, createTestApi } from './api-client.ts';
import { createWebHarness, sessionTokenFrom, uniqueEmail, type WebHarness } from './harness.ts';
import { describeWithRedis, openTestRedisKeys, testRedisUrl, type TestRedisKeys } from './test-redis.ts';

describeWithRedis('Redis unreachable', () => {
  let keys: TestRedisKeys;
  let proxy: TcpProxy;
  let web: WebHarness;
  let nextAddress = 1;
  /** A client IP of its own for each attempt, so no limit is ever reached in this file by accident. */
  const freshClient = () => ({ socketAddress: `198.51.100.${nextAddress++}` });

  beforeAll(async () => {
    keys = openTestRedisKeys();
    proxy = await startTcpProxy(testRedisUrl);
    web = createWebHarness({ REDIS_URL: proxy.url, REDIS_KEY_PREFIX: keys.prefix, AUTH_RATE_LIMIT: 'true' });
    await web.redisReady();
  });
  afterEach(async () => {
    await proxy.setMode('forward');
    await web.redisReady();
  });
  afterAll(async () => {
    await web?.close();
    await proxy?.close();
    await keys?.close();
  });

  it('refuses sign-in and sign-up with 503, Retry-After and RATE_LIMIT_UNAVAILABLE, never a 500 or a stack', async () => {
    const { credentials } = await web.newSession('before-outage', freshClient());
    await proxy.setMode('refuse');

    const signIn = await web.signIn(credentials, freshClient());
    const signUp = await web.signUp({ email: uniqueEmail('during-outage'), password: 'long enough password' }, freshClient());
    for (const refused of [signIn, signUp]) {
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toBe(String(RATE_LIMIT_UNAVAILABLE_RETRY_AFTER));
      expect(refused.headers.get('content-type')).toMatch(/^application\/json/);
      const text = await refused.text();
      expect(JSON.parse(text)).toEqual({ code: RATE_LIMIT_UNAVAILABLE, message: expect.any(String) });
      expect(text).not.toMatch(/Error|\bat \S+:\d+|redis|ioredis/i);
      expect(refused.headers.get('set-cookie')).toBeNull();
    }
  });

  it('keeps a signed-in person signed in: get-session and GET /api/auth/token answer from PostgreSQL, and the API accepts the token', async () => {
    const { cookie, credentials } = await web.newSession('signed-in', freshClient());
    await proxy.setMode('refuse');

    const session = await web.request('/api/auth/get-session', { headers: { cookie }, ...freshClient() });
    expect(session.status).toBe(200);
    expect(((await session.json()) as { user: { email: string } } | null)?.user.email).toBe(credentials.email);

    const tokenResponse = await web.request('/api/auth/token', { headers: { cookie }, ...freshClient() });
    expect(tokenResponse.status).toBe(200);
    const { token } = (await tokenResponse.json()) as { token: string };
    // The API (hs256 mode) verifies on its own: it never needed Redis.
    const me = await createTestApi(web.prisma, apiJwtSettings()).me(token);
    expect(me).toMatchObject({ status: 200, email: credentials.email });
  });

  it('still signs a person out, in PostgreSQL; a cached copy Redis kept is gone within JWT_EXPIRES_IN of its return', async () => {
    const shortLived = createWebHarness({ REDIS_URL: proxy.url, REDIS_KEY_PREFIX: keys.prefix, AUTH_RATE_LIMIT: 'true', JWT_EXPIRES_IN: '2s' });
    try {
      await shortLived.redisReady();
      const { cookie } = await shortLived.newSession('signing-out', freshClient());
      await proxy.setMode('refuse');

      const signOut = await shortLived.request('/api/auth/sign-out', { method: 'POST', headers: { cookie, origin: shortLived.config.publicUrl }, ...freshClient() });
      expect(signOut.status).toBe(200);
      const getSession = () => shortLived.request('/api/auth/get-session', { headers: { cookie }, ...freshClient() }).then((response) => response.json());
      expect(await getSession()).toBeNull();

      // Redis never heard of the sign-out and still holds its copy: until that expires it may answer for
      // the session (the bound: docs/decisions/0009).
      await proxy.setMode('forward');
      await shortLived.redisReady();
      const returned = Date.now();
      expect(await keys.ttl(sessionTokenFrom(cookie))).toBeGreaterThan(0);
      while ((await getSession()) !== null) await sleep(100);
      expect(Date.now() - returned).toBeLessThanOrEqual(shortLived.config.accessToken.lifetimeSeconds * 1000 + 500);
    } finally {
      await shortLived.close();
    }
  });

  it('fails fast when Redis accepts connections but never answers (a network partition)', async () => {
    const { credentials } = await web.newSession('partition', freshClient());
    await proxy.setMode('blackhole');

    const started = Date.now();
    expect((await web.signIn(credentials, freshClient())).status).toBe(503);
    expect(Date.now() - started).toBeLessThan(2_500);
  });

  it('recovers by itself when Redis returns: sign-in works again with nothing restarted', async () => {
    const { credentials } = await web.newSession('recovery', freshClient());
    await proxy.setMode('refuse');
    expect((await web.signIn(credentials, freshClient())).status).toBe(503);

    await proxy.setMode('forward');
    const deadline = Date.now() + 10_000;
    let signIn = await web.signIn(credentials, freshClient());
    while (signIn.status === 503 && Date.now() < deadline) {
      await sleep(100);
      signIn = await web.signIn(credentials, freshClient());
    }
    expect(signIn.status).toBe(200);
    expect(signIn.headers.get('set-cookie')).toContain('better-auth.session_token=');
  });
});

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
