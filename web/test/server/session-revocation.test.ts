// Ending a session revokes its access tokens before exp: sign-out and Better Auth's revoke endpoints
// record the session's id in revoked_session (and, with REDIS_URL, publish it), and an API process
// wired as in production (its live updates: PostgreSQL or Redis) refuses the token within 1 s.
import { createApi } from '@taskgate/api/yoga';
import { startLiveUpdates, type LiveUpdates } from '@taskgate/api/live-updates';
import { createPrismaClient } from '@taskgate/prisma/connect';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { apiJwtSettings } from './api-client.ts';
import { createWebHarness, type WebHarness } from './harness.ts';
import { describeWithRedis, openTestRedisKeys, testRedisUrl, type TestRedisKeys } from './test-redis.ts';

interface TestApiProcess {
  live: LiveUpdates;
  status(token: string): Promise<number>;
  close(): Promise<void>;
}

async function startApiProcess(redis?: { url: string; prefix: string }): Promise<TestApiProcess> {
  const url = inject('databaseUrl');
  const prisma = createPrismaClient({ url, poolSize: 2 });
  const live = startLiveUpdates(
    { redisUrl: redis?.url, redisKeyPrefix: redis?.prefix ?? 'unused:', subscriptionLimits: { perUser: 10, total: 100 }, database: { url, embedded: false } },
    prisma,
    silentLogger,
  );
  await live.revocationFeed.loaded;
  const api = createApi({ prisma, jwt: apiJwtSettings(), graphiql: false, logging: false, revokedSessions: live.revokedSessions, taskEvents: live.taskEvents, subscriptionStreams: live.subscriptionStreams });
  return {
    live,
    async status(token) {
      const response = await api.fetch('http://api.taskgate.test/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: '{"query":"{ me { id } }"}',
      });
      return response.status;
    },
    async close() {
      await live.close();
      await prisma.$disconnect();
    },
  };
}

async function within(ms: number, condition: () => Promise<boolean>): Promise<number> {
  const started = performance.now();
  for (;;) {
    if (await condition()) return performance.now() - started;
    if (performance.now() - started > ms) throw new Error(`not within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function tokenOf(web: WebHarness, cookie: string): Promise<string> {
  const response = await web.request('/api/auth/token', { headers: { cookie } });
  expect(response.status).toBe(200);
  return ((await response.json()) as { token: string }).token;
}

const post = (web: WebHarness, path: string, cookie: string, body: unknown = {}) =>
  web.request(`/api/auth${path}`, {
    method: 'POST',
    headers: { cookie, origin: web.config.publicUrl, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

describe('revocation at sign-out (PostgreSQL; no Redis)', () => {
  let web: WebHarness;
  let api: TestApiProcess;

  beforeAll(async () => {
    web = createWebHarness();
    api = await startApiProcess();
  });
  afterAll(async () => {
    await api.close();
    await web.close();
  });

  it('sign-out records the session by its id (never its token) until its tokens have all expired', async () => {
    const { cookie, userId } = await web.newSession('signout-row');
    const token = await tokenOf(web, cookie);
    const sessionId = decodeJwt(token).sid as string;
    expect((await post(web, '/sign-out', cookie)).status).toBe(200);

    const row = await web.prisma.revokedSession.findUniqueOrThrow({ where: { sessionId } });
    expect(row.userId).toBe(userId);
    // JWT_EXPIRES_IN (15 min) plus a minute's margin after the sign-out.
    expect(row.keepUntil.getTime() - row.revokedAt.getTime()).toBe((15 * 60 + 60) * 1000);
    expect(await web.prisma.session.count({ where: { id: sessionId } })).toBe(0);
  });

  it('after sign-out the API refuses that session\'s token with 401 within 1 s, though it has not expired', async () => {
    const { cookie } = await web.newSession('signout-api');
    const token = await tokenOf(web, cookie);
    expect(await api.status(token)).toBe(200);
    expect((await post(web, '/sign-out', cookie)).status).toBe(200);
    const elapsed = await within(1_000, async () => (await api.status(token)) === 401);
    console.log(`sign-out → API 401 after ${elapsed.toFixed(0)} ms (${inject('databaseKind')}, ${api.live.revocationFeed.mode})`);
  });

  it('revoke-session revokes the named session\'s tokens, and only those', async () => {
    const { cookie, credentials } = await web.newSession('revoke-one');
    const signIn = await web.signIn(credentials);
    const otherCookie = signIn.headers.getSetCookie().map((c) => c.split(';', 1)[0]).join('; ');
    const [token, otherToken] = [await tokenOf(web, cookie), await tokenOf(web, otherCookie)];
    const other = await web.prisma.session.findUniqueOrThrow({ where: { id: decodeJwt(otherToken).sid as string } });

    expect((await post(web, '/revoke-session', cookie, { token: other.token })).status).toBe(200);
    await within(1_000, async () => (await api.status(otherToken)) === 401);
    expect(await api.status(token)).toBe(200);
  });

  it('revoke-other-sessions revokes every other session\'s tokens and keeps the current one', async () => {
    const { cookie, credentials } = await web.newSession('revoke-others');
    const second = await web.signIn(credentials);
    const secondCookie = second.headers.getSetCookie().map((c) => c.split(';', 1)[0]).join('; ');
    const [token, secondToken] = [await tokenOf(web, cookie), await tokenOf(web, secondCookie)];
    expect((await post(web, '/revoke-other-sessions', cookie)).status).toBe(200);
    await within(1_000, async () => (await api.status(secondToken)) === 401);
    expect(await api.status(token)).toBe(200);
  });
});

describeWithRedis('revocation at sign-out through Redis', () => {
  let keys: TestRedisKeys;
  let web: WebHarness;
  let apis: TestApiProcess[];

  beforeAll(async () => {
    keys = openTestRedisKeys();
    web = createWebHarness({ REDIS_URL: testRedisUrl, REDIS_KEY_PREFIX: keys.prefix });
    await web.redisReady();
    apis = await Promise.all([startApiProcess({ url: testRedisUrl, prefix: keys.prefix }), startApiProcess({ url: testRedisUrl, prefix: keys.prefix })]);
    await within(2_000, async () => apis.every((api) => api.live.revocationFeed.mode === 'push'));
  });
  afterAll(async () => {
    await Promise.all(apis.map((api) => api.close()));
    await web.close();
    await keys.close();
  });

  it('both API processes refuse the signed-out session\'s token within 1 s', async () => {
    const { cookie } = await web.newSession('signout-redis');
    const token = await tokenOf(web, cookie);
    expect((await post(web, '/sign-out', cookie)).status).toBe(200);
    const elapsed = await within(1_000, async () => (await apis[0]!.status(token)) === 401 && (await apis[1]!.status(token)) === 401);
    console.log(`sign-out → both API processes 401 through Redis after ${elapsed.toFixed(0)} ms`);
  });
});

/** The API's log lines are not what these tests look at. */
const quiet = () => undefined;
const silentLogger = { debug: quiet, info: quiet, warn: quiet, error: quiet } as unknown as Parameters<typeof startLiveUpdates>[2];
