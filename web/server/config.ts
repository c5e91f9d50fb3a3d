// Every environment variable the web server reads, parsed and validated once at boot. Anything wrong
// stops the process with a message naming the variable; nothing else in web/server reads process.env.
import { boolean, envReader, httpUrl, integer, nonEmpty, parseNodeEnv, parseSecret, type NodeEnv } from '@taskgate/api/env-parsing';
import { DEFAULT_AUDIENCE, DEFAULT_ISSUER, DEFAULT_LIFETIME } from '@taskgate/api/token-contract';
import { resolveDatabaseTarget, type DatabaseTarget } from '@taskgate/prisma/database';

export interface AccessTokenSettings {
  /** HS256 key shared with the API (JWT_SECRET); at least 32 bytes. */
  secret: Uint8Array;
  issuer: string;
  audience: string;
  /** Token lifetime (JWT_EXPIRES_IN) in seconds. */
  lifetimeSeconds: number;
}

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
}

export { ConfigError } from '@taskgate/api/env-parsing';

const MAX_LIFETIME_SECONDS = 24 * 60 * 60;

export function loadWebConfig(env: NodeJS.ProcessEnv = process.env): WebConfig {
  const { read, done } = envReader(env);

  const jwtSecret = read('JWT_SECRET', parseSecret, new Uint8Array());
  const config: WebConfig = {
    env: read('NODE_ENV', parseNodeEnv, 'development'),
    host: read('WEB_HOST', (raw) => nonEmpty(raw) ?? '127.0.0.1', '127.0.0.1'),
    port: read('WEB_PORT', (raw) => integer(raw, 3000, 0, 65535), 3000),
    publicUrl: read('BETTER_AUTH_URL', parsePublicUrl, ''),
    betterAuthSecret: read('BETTER_AUTH_SECRET', (raw) => parseBetterAuthSecret(raw, jwtSecret), ''),
    accessToken: {
      secret: jwtSecret,
      issuer: read('JWT_ISSUER', (raw) => nonEmpty(raw) ?? DEFAULT_ISSUER, ''),
      audience: read('JWT_AUDIENCE', (raw) => nonEmpty(raw) ?? DEFAULT_AUDIENCE, ''),
      lifetimeSeconds: read('JWT_EXPIRES_IN', parseLifetime, 0),
    },
    trustProxy: read('TRUST_PROXY', (raw) => boolean(raw, false), false),
    authRateLimit: read('AUTH_RATE_LIMIT', (raw) => boolean(raw, true), true),
    database: read('DATABASE_URL', () => resolveDatabaseTarget(env), { url: '', embedded: true }),
    apiUrl: read('API_URL', (raw) => httpUrl(raw, 'http://localhost:4000/graphql').href, ''),
  };

  done();
  return config;
}

function parseBetterAuthSecret(raw: string | undefined, jwtSecret: Uint8Array): string {
  const bytes = parseSecret(raw);
  // Sharing it would let anyone who can verify API tokens also forge Better Auth cookies, and vice versa.
  if (jwtSecret.byteLength > 0 && Buffer.from(bytes).equals(Buffer.from(jwtSecret))) {
    throw new Error('must differ from JWT_SECRET (each secret protects a different thing)');
  }
  return raw as string;
}

/** `<n>s`, `<n>m`, `<n>h` or `<n>d`, between 1 second and 1 day: access tokens are meant to be short-lived. */
function parseLifetime(raw: string | undefined): number {
  const value = nonEmpty(raw) ?? DEFAULT_LIFETIME;
  const match = /^(\d+)(s|m|h|d)$/.exec(value);
  const unitSeconds = { s: 1, m: 60, h: 3600, d: 86400 } as const;
  const seconds = match ? Number(match[1]) * unitSeconds[match[2] as keyof typeof unitSeconds] : Number.NaN;
  if (!(seconds >= 1 && seconds <= MAX_LIFETIME_SECONDS)) {
    throw new Error(`must be a duration such as 15m, 90s or 1h, from 1s to 1d, got "${value}"`);
  }
  return seconds;
}



/** An origin only: Better Auth's routes are mounted at /api/auth on this server's root. */
function parsePublicUrl(raw: string | undefined): string {
  const url = httpUrl(raw, 'http://localhost:3000');
  if (url.pathname !== '/' || url.search || url.hash) {
    throw new Error(`must be an origin such as https://tasks.example.com (no path), got "${url.href}"`);
  }
  return url.origin;
}
