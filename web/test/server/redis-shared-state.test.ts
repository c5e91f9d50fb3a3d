// With REDIS_URL, web replicas share what must be shared: the sign-in limit counts the attempts made on
// every replica together, and a session outlives Redis losing its data because PostgreSQL keeps it too.
// Two harnesses are two replicas: each has its own Prisma client and its own Redis connection.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SIGN_IN_LIMIT } from '../../server/auth.ts';
import { createWebHarness, sessionTokenFrom, type WebHarness } from './harness.ts';
import { describeWithRedis, openTestRedisKeys, testRedisUrl, type TestRedisKeys } from './test-redis.ts';

describeWithRedis('web replicas sharing one Redis', () => {
  let keys: TestRedisKeys;
  let replicaA: WebHarness;
  let replicaB: WebHarness;

  beforeAll(async () => {
    keys = openTestRedisKeys();
    const env = { REDIS_URL: testRedisUrl, REDIS_KEY_PREFIX: keys.prefix, AUTH_RATE_LIMIT: 'true' };
    replicaA = createWebHarness(env);
    replicaB = createWebHarness(env);
    await Promise.all([replicaA.redisReady(), replicaB.redisReady()]);
  });
  afterAll(() => Promise.all([replicaA?.close(), replicaB?.close(), keys?.close()]));

  it('counts sign-in attempts made on either replica against one limit per client IP: the 11th gets 429 with Retry-After', async () => {
    const { credentials } = await replicaA.newSession('shared-limit', { socketAddress: '203.0.113.80' });
    const guesser = { socketAddress: '203.0.113.81' };
    for (let i = 0; i < SIGN_IN_LIMIT.max; i++) {
      const replica = i % 2 === 0 ? replicaA : replicaB;
      expect((await replica.signIn({ email: credentials.email, password: 'a wrong guess' }, guesser)).status).toBe(401);
    }

    for (const replica of [replicaA, replicaB]) {
      // Even the right password: the limit is reached, whichever replica the balancer picks.
      const limited = await replica.signIn(credentials, guesser);
      expect(limited.status).toBe(429);
      const retryAfter = Number(limited.headers.get('retry-after'));
      expect(Number.isInteger(retryAfter)).toBe(true);
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(SIGN_IN_LIMIT.window);
    }
    // Another client is not affected.
    expect((await replicaB.signIn(credentials, { socketAddress: '203.0.113.82' })).status).toBe(200);

    // The count lives in Redis (not in this test process's memory, which both harnesses also share):
    // it is there, and once it is gone the client may sign in again.
    const counter = `${guesser.socketAddress}|/sign-in/email`;
    expect(await keys.get(counter)).toBe(String(SIGN_IN_LIMIT.max + 2));
    await keys.delete(counter);
    expect((await replicaA.signIn(credentials, guesser)).status).toBe(200);
  });

  it('keeps a person signed in when Redis loses its data: get-session and GET /api/auth/token answer from PostgreSQL', async () => {
    const { cookie, userId } = await replicaA.newSession('survivor', { socketAddress: '203.0.113.83' });
    expect(await keys.list()).toContain(sessionTokenFrom(cookie));

    await keys.wipe();
    expect(await keys.list()).toEqual([]);

    for (const replica of [replicaA, replicaB]) {
      const session = await replica.request('/api/auth/get-session', { headers: { cookie } });
      expect(session.status).toBe(200);
      expect(((await session.json()) as { user: { id: string } } | null)?.user.id).toBe(userId);
      const token = await replica.request('/api/auth/token', { headers: { cookie } });
      expect(token.status).toBe(200);
      expect(await token.json()).toEqual({ token: expect.any(String) });
    }
  });

  it('caches a session in Redis no longer than an access token lives (JWT_EXPIRES_IN), while PostgreSQL keeps it for days', async () => {
    const { cookie } = await replicaB.newSession('cached', { socketAddress: '203.0.113.84' });
    const token = sessionTokenFrom(cookie);

    const secondsInRedis = await keys.ttl(token);
    expect(secondsInRedis).toBeGreaterThan(0);
    expect(secondsInRedis).toBeLessThanOrEqual(replicaB.config.accessToken.lifetimeSeconds);

    const stored = await replicaB.prisma.session.findUniqueOrThrow({ where: { token } });
    expect(stored.expiresAt.getTime() - Date.now()).toBeGreaterThan(6 * 86400 * 1000);
  });
});

