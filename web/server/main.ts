// Boots the web server: config, database client, Better Auth, HTTP server and its lifecycle (draining
// on SIGTERM behind a load balancer, then exit 0).
import { existsSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { manageHttpLifecycle } from '@taskgate/shared/http-lifecycle';
import { loadLocalEnv } from '@taskgate/shared/local-env';
import { packageDirectory } from '@taskgate/shared/package-directory';
import { createWebApp } from './app.ts';
import { createAuth } from './auth.ts';
import { ConfigError, loadWebConfig } from './config.ts';
import { createPrismaClient } from './db.ts';
import { closeRedisClient, createRedisClient } from './redis-client.ts';

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
const redis = config.redisUrl ? createRedisClient(config.redisUrl) : undefined;
// In development Vite serves the SPA; in production this server does, from the build output.
const spaBuild = join(packageDirectory(import.meta.url), 'dist', 'spa');
const staticDir = config.env === 'production' && existsSync(spaBuild) ? spaBuild : undefined;
if (config.env === 'production' && !staticDir) console.warn(`No SPA build in ${spaBuild}: run \`pnpm build\``);

let lifecycle: { readonly draining: boolean } | undefined;
const isReady = async () => {
  if (lifecycle?.draining) return false;
  return prisma.$queryRaw`SELECT 1`.then(
    () => true,
    () => false,
  );
};
const app = createWebApp({ config, auth: createAuth(config, prisma, { redis }), staticDir, isReady });

const server = serve({ fetch: app.fetch, hostname: config.host, port: config.port }, (info) => {
  const database = config.database.embedded ? 'embedded PGlite' : 'PostgreSQL (DATABASE_URL)';
  console.log(`Taskgate web on http://${config.host}:${info.port} (public URL ${config.publicUrl}, ${database})`);
});
lifecycle = manageHttpLifecycle(server as Server, {
  shutdownDelaySeconds: config.shutdownDelaySeconds,
  onClosed: async () => {
    await Promise.all([prisma.$disconnect(), redis && closeRedisClient(redis)]);
  },
});
