// Every environment variable the web server reads, parsed and validated once at boot. Anything wrong
// stops the process with a message naming the variable; nothing else in web/server reads process.env.
import {
  boolean, duration, envReader, httpUrl, integer, nonEmpty, parseJwtMode, parseNodeEnv, parseRedisKeyPrefix, parseRedisUrl, parseSecret, type NodeEnv,
} from '@taskgate/shared/env-parsing';
import { DEFAULT_AUDIENCE, DEFAULT_ISSUER, DEFAULT_LIFETIME } from '@taskgate/shared/token-contract';
import { resolveDatabaseTarget, type DatabaseTarget } from '@taskgate/prisma/database';
import { parseInstanceId } from '@taskgate/shared/instance-id';

interface AccessTokenClaimSettings {
  issuer: string;
  audience: string;
  /** Token lifetime (JWT_EXPIRES_IN) in seconds. */
  lifetimeSeconds: number;
}

/** JWT_MODE=hs256: tokens signed with the secret shared with the API. */
export interface SharedSecretSigning extends AccessTokenClaimSettings {
  mode: 'hs256';
  /** HS256 key shared with the API (JWT_SECRET); at least 32 bytes. */
  secret: Uint8Array;
}

/** JWT_MODE=eddsa: Better Auth's own Ed25519 keys (jwks table), rotated, public halves at /api/auth/jwks. */
export interface KeyPairSigning extends AccessTokenClaimSettings {
  mode: 'eddsa';
  /** JWT_KEY_ROTATION_INTERVAL: a key signs for this long, then a new one is made. */
  keyRotationSeconds: number;
  /** JWT_KEY_GRACE_PERIOD: a retired key stays published this long, so its tokens still verify. */
  keyGracePeriodSeconds: number;
}

export type AccessTokenSettings = SharedSecretSigning | KeyPairSigning;

export interface WebConfig {
  env: NodeEnv;
  host: string;
  port: number;
  /** The origin browsers use to reach this server (BETTER_AUTH_URL), e.g. http://localhost:3000. */
  publicUrl: string;
  /** Better Auth's own secret: encrypts and signs its cookies; never used for access tokens. */
  betterAuthSecret: string;
  accessToken: AccessTokenSettings;
  /** Take the client IP from X-Forwarded-For (set by a reverse proxy) instead of the socket. */
  trustProxy: boolean;
  /** Rate-limit sign-in and sign-up per client IP. */
  authRateLimit: boolean;
  database: DatabaseTarget;
  /** GraphQL endpoint the SPA talks to; also allowed in the Content-Security-Policy. */
  apiUrl: string;
  /** INSTANCE_ID: names this process in the x-taskgate-instance response header. */
  instanceId: string;
  /** SHUTDOWN_DELAY: seconds of draining (readiness 503) between SIGTERM and closing the listener. */
  shutdownDelaySeconds: number;
  /**
   * REDIS_URL: the store every replica shares for rate limits and Better Auth's session cache. Unset: the
   * limits live in this process's memory (one web process, the quick start).
   */
  redisUrl: string | undefined;
  /** REDIS_KEY_PREFIX: starts every key this deployment keeps in Redis, so several can share one. */
  redisKeyPrefix: string;
}

export { ConfigError } from '@taskgate/shared/env-parsing';

export function loadWebConfig(env: NodeJS.ProcessEnv = process.env): WebConfig {
  const { read, done } = envReader(env);

  const jwtMode = read('JWT_MODE', parseJwtMode, 'hs256');
  // In eddsa mode there is no shared secret: JWT_SECRET is not read.
  const jwtSecret = jwtMode === 'hs256' ? read('JWT_SECRET', parseSecret, new Uint8Array()) : new Uint8Array();
  const config: WebConfig = {
    env: read('NODE_ENV', parseNodeEnv, 'development'),
    host: read('WEB_HOST', (raw) => nonEmpty(raw) ?? '127.0.0.1', '127.0.0.1'),
    port: read('WEB_PORT', (raw) => integer(raw, 3000, 0, 65535), 3000),
    publicUrl: read('BETTER_AUTH_URL', parsePublicUrl, ''),
    betterAuthSecret: read('BETTER_AUTH_SECRET', (raw) => parseBetterAuthSecret(raw, jwtSecret), ''),
    accessToken: readAccessTokenSettings(read, jwtMode, jwtSecret),
    trustProxy: read('TRUST_PROXY', (raw) => boolean(raw, false), false),
    authRateLimit: read('AUTH_RATE_LIMIT', (raw) => boolean(raw, true), true),
    database: read('DATABASE_URL', () => resolveDatabaseTarget(env), { url: '', embedded: true }),
    apiUrl: read('API_URL', (raw) => httpUrl(raw, 'http://localhost:4000/graphql').href, ''),
    instanceId: read('INSTANCE_ID', parseInstanceId, ''),
    shutdownDelaySeconds: read('SHUTDOWN_DELAY', (raw) => duration(raw, '0s', '0s', '60s'), 0),
    redisUrl: read('REDIS_URL', parseRedisUrl, undefined),
    redisKeyPrefix: read('REDIS_KEY_PREFIX', parseRedisKeyPrefix, ''),
  };

  done();
  return config;
}

function readAccessTokenSettings(
  read: ReturnType<typeof envReader>['read'],
  mode: AccessTokenSettings['mode'],
  secret: Uint8Array,
): AccessTokenSettings {
  const claims: AccessTokenClaimSettings = {
    issuer: read('JWT_ISSUER', (raw) => nonEmpty(raw) ?? DEFAULT_ISSUER, ''),
    audience: read('JWT_AUDIENCE', (raw) => nonEmpty(raw) ?? DEFAULT_AUDIENCE, ''),
    lifetimeSeconds: read('JWT_EXPIRES_IN', parseLifetime, 0),
  };
  if (mode === 'hs256') return { mode, ...claims, secret };
  return {
    mode,
    ...claims,
    keyRotationSeconds: read('JWT_KEY_ROTATION_INTERVAL', (raw) => duration(raw, '30d', '1h', '365d'), 0),
    // A token signed just before its key retires must verify until it expires.
    keyGracePeriodSeconds: read('JWT_KEY_GRACE_PERIOD', (raw) => parseGracePeriod(raw, claims.lifetimeSeconds), 0),
  };
}

function parseGracePeriod(raw: string | undefined, lifetimeSeconds: number): number {
  const seconds = duration(raw, '1d', '1m', '365d');
  if (seconds < lifetimeSeconds) throw new Error(`must be at least JWT_EXPIRES_IN (${lifetimeSeconds}s): tokens of a retired key must verify until they expire`);
  return seconds;
}

function parseBetterAuthSecret(raw: string | undefined, jwtSecret: Uint8Array): string {
  const bytes = parseSecret(raw);
  // Sharing it would let anyone who can verify API tokens also forge Better Auth cookies, and vice versa.
  if (jwtSecret.byteLength > 0 && Buffer.from(bytes).equals(Buffer.from(jwtSecret))) {
    throw new Error('must differ from JWT_SECRET (each secret protects a different thing)');
  }
  return raw as string;
}

/** Between 1 second and 1 day: access tokens are meant to be short-lived. */
function parseLifetime(raw: string | undefined): number {
  return duration(raw, DEFAULT_LIFETIME, '1s', '1d');
}

/** An origin only: Better Auth's routes are mounted at /api/auth on this server's root. */
function parsePublicUrl(raw: string | undefined): string {
  const url = httpUrl(raw, 'http://localhost:3000');
  if (url.pathname !== '/' || url.search || url.hash) {
    throw new Error(`must be an origin such as https://tasks.example.com (no path), got "${url.href}"`);
  }
  return url.origin;
}
