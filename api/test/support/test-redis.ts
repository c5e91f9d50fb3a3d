// The Redis the API tests use: the web tier's test helper (TEST_REDIS_URL, or the one CI machines run
// on 127.0.0.1:6379; without it those tests are skipped, saying why, unless TASKGATE_REQUIRE_SERVICES=1).
// Each API test uses channels under a prefix of its own.
import { randomUUID } from 'node:crypto';

export { describeWithRedis, testRedisUrl } from '../../../web/test/server/test-redis.ts';

/** REDIS_KEY_PREFIX for one test: its channels meet no other run's. */
export function testRedisPrefix(): string {
  return `taskgate-test:${randomUUID()}:`;
}
