// Better Auth's secondary storage in Redis (@better-auth/redis-storage), plus the one thing neither
// decides: what a Redis failure means. Better Auth 1.7.25 lets every storage error escape. From the rate
// limiter, which runs in better-call's router `onRequest` outside the router's try/catch, it rejects
// auth.handler itself (a bare 500); from get-session it becomes a 500 FAILED_TO_GET_SESSION although the
// session is also in PostgreSQL (`storeSessionInDatabase`). So here, per operation
// (docs/decisions/0009-sign-in-fails-closed-without-redis.md):
//   reads   a miss: Better Auth then reads the session from PostgreSQL;
//   writes  skipped: PostgreSQL holds the truth, and no cached copy outlives `maxCacheSeconds`;
//   counts  the rate limiter's INCR: a RateLimitUnavailableError (app.ts answers 503), except for the
//           paths in `failOpenPaths`, which PostgreSQL alone can answer and which go on unlimited.
import { redisStorage } from '@better-auth/redis-storage';
import type { SecondaryStorage } from 'better-auth';
import type { Redis } from 'ioredis';
import { RateLimitUnavailableError } from './rate-limit-unavailable.ts';

export interface RedisSecondaryStorageOptions {
  /** Every key starts with this (several deployments or test runs can share one Redis). */
  keyPrefix: string;
  /**
   * Upper bound on how long a cached value (a session, a user) lives in Redis: a copy that a sign-out
   * could not delete while Redis was unreachable expires at most this long after.
   */
  maxCacheSeconds: number;
  /** Auth paths (as Better Auth names them, e.g. /get-session) that stay unlimited rather than fail. */
  failOpenPaths: readonly string[];
}

export function createRedisSecondaryStorage(client: Redis, options: RedisSecondaryStorageOptions): SecondaryStorage {
  const redis = redisStorage({ client, keyPrefix: options.keyPrefix });
  const failOpenPaths = new Set(options.failOpenPaths);
  const health = storageHealth();

  async function softly<T>(operation: () => Promise<T>, fallback: T): Promise<T> {
    try {
      const result = await operation();
      health.succeeded();
      return result;
    } catch (error) {
      health.failed(error);
      return fallback;
    }
  }

  // Plain functions, no `this`: Better Auth calls `increment` detached from the object.
  return {
    get: (key) => softly(() => redis.get(key), null),
    getAndDelete: (key) => softly(() => redis.getAndDelete(key), null),
    set: (key, value, ttl) => softly(() => redis.set(key, value, Math.min(ttl || options.maxCacheSeconds, options.maxCacheSeconds)), undefined),
    delete: (key) => softly(() => redis.delete(key), undefined),
    async increment(key, ttl) {
      try {
        const count = await redis.increment(key, ttl);
        health.succeeded();
        return count;
      } catch (error) {
        health.failed(error);
        // 0 is under any limit: the request goes on, uncounted.
        if (failOpenPaths.has(rateLimitedPath(key))) return 0;
        throw new RateLimitUnavailableError({ cause: error });
      }
    },
  };
}

/** Better Auth 1.7 keys rate-limit counters `${ip}|${path}` (createRateLimitKey, @better-auth/core/utils/ip). */
function rateLimitedPath(key: string): string {
  return key.slice(key.indexOf('|') + 1);
}

/** Logs when Redis starts failing and when it answers again, not once per request. */
function storageHealth() {
  let failing = false;
  return {
    failed(error: unknown) {
      if (failing) return;
      failing = true;
      const reason = error instanceof Error ? error.message : String(error);
      console.warn(`Redis storage failing (${reason}): sessions are read from PostgreSQL; sign-in and sign-up answer 503`);
    },
    succeeded() {
      if (!failing) return;
      failing = false;
      console.log('Redis storage answering again');
    },
  };
}
