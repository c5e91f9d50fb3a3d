// The Redis the API tests use: TEST_REDIS_URL, or the one CI machines run on 127.0.0.1:6379. Each test
// uses channels under a prefix of its own; without Redis those tests are skipped, saying why, unless
// TASKGATE_REQUIRE_SERVICES=1 (the same rule as the web tier's tests, whose helper this is).
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { describeIfServiceAnswers } from '../../../web/test/server/required-service.ts';

export const testRedisUrl = withPort(process.env.TEST_REDIS_URL || 'redis://127.0.0.1:6379');

export const describeWithRedis = await describeIfServiceAnswers(`Redis at ${new URL(testRedisUrl).host}`, ping);

/** REDIS_KEY_PREFIX for one test: its channels meet no other run's. */
export function testRedisPrefix(): string {
  return `taskgate-test:${randomUUID()}:`;
}

async function ping(): Promise<void> {
  const client = new Redis(testRedisUrl, { lazyConnect: true, connectTimeout: 1_000, retryStrategy: () => null, maxRetriesPerRequest: 0 });
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
