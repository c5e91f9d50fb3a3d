// The connection to the Redis that every web replica shares (REDIS_URL), with the settings both tiers
// use (@taskgate/shared/redis-connection): commands fail at once while Redis is away, and the
// connection comes back by itself.
import { describeRedisUrl, failFastRedisOptions } from '@taskgate/shared/redis-connection';
import { Redis } from 'ioredis';

export { closeRedisConnection as closeRedisClient } from '@taskgate/shared/redis-connection';

export function createRedisClient(url: string): Redis {
  const client = new Redis(url, failFastRedisOptions);
  const where = describeRedisUrl(url);
  let connectedBefore = false;
  let outageReported = false;
  // ioredis prints every unhandled 'error' event (one per reconnect attempt); report each outage once.
  client.on('error', (error: Error) => {
    if (outageReported) return;
    outageReported = true;
    console.warn(`Redis at ${where} unreachable (${error.message}); reconnecting`);
  });
  client.on('ready', () => {
    console.log(connectedBefore ? `Redis at ${where} reconnected` : `Redis at ${where}: rate limits and session cache shared by every web replica`);
    connectedBefore = true;
    outageReported = false;
  });
  return client;
}
