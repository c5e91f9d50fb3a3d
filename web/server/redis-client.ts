// The connection to the Redis that every web replica shares (REDIS_URL). Tuned so a dead Redis costs a
// request milliseconds, not a hang, and so the connection comes back by itself when Redis does.
import { Redis } from 'ioredis';

export function createRedisClient(url: string): Redis {
  const client = new Redis(url, {
    // While disconnected a command fails at once, instead of waiting in a queue that grows without bound.
    enableOfflineQueue: false,
    // Commands in flight when the connection drops fail at once and are never re-sent (an INCR would count twice).
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    connectTimeout: 2_000,
    commandTimeout: 1_000,
    // Reconnect for as long as the process lives, at most a second apart.
    retryStrategy: (attempt) => Math.min(attempt * 100, 1_000),
  });
  const where = describeRedis(url);
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

/** QUIT lets pending replies arrive; with Redis away it cannot be sent, so just drop the connection. */
export async function closeRedisClient(client: Redis): Promise<void> {
  await client.quit().catch(() => client.disconnect());
}

/** host:port only: the URL may carry a password. */
function describeRedis(url: string): string {
  const { hostname, port } = new URL(url);
  return `${hostname}:${port || 6379}`;
}
