// Boots the web server: config, database client, Better Auth, HTTP server, graceful shutdown.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import { loadLocalEnv } from '@taskgate/api/local-env';
import { createWebApp } from './app.ts';
import { createAuth } from './auth.ts';
import { ConfigError, loadWebConfig } from './config.ts';
import { createPrismaClient } from './db.ts';

loadLocalEnv();

let config;
try {
  config = loadWebConfig();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exit(1);
}

const prisma = createPrismaClient(config.database.url);
// In development Vite serves the SPA; in production this server does, from the build output.
const spaBuild = fileURLToPath(new URL('../dist', import.meta.url));
const staticDir = config.env === 'production' && existsSync(spaBuild) ? spaBuild : undefined;
if (config.env === 'production' && !staticDir) console.warn(`No SPA build in ${spaBuild}: run \`pnpm --filter @taskgate/web build\``);
const app = createWebApp({ config, auth: createAuth(config, prisma), staticDir });

const server = serve({ fetch: app.fetch, hostname: config.host, port: config.port }, (info) => {
  const database = config.database.embedded ? 'embedded PGlite' : 'PostgreSQL (DATABASE_URL)';
  console.log(`Taskgate web on http://${config.host}:${info.port} (public URL ${config.publicUrl}, ${database})`);
});

// Stop accepting connections, let in-flight requests finish, then release the pool.
const shutdown = () => {
  server.close(() => void prisma.$disconnect().finally(() => process.exit(0)));
  setTimeout(() => process.exit(1), 10_000).unref();
};
process.once('SIGTERM', shutdown);
process.once('SIGINT', shutdown);
