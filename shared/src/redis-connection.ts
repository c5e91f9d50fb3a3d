// How both tiers connect to Redis (REDIS_URL), so a dead Redis costs a request milliseconds, not a
// hang, and every connection comes back by itself when Redis does. Plain ioredis options: this
// package does not depend on ioredis.

/** Reconnect for as long as the process lives, at most a second apart. */
export function redisReconnectDelay(attempt: number): number {
  return Math.min(attempt * 100, 1_000);
}

/** A connection that sends commands (not a subscriber): while disconnected, commands fail at once. */
export const failFastRedisOptions = {
  // Instead of waiting in a queue that grows without bound.
  enableOfflineQueue: false,
  // Commands in flight when the connection drops fail at once and are never re-sent (an INCR would count twice).
  maxRetriesPerRequest: 0,
  autoResendUnfulfilledCommands: false,
  connectTimeout: 2_000,
  commandTimeout: 1_000,
  retryStrategy: redisReconnectDelay,
} as const;

/** host:port only, for logs: the URL may carry a password. */
export function describeRedisUrl(url: string): string {
  const { hostname, port } = new URL(url);
  return `${hostname}:${port || 6379}`;
}

/** QUIT lets pending replies arrive; with Redis away it cannot be sent, so just drop the connection. */
export async function closeRedisConnection(client: { quit(): Promise<unknown>; disconnect(): void }): Promise<void> {
  await client.quit().catch(() => client.disconnect());
}

export interface RedisOutageReport {
  /** The first failure of an outage (ioredis emits 'error' once per reconnect attempt). */
  unreachable(error: Error): void;
  /** Ready again; `firstTime` on the very first connection. */
  ready(firstTime: boolean): void;
}

/** Reports each outage once and each recovery once, however many reconnect attempts lie between. */
export function reportRedisOutages(client: { on(event: 'error' | 'ready', listener: (error: Error) => void): unknown }, report: RedisOutageReport): void {
  let connectedBefore = false;
  let outageReported = false;
  client.on('error', (error: Error) => {
    if (outageReported) return;
    outageReported = true;
    report.unreachable(error);
  });
  client.on('ready', () => {
    report.ready(!connectedBefore);
    connectedBefore = true;
    outageReported = false;
  });
}
