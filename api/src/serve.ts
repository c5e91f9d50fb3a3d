// One API server process: database client, logger, the Yoga handler on node:http, and its lifecycle
// (draining on SIGTERM behind a load balancer, then exit 0). main.ts runs one, or one per worker.
import cluster from 'node:cluster';
import { createServer } from 'node:http';
import { manageHttpLifecycle } from '@taskgate/shared/http-lifecycle';
import type { ApiConfig } from './config.ts';
import { createPrismaClient } from './db.ts';
import { startLiveUpdates } from './live/live-updates.ts';
import { createLogger } from './observability/logger.ts';
import { createApi, GRAPHQL_ENDPOINT } from './yoga.ts';

export function serveApi(config: ApiConfig, announce: boolean): void {
  // Named statements where each connection has a session of its own (checked at start: a PGlite served
  // over DATABASE_URL shares one); never on the embedded PGlite, whose one session all connections share.
  const prisma = createPrismaClient({ url: config.database.url, poolSize: config.databasePoolSize, preparedStatements: !config.database.embedded });
  const readinessPrisma = createPrismaClient({ url: config.database.url, poolSize: 1 });
  const logger = createLogger({ level: config.logLevel });
  // Task events, revoked sessions and the open streams: through Redis with REDIS_URL, else PostgreSQL.
  const live = startLiveUpdates(config, prisma, logger);
  const server = createServer();
  const lifecycle = manageHttpLifecycle(server, {
    shutdownDelaySeconds: config.shutdownDelaySeconds,
    // Event streams never end by themselves: complete them so the server can close (clients reconnect).
    onClosing: () => live.subscriptionStreams.endAll(),
    onClosed: async () => {
      await live.close();
      await Promise.all([prisma.$disconnect(), readinessPrisma.$disconnect()]);
    },
  });
  const api = createApi({
    prisma,
    jwt: config.jwt,
    graphiql: config.graphiql,
    logger,
    rowLevelSecurity: config.databaseRowLevelSecurity,
    webOrigin: config.webOrigin,
    // Workers share INSTANCE_ID when it is set: tell them apart.
    instanceId: cluster.worker ? `${config.instanceId}-w${cluster.worker.id}` : config.instanceId,
    isDraining: () => lifecycle.draining,
    readinessPrisma,
    taskEvents: live.taskEvents,
    revokedSessions: live.revokedSessions,
    subscriptionStreams: live.subscriptionStreams,
  });
  server.on('request', api);

  // Not before the revoked sessions are read: a process (or a cluster worker) that accepted
  // connections earlier could only answer 503 (it cannot yet tell a revoked token from a good one).
  void live.revocationFeed.loaded.then(() => server.listen(config.port, config.host, () => {
    if (!announce) return;
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    const database = config.database.embedded ? 'embedded PGlite' : 'PostgreSQL (DATABASE_URL)';
    const rls = config.databaseRowLevelSecurity ? 'row-level security on' : 'row-level security OFF (DATABASE_RLS=off)';
    const workers = config.workers > 1 ? `, ${config.workers} worker processes` : '';
    console.log(`Taskgate API on http://${config.host}:${port}${GRAPHQL_ENDPOINT} (${database}, ${rls}${workers})`);
    const events = config.redisUrl ? 'task events and revocations through Redis (REDIS_URL)' : 'task events within this process, revocations from PostgreSQL';
    console.log(`Live updates: subscription taskEvents over Server-Sent Events; ${events}`);
    if (config.graphiql) console.log(`GraphiQL: open http://localhost:${port}${GRAPHQL_ENDPOINT} and paste a token into the headers editor`);
  }));
}
