// Boots the API: config, database client, HTTP server, graceful shutdown.
import { createServer, type ServerResponse } from 'node:http';
import { ConfigError, loadConfig } from './config.ts';
import { createPrismaClient } from './db.ts';
import { loadLocalEnv } from './local-env.ts';
import { createLogger } from './observability/logger.ts';
import { createApi, GRAPHQL_ENDPOINT } from './yoga.ts';

loadLocalEnv();
let config;
try {
  config = loadConfig();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exit(1);
}

const prisma = createPrismaClient({ url: config.database.url, poolSize: config.databasePoolSize });
const logger = createLogger({ level: config.logLevel });
const api = createApi({ prisma, jwt: config.jwt, graphiql: config.graphiql, logger, rowLevelSecurity: config.databaseRowLevelSecurity, webOrigin: config.webOrigin });
const server = createServer(api);
// Responses still being prepared at shutdown; see shutdown().
const inFlight = new Set<ServerResponse>();
server.on('request', (_request, response: ServerResponse) => {
  inFlight.add(response);
  response.once('close', () => inFlight.delete(response));
});

server.listen(config.port, config.host, () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const database = config.database.embedded ? 'embedded PGlite' : 'PostgreSQL (DATABASE_URL)';
  const rls = config.databaseRowLevelSecurity ? 'row-level security on' : 'row-level security OFF (DATABASE_RLS=off)';
  console.log(`Taskgate API on http://${config.host}:${port}${GRAPHQL_ENDPOINT} (${database}, ${rls})`);
  if (config.graphiql) console.log(`GraphiQL: open http://localhost:${port}${GRAPHQL_ENDPOINT} and paste a token into the headers editor`);
});

// Stop accepting connections, let in-flight requests finish, then release the pool.
const shutdown = () => {
  server.close(() => void prisma.$disconnect().finally(() => process.exit(0)));
  server.closeIdleConnections();
  // Node would keep their keep-alive connections open (keepAliveTimeout, 5 s) and delay close().
  for (const response of inFlight) if (!response.headersSent) response.setHeader('connection', 'close');
  setTimeout(() => process.exit(1), 10_000).unref();
};
process.once('SIGTERM', shutdown);
process.once('SIGINT', shutdown);
