// The Redis the tests use: TEST_REDIS_URL, or the one CI machines run on 127.0.0.1:6379. Each test file
// keeps its keys under a prefix of its own and deletes them at the end; nothing else is touched (no FLUSHALL).
import { randomUUID } from 'node:crypto';
import { redisStorage } from '@better-auth/redis-storage';
import { Redis } from 'ioredis';
import { describeIfServiceAnswers } from './required-service.ts';

/** With an explicit port: the TCP proxy that fakes outages forwards to exactly this address. */
export const testRedisUrl = withPort(process.env.TEST_REDIS_URL || 'redis://127.0.0.1:6379');

export const describeWithRedis = await describeIfServiceAnswers(`Redis at ${new URL(testRedisUrl).host}`, ping);

/** This run's keys, seen from a connection of the test's own (not through any proxy). */
export interface TestRedisKeys {
  prefix: string;
  get(key: string): Promise<string | null>;
  /** Seconds to live, as Redis's TTL command answers (-2: no such key). */
  ttl(key: string): Promise<number>;
  delete(key: string): Promise<void>;
  list(): Promise<string[]>;
  /** Deletes every key of this prefix: Redis losing its data, as far as this run can tell. */
  wipe(): Promise<void>;
  /** Wipes, then disconnects. */
  close(): Promise<void>;
}

export function openTestRedisKeys(): TestRedisKeys {
  const prefix = `taskgate-test:${randomUUID()}:`; // REDIS_KEY_PREFIX for the servers under test
  const client = new Redis(testRedisUrl, { maxRetriesPerRequest: 1 });
  const storage = redisStorage({ client, keyPrefix: prefix });
  return {
    prefix,
    get: (key) => client.get(prefix + key),
    ttl: (key) => client.ttl(prefix + key),
    delete: async (key) => {
      await client.del(prefix + key);
    },
    list: () => storage.listKeys(),
    wipe: () => storage.clear(),
    async close() {
      await storage.clear();
      await client.quit();
    },
  };
}

async function ping(): Promise<void> {
  const client = new Redis(testRedisUrl, { lazyConnect: true, connectTimeout: 1_000, retryStrategy: () => null, maxRetriesPerRequest: 0 });
  // connect() only says "Connection is closed."; the 'error' event has the cause (ECONNREFUSED ...).
  let cause: Error | undefined;
  client.on('error', (error: Error) => {
    cause = error;
  });
  try {
    await client.connect();
    await client.ping();
  } catch (error) {
    throw cause ?? error;
  } finally {
    client.disconnect();
  }
}

function withPort(raw: string): string {
  const url = new URL(raw);
  if (!url.port) url.port = '6379';
  return url.toString();
}
