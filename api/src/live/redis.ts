// The API's Redis connections (REDIS_URL): one that publishes, and subscriber connections that only
// listen (a connection in subscriber mode can do nothing else). Reconnect forever, at most a second
// apart; each outage and each recovery is logged once, not per attempt.
//
// Also graphql-yoga's Redis event target, made safe for an outage: @graphql-yoga/redis-event-target
// 3.0.4 calls publish(), subscribe() and unsubscribe() without handling their promises, so a command
// refused while Redis is away would be an unhandled rejection, which ends a Node process.
import { createRedisEventTarget } from '@graphql-yoga/redis-event-target';
import { Redis } from 'ioredis';
import { describeRedisUrl, failFastRedisOptions, redisReconnectDelay, reportRedisOutages } from '@taskgate/shared/redis-connection';
import type { Logger } from '../observability/logger.ts';

export { closeRedisConnection as closeRedis } from '@taskgate/shared/redis-connection';

/** Commands fail at once while disconnected: a publish is best effort and must not pile up or block a write. */
export function createRedisPublisher(url: string, logger: Logger, role: string): Redis {
  const client = new Redis(url, failFastRedisOptions);
  reportOutages(client, url, logger, role, 'warn');
  return client;
}

/**
 * A subscriber connection. Its SUBSCRIBE commands wait for the connection (an offline queue with no
 * retry limit) instead of failing, and channels are subscribed again after a reconnection unless
 * `autoResubscribe` is off (the revocation feed does it itself, so that it knows when).
 */
export function createRedisSubscriber(url: string, logger: Logger, role: string, options: { autoResubscribe?: boolean; outageLevel?: 'warn' | 'error' } = {}): Redis {
  const client = new Redis(url, {
    maxRetriesPerRequest: null,
    autoResubscribe: options.autoResubscribe ?? true,
    connectTimeout: 2_000,
    retryStrategy: redisReconnectDelay,
  });
  reportOutages(client, url, logger, role, options.outageLevel ?? 'warn');
  return client;
}

/**
 * graphql-yoga's Redis event target for createPubSub, over clients whose failures are caught here and
 * logged once per outage. A publish that fails loses that event (subscribers refetch when they
 * reconnect); a subscribe waits in the subscriber's queue until Redis is back.
 */
export function createSafeRedisEventTarget(publisher: Redis, subscriber: Redis, logger: Logger): ReturnType<typeof createRedisEventTarget> {
  let publishFailing = false;
  const publishClient = {
    publish: (channel: string, message: string) =>
      publisher.publish(channel, message).then(
        () => {
          if (publishFailing) logger.info('task events: publishing to Redis again');
          publishFailing = false;
        },
        (error: Error) => {
          if (!publishFailing) logger.warn({ err: error }, 'task events: publishing to Redis failed; events are lost until it answers again');
          publishFailing = true;
        },
      ),
  };
  const ignore = () => undefined;
  const subscribeClient = {
    on: (event: string, listener: (...args: unknown[]) => void) => subscriber.on(event, listener),
    subscribe: (channel: string) => subscriber.subscribe(channel).catch(ignore),
    unsubscribe: (channel: string) => subscriber.unsubscribe(channel).catch(ignore),
  };
  // The event target uses exactly these methods of each client.
  return createRedisEventTarget({ publishClient: publishClient as unknown as Redis, subscribeClient: subscribeClient as unknown as Redis });
}

function reportOutages(client: Redis, url: string, logger: Logger, role: string, level: 'warn' | 'error'): void {
  const where = describeRedisUrl(url);
  reportRedisOutages(client, {
    unreachable: (error) => logger[level]({ err: error, redis: where }, `${role}: Redis unreachable; reconnecting`),
    ready: (firstTime) => {
      if (!firstTime) logger.info({ redis: where }, `${role}: Redis reconnected`);
    },
  });
}
