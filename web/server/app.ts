// The web server as a fetch handler (it never listens; main.ts does): Better Auth at /api/auth/*, the
// public settings the SPA needs at /api/config, and in production the built SPA.
import type { HttpBindings } from '@hono/node-server';
import { INSTANCE_HEADER } from '@taskgate/shared/instance-id';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { AUTH_BASE_PATH, type Auth } from './auth.ts';
import { resolveClientIp, withClientIp } from './client-ip.ts';
import type { WebConfig } from './config.ts';
import { RateLimitUnavailableError, rateLimitUnavailableResponse } from './rate-limit-unavailable.ts';
import { withRetryAfter } from './retry-after.ts';
import { securityHeaders } from './security-headers.ts';
import { createSpaRoutes } from './spa.ts';

export interface WebAppOptions {
  config: WebConfig;
  auth: Auth;
  /** Directory of the built SPA (web/dist/spa); unset in development, where Vite serves it. */
  staticDir?: string;
  /** GET /readyz: false while draining before a stop, or when the database does not answer. */
  isReady?: () => Promise<boolean>;
}

/** What GET /api/config returns: settings the SPA reads at start-up instead of baking them into the build. */
export interface PublicConfig {
  apiUrl: string;
}

/** Sign-in and sign-up bodies are a few hundred bytes; refuse big ones before Better Auth parses them. */
const MAX_AUTH_BODY_BYTES = 16 * 1024;

// Bindings are absent when tests call app.fetch(request) without a socket, hence Partial.
export type WebApp = Hono<{ Bindings: Partial<HttpBindings> }>;

export function createWebApp({ config, auth, staticDir, isReady = async () => true }: WebAppOptions): WebApp {
  const app: WebApp = new Hono();
  app.use('*', securityHeaders(config));
  // Every response names the process that answered (replicas behind a load balancer).
  app.use('*', async (c, next) => {
    await next();
    c.res.headers.set(INSTANCE_HEADER, config.instanceId);
  });

  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  // The load balancer's check: 503 takes this replica out of rotation.
  app.get('/readyz', async (c) => ((await isReady()) ? c.json({ status: 'ready' }) : c.json({ status: 'not ready' }, 503)));
  app.get('/api/config', (c) => {
    c.header('Cache-Control', 'no-store');
    return c.json({ apiUrl: config.apiUrl } satisfies PublicConfig);
  });

  app.on(
    ['GET', 'POST'],
    `${AUTH_BASE_PATH}/*`,
    bodyLimit({ maxSize: MAX_AUTH_BODY_BYTES, onError: (c) => c.json({ message: 'Request body too large' }, 413) }),
    async (c) => {
      const clientIp = resolveClientIp(c.req.raw, c.env?.incoming?.socket.remoteAddress, config.trustProxy);
      try {
        return withRetryAfter(await auth.handler(withClientIp(c.req.raw, clientIp)));
      } catch (error) {
        // Better Auth lets its rate limiter's storage errors escape the handler (redis-storage.ts).
        if (error instanceof RateLimitUnavailableError) return rateLimitUnavailableResponse();
        throw error;
      }
    },
  );
  app.all('/api/*', (c) => c.json({ message: 'Not found' }, 404));

  if (staticDir) app.route('/', createSpaRoutes(staticDir));
  return app;
}
