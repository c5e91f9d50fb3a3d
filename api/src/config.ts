// Every environment variable the API reads, parsed and validated once at boot. Anything wrong stops
// the process with a message naming the variable; nothing else in the API reads process.env.
import { availableParallelism } from 'node:os';
import { resolveDatabaseTarget, type DatabaseTarget } from '@taskgate/prisma/database';
import { parseInstanceId } from '@taskgate/shared/instance-id';
import type { JwksSettings } from './auth/remote-key-set.ts';
import { DEFAULT_AUDIENCE, DEFAULT_ISSUER } from '@taskgate/shared/token-contract';
import { parseLogLevel, type LogLevel } from './observability/logger.ts';
import {
  boolean, duration, envReader, httpUrl, integer, nonEmpty, parseJwtMode, parseNodeEnv, parsePreviousSecret, parseRedisKeyPrefix, parseRedisUrl,
  parseSecret, type NodeEnv,
} from '@taskgate/shared/env-parsing';

export { ConfigError } from '@taskgate/shared/env-parsing';

/** What every token must satisfy, whichever key signed it. */
interface JwtClaimSettings {
  issuer: string;
  audience: string;
  clockToleranceSeconds: number;
  /** Authorization header values longer than this are refused before any parsing. */
  maxTokenBytes: number;
}

/** JWT_MODE=hs256 (the default, also when `mode` is absent): a secret shared with the web tier. */
export interface SharedSecretJwtSettings extends JwtClaimSettings {
  mode?: 'hs256';
  /** HMAC key for HS256 (JWT_SECRET); at least 32 bytes (RFC 7518 §3.2: key as long as the hash). */
  secret: Uint8Array;
  /** JWT_SECRET_PREVIOUS: still verifies, never signs, while a secret is being rotated. */
  previousSecret?: Uint8Array;
}

/** JWT_MODE=eddsa: the web tier's Ed25519 public keys, fetched from its JWKS. */
export interface PublicKeyJwtSettings extends JwtClaimSettings {
  mode: 'eddsa';
  jwks: JwksSettings;
}

export type JwtSettings = SharedSecretJwtSettings | PublicKeyJwtSettings;

/** How long a fetch of JWT_JWKS_URL may take before verification treats the JWKS as unreachable. */
const JWKS_FETCH_TIMEOUT_MS = 2000;

export interface ApiConfig {
  env: NodeEnv;
  host: string;
  port: number;
  database: DatabaseTarget;
  databasePoolSize: number;
  /** DATABASE_RLS: run every request's queries as the non-owner role `taskgate_api` under row-level security. */
  databaseRowLevelSecurity: boolean;
  jwt: JwtSettings;
  graphiql: boolean;
  /** LOG_LEVEL: pino level of the JSON logs on stdout; `silent` turns them off. */
  logLevel: LogLevel;
  /** WEB_ORIGIN: the web app's origin, the only one CORS lets call the API from a browser. */
  webOrigin: string;
  /** INSTANCE_ID: names this process in the x-taskgate-instance response header. */
  instanceId: string;
  /** API_WORKERS: processes serving the port (node:cluster); 1 runs the server in this process. */
  workers: number;
  /** SHUTDOWN_DELAY: seconds of draining (readiness 503) between SIGTERM and closing the listener. */
  shutdownDelaySeconds: number;
  /**
   * REDIS_URL: task events reach the subscribers on every API process, and revocations every API
   * process, through Redis pub/sub. Unset: task events stay in this process and revocations come from
   * PostgreSQL (LISTEN/NOTIFY, or polling on the embedded database).
   */
  redisUrl: string | undefined;
  /** REDIS_KEY_PREFIX: starts every Redis channel this deployment uses (shared with the web tier). */
  redisKeyPrefix: string;
  /** SUBSCRIPTIONS_PER_USER / MAX_SUBSCRIPTIONS: open event streams allowed per user and in all, per process. */
  subscriptionLimits: SubscriptionLimits;
}

export interface SubscriptionLimits {
  perUser: number;
  total: number;
}

export const DEFAULT_SUBSCRIPTION_LIMITS: SubscriptionLimits = { perUser: 10, total: 10_000 };

export const DEFAULT_WEB_ORIGIN = 'http://localhost:3000';

export function loadConfig(env: NodeJS.ProcessEnv = process.env): ApiConfig {
  const { read, done } = envReader(env);

  const nodeEnv = read('NODE_ENV', parseNodeEnv, 'development');
  // GraphiQL is a development tool: off in production unless GRAPHIQL=true says otherwise.
  const graphiqlByDefault = nodeEnv !== 'production';
  // Every core in production; one process in development and tests (watch mode, debuggers).
  const workersByDefault = nodeEnv === 'production' ? availableParallelism() : 1;

  const config: ApiConfig = {
    env: nodeEnv,
    host: read('API_HOST', (raw) => nonEmpty(raw) ?? '127.0.0.1', '127.0.0.1'),
    port: read('API_PORT', (raw) => integer(raw, 4000, 0, 65535), 4000),
    database: read('DATABASE_URL', () => resolveDatabaseTarget(env), { url: '', embedded: true }),
    databasePoolSize: read('DATABASE_POOL_SIZE', (raw) => integer(raw, 10, 1, 200), 10),
    databaseRowLevelSecurity: read('DATABASE_RLS', parseOnOff, false),
    jwt: readJwtSettings(read),
    graphiql: read('GRAPHIQL', (raw) => boolean(raw, graphiqlByDefault), graphiqlByDefault),
    logLevel: read('LOG_LEVEL', parseLogLevel, 'info'),
    webOrigin: read('WEB_ORIGIN', parseOrigin, DEFAULT_WEB_ORIGIN),
    instanceId: read('INSTANCE_ID', parseInstanceId, ''),
    workers: read('API_WORKERS', (raw) => integer(raw, workersByDefault, 1, 64), 1),
    shutdownDelaySeconds: read('SHUTDOWN_DELAY', (raw) => duration(raw, '0s', '0s', '60s'), 0),
    redisUrl: read('REDIS_URL', parseRedisUrl, undefined),
    redisKeyPrefix: read('REDIS_KEY_PREFIX', parseRedisKeyPrefix, ''),
    subscriptionLimits: {
      perUser: read('SUBSCRIPTIONS_PER_USER', (raw) => integer(raw, DEFAULT_SUBSCRIPTION_LIMITS.perUser, 1, 1000), 0),
      total: read('MAX_SUBSCRIPTIONS', (raw) => integer(raw, DEFAULT_SUBSCRIPTION_LIMITS.total, 1, 1_000_000), 0),
    },
  };

  done();
  return config;
}

function readJwtSettings(read: ReturnType<typeof envReader>['read']): JwtSettings {
  const mode = read('JWT_MODE', parseJwtMode, 'hs256');
  const claims: JwtClaimSettings = {
    issuer: read('JWT_ISSUER', (raw) => nonEmpty(raw) ?? DEFAULT_ISSUER, ''),
    audience: read('JWT_AUDIENCE', (raw) => nonEmpty(raw) ?? DEFAULT_AUDIENCE, ''),
    clockToleranceSeconds: read('JWT_CLOCK_TOLERANCE_SECONDS', (raw) => integer(raw, 5, 0, 5), 5),
    maxTokenBytes: read('JWT_MAX_TOKEN_BYTES', (raw) => integer(raw, 4096, 256, 16384), 4096),
  };
  if (mode === 'eddsa') {
    // JWT_SECRET is not read in this mode: the API holds no key that could sign a token.
    const url = read('JWT_JWKS_URL', parseJwksUrl, new URL('http://invalid'));
    const cooldownMs = read('JWT_JWKS_COOLDOWN', (raw) => duration(raw, '10s', '1s', '1h'), 0) * 1000;
    const cacheMaxAgeMs = read('JWT_JWKS_CACHE_MAX_AGE', (raw) => duration(raw, '10m', '10s', '1d'), 0) * 1000;
    return { mode, ...claims, jwks: { url, cooldownMs, cacheMaxAgeMs, timeoutMs: JWKS_FETCH_TIMEOUT_MS } };
  }
  const secret = read('JWT_SECRET', parseSecret, new Uint8Array());
  const previousSecret = read('JWT_SECRET_PREVIOUS', (raw) => parsePreviousSecret(raw, secret), undefined);
  return { mode, ...claims, secret, ...(previousSecret ? { previousSecret } : {}) };
}

function parseJwksUrl(raw: string | undefined): URL {
  if (nonEmpty(raw) === undefined) {
    throw new Error('is required with JWT_MODE=eddsa: the web tier\'s JWKS, e.g. https://tasks.example.com/api/auth/jwks');
  }
  return httpUrl(raw, '');
}

/**
 * DATABASE_RLS: on or off (default). Off by default because it costs more than the 15 % of throughput
 * the project allows an always-on feature (docs/decisions/0005-row-level-security.md, docs/benchmarks.md).
 */
function parseOnOff(raw: string | undefined): boolean {
  const value = nonEmpty(raw)?.toLowerCase() ?? 'off';
  if (value === 'on') return true;
  if (value === 'off') return false;
  throw new Error(`must be on or off, got "${value}"`);
}

/** WEB_ORIGIN: scheme, host and port only, as browsers send it in the Origin header. */
function parseOrigin(raw: string | undefined): string {
  const url = httpUrl(raw, DEFAULT_WEB_ORIGIN);
  if (url.pathname !== '/' || url.search || url.hash || url.username) {
    throw new Error(`must be an origin such as https://tasks.example.com (no path), got "${raw}"`);
  }
  return url.origin;
}
