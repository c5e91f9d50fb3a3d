// A real web server (Hono + Better Auth + Prisma) on the test database, driven through `app.fetch`
// with no port, as a browser on the SPA's origin would drive it.
import { randomUUID } from 'node:crypto';
import type { HttpBindings } from '@hono/node-server';
import type { PrismaClient } from '@taskgate/prisma/client';
import { inject } from 'vitest';
import { createWebApp, type WebApp } from '../../server/app.ts';
import { createAuth } from '../../server/auth.ts';
import { loadWebConfig, type WebConfig } from '../../server/config.ts';
import { createPrismaClient } from '../../server/db.ts';
import { closeRedisClient, createRedisClient } from '../../server/redis-client.ts';

/** Test-only secrets: long enough, distinct, and not the .env.example placeholders. */
export const testSecrets = {
  JWT_SECRET: 'taskgate-web-tests-jwt-secret-0123456789abcdef',
  BETTER_AUTH_SECRET: 'taskgate-web-tests-better-auth-secret-9876543210',
} as const;

export const TEST_PASSWORD = 'correct horse battery staple';

/** The environment every test server starts from; rate limiting is off unless a test turns it on. */
export function testEnv(overrides: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { NODE_ENV: 'test', DATABASE_URL: inject('databaseUrl'), AUTH_RATE_LIMIT: 'false', ...testSecrets, ...overrides };
}

export interface Credentials {
  email: string;
  password: string;
}

export interface RequestOptions {
  /** The peer address of the (simulated) TCP connection. */
  socketAddress?: string;
  headers?: Record<string, string>;
}

export interface WebHarness {
  config: WebConfig;
  app: WebApp;
  prisma: PrismaClient;
  request(path: string, init?: RequestInit & RequestOptions): Promise<Response>;
  signUp(credentials: Credentials, options?: RequestOptions): Promise<Response>;
  signIn(credentials: Credentials, options?: RequestOptions): Promise<Response>;
  /** Signs a new user up and returns the Cookie header value of their session. */
  newSession(label?: string, options?: RequestOptions): Promise<{ credentials: Credentials; cookie: string; userId: string }>;
  /** Resolves once this server's Redis connection is ready (at once without REDIS_URL): before, it queues nothing. */
  redisReady(): Promise<void>;
  close(): Promise<void>;
}

export function createWebHarness(envOverrides: NodeJS.ProcessEnv = {}, options: { staticDir?: string } = {}): WebHarness {
  const config = loadWebConfig(testEnv(envOverrides));
  const prisma = createPrismaClient(config.database.url);
  // As main.ts does: a client of its own per server, so two harnesses are two replicas.
  const redis = config.redisUrl ? createRedisClient(config.redisUrl) : undefined;
  const auth = createAuth(config, prisma, { redis });
  const app = createWebApp({ config, auth, staticDir: options.staticDir });

  const request: WebHarness['request'] = (path, { socketAddress, ...init } = {}) =>
    Promise.resolve(app.fetch(new Request(new URL(path, config.publicUrl), init), socketBindings(socketAddress)));
  const postJson = (path: string, body: unknown, { socketAddress, headers }: RequestOptions = {}) =>
    request(path, {
      method: 'POST',
      socketAddress,
      // A browser on our own origin sends Origin on every POST; Better Auth checks it.
      headers: { 'content-type': 'application/json', origin: config.publicUrl, ...headers },
      body: JSON.stringify(body),
    });

  const harness: WebHarness = {
    config,
    app,
    prisma,
    request,
    signUp: ({ email, password }, options) => postJson('/api/auth/sign-up/email', { email, password, name: email.split('@')[0] }, options),
    signIn: ({ email, password }, options) => postJson('/api/auth/sign-in/email', { email, password }, options),
    async newSession(label = 'user', options) {
      const credentials = { email: uniqueEmail(label), password: TEST_PASSWORD };
      const response = await harness.signUp(credentials, options);
      if (response.status !== 200) throw new Error(`sign-up failed: ${response.status} ${await response.text()}`);
      const { user } = (await response.json()) as { user: { id: string } };
      return { credentials, cookie: cookieHeaderFrom(response), userId: user.id };
    },
    redisReady: () => new Promise((resolve) => (!redis || redis.status === 'ready' ? resolve() : redis.once('ready', () => resolve()))),
    close: async () => {
      await Promise.all([prisma.$disconnect(), redis && closeRedisClient(redis)]);
    },
  };
  return harness;
}

export function uniqueEmail(label: string): string {
  return `${label}-${randomUUID()}@taskgate.test`;
}

/** The Cookie request header a browser would send back after this response's Set-Cookie headers. */
export function cookieHeaderFrom(response: Response): string {
  return response.headers
    .getSetCookie()
    .map((cookie) => cookie.split(';', 1)[0])
    .join('; ');
}

/** The session token inside Better Auth's signed session cookie (`<token>.<signature>`), from a Cookie header. */
export function sessionTokenFrom(cookieHeader: string): string {
  const name = 'better-auth.session_token=';
  const value = cookieHeader
    .split('; ')
    .find((cookie) => cookie.startsWith(name))
    ?.slice(name.length);
  if (!value) throw new Error(`no session cookie in "${cookieHeader}"`);
  return decodeURIComponent(value).split('.')[0] as string;
}

/** What @hono/node-server passes as bindings: the Node request, whose socket knows the peer address. */
function socketBindings(remoteAddress: string | undefined): Partial<HttpBindings> | undefined {
  if (remoteAddress === undefined) return undefined;
  return { incoming: { socket: { remoteAddress } } } as unknown as Partial<HttpBindings>;
}
