// The whole system for the browser tests, in one process: a fresh migrated database, the API with its
// live updates (task events, revocations read from the database, as a one-process deployment runs
// them) and the web server (serving the production SPA build), plus a small control port that lets a
// test stop and restart the API for real, end its event streams, or switch its GraphiQL on and off.
// Started by Playwright's `webServer`; stops with SIGTERM.
import { createServer, type Server } from 'node:http';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import { loadConfig } from '@taskgate/api/config';
import { startLiveUpdates } from '@taskgate/api/live-updates';
import { createLogger } from '@taskgate/api/logger';
import { SubscriptionStreams } from '@taskgate/api/subscription-streams';
import { createPrismaClient } from '@taskgate/prisma/connect';
import { createApi } from '@taskgate/api/yoga';
import { createTestDatabase } from '../../../test/test-database.ts';
import { createWebApp } from '../../server/app.ts';
import { createAuth } from '../../server/auth.ts';
import { loadWebConfig } from '../../server/config.ts';
import { e2eEnvironment, e2ePorts } from './environment.ts';

const dist = fileURLToPath(new URL('../../dist/spa', import.meta.url));
if (!existsSync(`${dist}/index.html`)) {
  console.error(`No SPA build in ${dist}: run \`pnpm --filter @taskgate/web build\` first`);
  process.exit(1);
}

const database = await createTestDatabase();
const env = { ...e2eEnvironment, DATABASE_URL: database.url };
Object.assign(process.env, env);
console.log(`e2e database: ${database.description}`);

const apiConfig = loadConfig(env);
const apiPrisma = createPrismaClient({ url: database.url, poolSize: 5, preparedStatements: database.kind === 'postgresql' });
// One set of task events and revoked sessions for every API this process serves (GraphiQL switched or
// not, streams ended), as replicas share them through Redis or PostgreSQL.
const logger = createLogger({ level: 'error' });
const live = startLiveUpdates(apiConfig, apiPrisma, logger);
const newStreams = () =>
  new SubscriptionStreams({ limits: apiConfig.subscriptionLimits, isRevoked: (sessionId) => live.revokedSessions.has(sessionId) });
// GRAPHIQL is unset in e2eEnvironment, so this is the production default: off.
let graphiql = apiConfig.graphiql;
let streams = newStreams();
const createE2eApi = () =>
  createApi({
    prisma: apiPrisma,
    jwt: apiConfig.jwt,
    graphiql,
    logger,
    webOrigin: apiConfig.webOrigin,
    taskEvents: live.taskEvents,
    revokedSessions: live.revokedSessions,
    subscriptionStreams: streams,
  });
let api = createE2eApi();
let apiServer: Server | null = null;

/** As an operator redeploying the API with another GRAPHIQL would: a new API; the SPA build stays as it is. */
function serveGraphiql(on: boolean): Promise<void> {
  graphiql = on;
  api = createE2eApi();
  return Promise.resolve();
}

/** As a replica stopping while another takes over: its streams complete (no error) and new ones go to the next API. */
function endStreams(): Promise<void> {
  const ending = streams;
  streams = newStreams();
  api = createE2eApi();
  ending.endAll();
  return Promise.resolve();
}

function startApi(): Promise<void> {
  if (apiServer) return Promise.resolve();
  // Looked up per request, so a switched API answers from the next request on.
  const server = createServer((request, response) => api(request, response));
  apiServer = server;
  return new Promise((resolve) => server.listen(e2ePorts.api, '127.0.0.1', () => resolve()));
}

function stopApi(): Promise<void> {
  const server = apiServer;
  if (!server) return Promise.resolve();
  apiServer = null;
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

const webConfig = loadWebConfig(env);
const webPrisma = createPrismaClient({ url: database.url, poolSize: 5 });
const web = createWebApp({ config: webConfig, auth: createAuth(webConfig, webPrisma), staticDir: dist });
const webServer = serve({ fetch: web.fetch, hostname: '127.0.0.1', port: e2ePorts.web });

// POST /api/stop and /api/start: the "API down" scenario takes the real listener away.
// POST /api/streams/end: every open event stream completes, as when an API replica stops (clients reopen).
// POST /api/graphiql/on and /api/graphiql/off: the API serves its GraphiQL page or not (GRAPHIQL).
const controlActions: Record<string, () => Promise<void>> = {
  '/api/stop': stopApi,
  '/api/start': startApi,
  '/api/streams/end': endStreams,
  '/api/graphiql/on': () => serveGraphiql(true),
  '/api/graphiql/off': () => serveGraphiql(false),
};
const control = createServer((request, response) => {
  const action = request.method === 'POST' ? controlActions[request.url ?? ''] : undefined;
  if (!action) {
    response.writeHead(404).end();
    return;
  }
  action().then(() => response.writeHead(204).end());
});
control.listen(e2ePorts.control, '127.0.0.1');

// As api/src/serve.ts: not before the revoked sessions are read.
await live.revocationFeed.loaded;
await startApi();
console.log(`e2e system: web http://127.0.0.1:${e2ePorts.web}, API http://127.0.0.1:${e2ePorts.api}/graphql`);

let stopping = false;
const shutdown = async () => {
  if (stopping) return;
  stopping = true;
  control.close();
  webServer.close();
  streams.endAll();
  await stopApi();
  await live.close();
  await Promise.allSettled([apiPrisma.$disconnect(), webPrisma.$disconnect()]);
  await database.teardown();
  process.exit(0);
};
process.once('SIGTERM', () => void shutdown());
process.once('SIGINT', () => void shutdown());
