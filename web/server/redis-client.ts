// The connection to the Redis that every web replica shares (REDIS_URL), with the settings both tiers
// use (@taskgate/shared/redis-connection): commands fail at once while Redis is away, and the
// connection comes back by itself.
import { describeRedisUrl, failFastRedisOptions, reportRedisOutages } from '@taskgate/shared/redis-connection';
import { Redis } from 'ioredis';

export { closeRedisConnection as closeRedisClient } from '@taskgate/shared/redis-connection';

export function createRedisClient(url: string): Redis {
  const client = new Redis(url, failFastRedisOptions);
  const where = describeRedisUrl(url);
  // ioredis prints every unhandled 'error' event (one per reconnect attempt); report each outage once.
  reportRedisOutages(client, {
    unreachable: (error) => console.warn(`Redis at ${where} unreachable (${error.message}); reconnecting`),
    ready: (firstTime) => console.log(firstTime ? `Redis at ${where}: rate limits and session cache shared by every web replica` : `Redis at ${where} reconnected`),
  });
  return client;
}
