// Revocation before exp across API processes: a row in revoked_session (as the web tier writes it at
// sign-out) is refused with the normal 401 by every API process within 1 s, and their open streams of
// that session end the way they end at exp. Through PostgreSQL (LISTEN/NOTIFY; on the embedded PGlite,
// reading the table every 500 ms), and through Redis when one answers: including a Redis outage, during
// which revocations still take effect (read from the table) and an error is logged.
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { REVOCATION_REDIS_CHANNEL, type RevocationMessage } from '@taskgate/shared/token-contract';
import type { PrismaClient } from '@taskgate/prisma/client';
import { Redis } from 'ioredis';
import { inject } from 'vitest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SUBSCRIPTION_LIMITS } from '../src/config.ts';
import { createPrismaClient } from '../src/db.ts';
import { startLiveUpdates, type LiveUpdates } from '../src/live/live-updates.ts';
import { createLogger } from '../src/observability/logger.ts';
import { createApi } from '../src/yoga.ts';
import { startDatabaseProxy, type DatabaseProxy } from './faults/support/tcp-proxy.ts';
import { listen, type ListeningApi } from './load/listening-api.ts';
import { createHarness, databaseUrl, type ApiHarness, type TestUser } from './support/api-harness.ts';
import { openSse, type SseStream } from './support/sse-client.ts';
import { describeWithRedis, testRedisPrefix, testRedisUrl } from './support/test-redis.ts';
import { mintToken, testJwtSettings } from './support/tokens.ts';

const REVOKED_MESSAGE = 'Access token has been revoked: its session ended (signed out)';

interface ApiProcess {
  live: LiveUpdates;
  server: ListeningApi;
  logs: { level: number; msg: string }[];
  me(token: string): Promise<number>;
  close(): Promise<void>;
}

/** An API process as serve.ts wires it: its own pool, its own live updates, a real listening server. */
async function startApiProcess(options: { redisUrl?: string; redisKeyPrefix?: string } = {}): Promise<ApiProcess> {
  const logs: { level: number; msg: string }[] = [];
  const logger = createLogger({
    level: 'info',
    destination: new Writable({
      write(chunk, _encoding, done) {
        for (const line of String(chunk).trim().split('\n')) logs.push(JSON.parse(line) as { level: number; msg: string });
        done();
      },
    }),
  });
  const prisma = createPrismaClient({ url: databaseUrl(), poolSize: 3 });
  const live = startLiveUpdates(
    {
      redisUrl: options.redisUrl,
      redisKeyPrefix: options.redisKeyPrefix ?? 'unused:',
      subscriptionLimits: DEFAULT_SUBSCRIPTION_LIMITS,
      database: { url: databaseUrl(), embedded: false },
    },
    prisma,
    logger,
  );
  await live.revocationFeed.loaded;
  const api = createApi({
    prisma,
    jwt: testJwtSettings,
    graphiql: false,
    logger,
    taskEvents: live.taskEvents,
    revokedSessions: live.revokedSessions,
    subscriptionStreams: live.subscriptionStreams,
  });
  const server = await listen(api);
  return {
    live,
    server,
    logs,
    async me(token) {
      const response = await fetch(server.endpoint, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: '{"query":"{ me { id } }"}' });
      await response.body?.cancel();
      return response.status;
    },
    async close() {
      live.subscriptionStreams.endAll();
      await server.close();
      await live.close();
      await prisma.$disconnect();
    },
  };
}

/** Records a revocation exactly as the web tier does (web/server/session-revocation.ts); returns its seq. */
async function revokeInDatabase(prisma: PrismaClient, sessionId: string, userId: string, keepForMs = 15 * 60_000): Promise<number> {
  const rows = await prisma.$queryRaw<{ seq: bigint }[]>`
    INSERT INTO revoked_session ("sessionId", "userId", "revokedAt", "keepUntil")
    VALUES (${sessionId}, ${userId}, ${new Date()}, ${new Date(Date.now() + keepForMs)}) RETURNING seq`;
  return Number(rows[0]!.seq);
}

async function within(ms: number, condition: () => Promise<boolean>): Promise<number> {
  const started = performance.now();
  for (;;) {
    if (await condition()) return performance.now() - started;
    if (performance.now() - started > ms) throw new Error(`not within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const opened: SseStream[] = [];
afterEach(() => {
  for (const stream of opened.splice(0)) stream.close();
});

describe('revocation through the database (no Redis)', () => {
  let harness: ApiHarness;
  let alice: TestUser;
  let first: ApiProcess;
  let second: ApiProcess;

  beforeAll(async () => {
    harness = createHarness();
    alice = await harness.createUser('alice');
    [first, second] = await Promise.all([startApiProcess(), startApiProcess()]);
  });
  afterAll(async () => {
    await Promise.all([first.close(), second.close()]);
    await harness.close();
  });

  it('every API process refuses a revoked session\'s token within 1 s and ends its open streams like exp does', async () => {
    const sessionId = randomUUID();
    const token = await mintToken(alice.id, { claims: { sid: sessionId } });
    expect([await first.me(token), await second.me(token)]).toEqual([200, 200]);
    const streams = await Promise.all([first, second].map((api) => openSse(api.server.endpoint, { token })));
    opened.push(...streams);

    await revokeInDatabase(harness.prisma, sessionId, alice.id);
    const elapsed = await within(1_000, async () => (await first.me(token)) === 401 && (await second.me(token)) === 401);
    for (const stream of streams) {
      expect(await stream.next(1_000)).toEqual({ errors: [{ message: REVOKED_MESSAGE, extensions: { code: 'UNAUTHENTICATED' } }] });
      await stream.completed;
    }
    // PostgreSQL: pushed by NOTIFY. Embedded PGlite: read from the table every 500 ms.
    console.log(`revocation refused on both processes after ${elapsed.toFixed(0)} ms (${inject('databaseKind')}: ${first.live.revocationFeed.mode})`);
    expect(first.live.revocationFeed.mode).toBe(inject('databaseKind') === 'postgresql' ? 'push' : 'polling');
  });

  it('leaves the tokens of other sessions of the same user alone', async () => {
    const revoked = randomUUID();
    const other = await mintToken(alice.id);
    await revokeInDatabase(harness.prisma, revoked, alice.id);
    await within(1_000, async () => (await first.me(await mintToken(alice.id, { claims: { sid: revoked } }))) === 401);
    expect(await first.me(other)).toBe(200);
  });

  it('a restarted API process loads unexpired revocations at start and refuses their tokens at once', async () => {
    const sessionId = randomUUID();
    await revokeInDatabase(harness.prisma, sessionId, alice.id);
    const expiredRevocation = randomUUID();
    await revokeInDatabase(harness.prisma, expiredRevocation, alice.id, -1_000);
    const restarted = await startApiProcess();
    try {
      expect(await restarted.me(await mintToken(alice.id, { claims: { sid: sessionId } }))).toBe(401);
      // Kept no longer than a token of its session can live.
      expect(restarted.live.revokedSessions.has(expiredRevocation)).toBe(false);
    } finally {
      await restarted.close();
    }
  });

  it('answers 503 and fails /readyz until it has read the revoked sessions', async () => {
    const proxy = await startDatabaseProxy(databaseUrl());
    await proxy.setMode('refuse');
    const prisma = createPrismaClient({ url: proxy.url, poolSize: 1 });
    const live = startLiveUpdates({ redisUrl: undefined, redisKeyPrefix: 'unused:', subscriptionLimits: DEFAULT_SUBSCRIPTION_LIMITS, database: { url: proxy.url, embedded: false } }, prisma, createLogger({ level: 'silent' }));
    const api = createApi({ prisma, jwt: testJwtSettings, graphiql: false, logging: false, revokedSessions: live.revokedSessions });
    try {
      const response = await api.fetch('http://taskgate.test/graphql', { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${alice.token}` }, body: '{"query":"{ __typename }"}' });
      expect(response.status).toBe(503);
      expect((await response.json()).errors[0].extensions.code).toBe('SERVICE_UNAVAILABLE');
      expect((await api.fetch('http://taskgate.test/readyz')).status).toBe(503);
      await proxy.setMode('forward');
      await live.revocationFeed.loaded;
      expect((await api.fetch('http://taskgate.test/readyz')).status).toBe(200);
    } finally {
      await live.close();
      await prisma.$disconnect();
      await proxy.close();
    }
  });
});

describeWithRedis('revocation through Redis', () => {
  let harness: ApiHarness;
  let alice: TestUser;
  let publisher: Redis;

  beforeAll(async () => {
    harness = createHarness();
    alice = await harness.createUser('alice');
    publisher = new Redis(testRedisUrl);
  });
  afterAll(async () => {
    publisher.disconnect();
    await harness.close();
  });

  /** What the web tier does at sign-out with REDIS_URL: the row, then the message. */
  async function revoke(prefix: string, sessionId: string): Promise<void> {
    const keepUntil = Date.now() + 15 * 60_000;
    const seq = await revokeInDatabase(harness.prisma, sessionId, alice.id);
    const message: RevocationMessage = { sessionId, keepUntil, seq };
    await publisher.publish(`${prefix}${REVOCATION_REDIS_CHANNEL}`, JSON.stringify(message));
  }

  it('every API process refuses the token within 1 s, pushed through Redis', async () => {
    const prefix = testRedisPrefix();
    const apis = await Promise.all([startApiProcess({ redisUrl: testRedisUrl, redisKeyPrefix: prefix }), startApiProcess({ redisUrl: testRedisUrl, redisKeyPrefix: prefix })]);
    try {
      await within(2_000, async () => apis.every((api) => api.live.revocationFeed.mode === 'push'));
      const sessionId = randomUUID();
      const token = await mintToken(alice.id, { claims: { sid: sessionId } });
      const stream = await openSse(apis[1]!.server.endpoint, { token });
      opened.push(stream);
      await revoke(prefix, sessionId);
      const elapsed = await within(1_000, async () => (await apis[0]!.me(token)) === 401 && (await apis[1]!.me(token)) === 401);
      expect((await stream.next(1_000)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      console.log(`revocation through Redis refused on both processes after ${elapsed.toFixed(0)} ms`);
    } finally {
      await Promise.all(apis.map((api) => api.close()));
    }
  });

  it('Redis cut off: an error is logged once, revocations still take effect within 1 s (read from the table), and the push resumes when Redis is back', async () => {
    const proxy: DatabaseProxy = await startDatabaseProxy(testRedisUrl);
    const prefix = testRedisPrefix();
    const api = await startApiProcess({ redisUrl: proxy.url, redisKeyPrefix: prefix });
    try {
      await within(2_000, async () => api.live.revocationFeed.mode === 'push');
      await proxy.setMode('refuse');
      await within(2_000, async () => api.live.revocationFeed.mode === 'polling');
      const errors = api.logs.filter((line) => line.level >= 50 && line.msg.startsWith('revocations: push channel'));
      expect(errors).toHaveLength(1);

      // The web tier cannot publish either: the row alone must do.
      const sessionId = randomUUID();
      const token = await mintToken(alice.id, { claims: { sid: sessionId } });
      await revokeInDatabase(harness.prisma, sessionId, alice.id);
      await within(1_000, async () => (await api.me(token)) === 401);

      await proxy.setMode('forward');
      await within(3_000, async () => api.live.revocationFeed.mode === 'push');
      expect(api.logs.some((line) => line.msg.startsWith('revocations: push channel back'))).toBe(true);
      // And pushes work again.
      const later = randomUUID();
      const laterToken = await mintToken(alice.id, { claims: { sid: later } });
      await revoke(prefix, later);
      await within(1_000, async () => (await api.me(laterToken)) === 401);
    } finally {
      await api.close();
      await proxy.close();
    }
  });
});
