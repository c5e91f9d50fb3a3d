// One API process's live-update machinery, wired from its config (serve.ts):
//   REDIS_URL set   task events through Redis pub/sub (every replica's subscribers get every event),
//                   revocations pushed through Redis (the web tier publishes them);
//   REDIS_URL unset task events within this process (one process: the quick start), revocations
//                   through PostgreSQL LISTEN/NOTIFY, or by reading the table every 500 ms where
//                   notifications cannot cross connections (the embedded PGlite).
// docs/decisions/0011-live-updates-and-revocation.md.
import type { PrismaClient } from '@taskgate/prisma/client';
import { REVOCATION_REDIS_CHANNEL } from '@taskgate/shared/token-contract';
import type { Redis } from 'ioredis';
import { startRevocationFeed, type RevocationFeed, type RevocationPush } from '../auth/revocation-feed.ts';
import { RevokedSessions } from '../auth/revoked-sessions.ts';
import type { ApiConfig } from '../config.ts';
import type { Logger } from '../observability/logger.ts';
import { closeRedis, createRedisPublisher, createRedisSubscriber, createSafeRedisEventTarget } from './redis.ts';
import { SubscriptionStreams } from './subscription-streams.ts';
import { createTaskEventBus, type TaskEventBus } from './task-event-bus.ts';

export interface LiveUpdates {
  taskEvents: TaskEventBus;
  revokedSessions: RevokedSessions;
  subscriptionStreams: SubscriptionStreams;
  revocationFeed: RevocationFeed;
  /** Stops listening and closes the connections (after the streams have ended). */
  close(): Promise<void>;
}

export function startLiveUpdates(
  config: Pick<ApiConfig, 'redisUrl' | 'redisKeyPrefix' | 'subscriptionLimits' | 'database'>,
  prisma: PrismaClient,
  logger: Logger,
): LiveUpdates {
  const revokedSessions = new RevokedSessions({ loaded: false });
  const subscriptionStreams = new SubscriptionStreams({ limits: config.subscriptionLimits, isRevoked: (sessionId) => revokedSessions.has(sessionId) });
  const connections: Redis[] = [];
  let taskEvents: TaskEventBus;
  let push: RevocationPush;

  if (config.redisUrl) {
    const publisher = createRedisPublisher(config.redisUrl, logger, 'task events (publish)');
    const eventSubscriber = createRedisSubscriber(config.redisUrl, logger, 'task events (subscribe)');
    // The revocation channel gets a connection of its own: its outage is logged at error level and
    // it resubscribes itself, to know when to catch up.
    const revocationSubscriber = createRedisSubscriber(config.redisUrl, logger, 'revocations', { autoResubscribe: false, outageLevel: 'error' });
    connections.push(publisher, eventSubscriber);
    taskEvents = createTaskEventBus({ eventTarget: createSafeRedisEventTarget(publisher, eventSubscriber, logger), topicPrefix: config.redisKeyPrefix, logger });
    push = { kind: 'redis', subscriber: revocationSubscriber, channel: `${config.redisKeyPrefix}${REVOCATION_REDIS_CHANNEL}` };
  } else {
    taskEvents = createTaskEventBus({ logger });
    push = { kind: 'postgres', url: config.database.url };
  }
  const revocationFeed = startRevocationFeed({ prisma, revoked: revokedSessions, push, logger });

  return {
    taskEvents,
    revokedSessions,
    subscriptionStreams,
    revocationFeed,
    async close() {
      await revocationFeed.close();
      await Promise.all(connections.map(closeRedis));
    },
  };
}
