// The built system scaled out on one machine: 2 API replicas and 2 web replicas (plain `node` on the
// build), HAProxy in front with the compose file's configuration, Redis behind a TCP proxy the suite
// can cut, and a fresh PostgreSQL database. start() brings it all up; stop() leaves nothing behind.
import { randomBytes } from 'node:crypto';
import { startDatabaseProxy, type DatabaseProxy } from '../../../api/test/faults/support/tcp-proxy.ts';
import { TEST_SECRET, testJwtSettings } from '../../../api/test/support/tokens.ts';
import { createTestDatabase, freePort, type TestDatabase } from '../../test-database.ts';
import { LoadBalancer } from './haproxy.ts';
import { BUILT_ENTRY_POINTS, type ScaleOutServices } from './prerequisites.ts';
import { Replica } from './replica.ts';

/** Several times what HAProxy needs to take a draining replica out (3 failed checks, about 1 s). */
export const SHUTDOWN_DELAY_SECONDS = 5;

export interface ScaledSystem {
  origin: string;
  databaseUrl: string;
  /** Key prefix of this run in the shared Redis. */
  redisPrefix: string;
  redis: DatabaseProxy;
  loadBalancer: LoadBalancer;
  api: [Replica, Replica];
  web: [Replica, Replica];
  stop(): Promise<void>;
}

/** `loadBalancerPort`: where the public origin listens (default: a free port). */
export async function startScaledSystem(services: ScaleOutServices, loadBalancerPort?: number): Promise<ScaledSystem> {
  const started: { stop(): Promise<void> }[] = [];
  const stopAll = async () => {
    for (const part of started.reverse()) await part.stop().catch(() => undefined);
  };
  try {
    const database: TestDatabase = await createTestDatabase({ TEST_DATABASE_URL: services.postgresUrl }, 'taskgate_scaleout');
    started.push({ stop: database.teardown });
    const redis = await startDatabaseProxy(services.redisUrl);
    started.push({ stop: () => redis.close() });
    const redisPrefix = `taskgate-scaleout-${randomBytes(4).toString('hex')}:`;

    const lbPort = loadBalancerPort ?? (await freePort());
    const origin = `http://127.0.0.1:${lbPort}`;
    const common = {
      NODE_ENV: 'production',
      DATABASE_URL: database.url,
      JWT_SECRET: TEST_SECRET,
      JWT_ISSUER: testJwtSettings.issuer,
      JWT_AUDIENCE: testJwtSettings.audience,
      SHUTDOWN_DELAY: `${SHUTDOWN_DELAY_SECONDS}s`,
      LOG_LEVEL: 'warn',
    };
    // Both tiers share Redis: task events reach every API replica's subscribers, and the web replicas'
    // sign-outs reach every API replica (docs/decisions/0011-live-updates-and-revocation.md).
    const apiEnv = { ...common, API_HOST: '127.0.0.1', WEB_ORIGIN: origin, API_WORKERS: '1', REDIS_URL: redis.url, REDIS_KEY_PREFIX: redisPrefix };
    const webEnv = {
      ...common,
      WEB_HOST: '127.0.0.1',
      BETTER_AUTH_URL: origin,
      BETTER_AUTH_SECRET: `scale-out-better-auth-secret-${randomBytes(16).toString('hex')}`,
      API_URL: `${origin}/graphql`,
      JWT_EXPIRES_IN: '15m',
      TRUST_PROXY: 'true',
      AUTH_RATE_LIMIT: 'true',
      REDIS_URL: redis.url,
      REDIS_KEY_PREFIX: redisPrefix,
    };
    const replica = async (tier: 'api' | 'web', index: number) => {
      const port = await freePort();
      const env = tier === 'api' ? { ...apiEnv, API_PORT: String(port) } : { ...webEnv, WEB_PORT: String(port) };
      return new Replica({ name: `${tier}-${index}`, entry: BUILT_ENTRY_POINTS[tier], port, env });
    };
    const api: [Replica, Replica] = [await replica('api', 1), await replica('api', 2)];
    const web: [Replica, Replica] = [await replica('web', 1), await replica('web', 2)];
    for (const part of [...api, ...web]) started.push({ stop: () => part.kill() });
    await Promise.all([...api, ...web].map((part) => part.start()));

    const servers = { api: api.map(({ name, options }) => ({ name, port: options.port })), web: web.map(({ name, options }) => ({ name, port: options.port })) };
    const loadBalancer = new LoadBalancer(services.haproxy, lbPort, servers);
    started.push({ stop: () => loadBalancer.stop() });
    await loadBalancer.start();

    return { origin, databaseUrl: database.url, redisPrefix, redis, loadBalancer, api, web, stop: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
