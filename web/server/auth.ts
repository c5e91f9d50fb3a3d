// The Better Auth instance: the only place that configures it. Email + password accounts in the shared
// database; sessions in a cookie; GET /api/auth/token exchanges that session for a short-lived access
// token in the API's contract (@taskgate/shared/token-contract): HS256 with JWT_SECRET by default, or with
// JWT_MODE=eddsa signed by Better Auth's own rotated Ed25519 keys, published at GET /api/auth/jwks.
// With REDIS_URL, rate-limit counters and a short-lived session cache live in the Redis that every
// replica shares; PostgreSQL keeps every session all the same. A session that ends revokes its access
// tokens at the API before their exp (session-revocation.ts).
import { JWKS_PATH, SESSION_ID_CLAIM } from '@taskgate/shared/token-contract';
import type { PrismaClient } from '@taskgate/prisma/client';
import { betterAuth } from 'better-auth';
import { prismaAdapter } from 'better-auth/adapters/prisma';
import { jwt, type JwtOptions } from 'better-auth/plugins/jwt';
import type { Redis } from 'ioredis';
import { createAccessTokenSigner } from './access-token-signer.ts';
import { CLIENT_IP_HEADER } from './client-ip.ts';
import type { AccessTokenSettings, WebConfig } from './config.ts';
import { createRedisSecondaryStorage } from './redis-storage.ts';
import { createSessionRevocation } from './session-revocation.ts';

export const AUTH_BASE_PATH = '/api/auth';

/**
 * Per client IP: at most `max` requests while the gaps between them stay under `window` seconds (in
 * Redis: within `window` seconds of the first). Better Auth's default (3 per 10 s) blocks a person after
 * two typos yet allows ~18 guesses a minute.
 */
export const SIGN_IN_LIMIT = { window: 60, max: 10 };
export const SIGN_UP_LIMIT = { window: 60, max: 5 };

/**
 * With Redis unreachable, these go on without a limit: PostgreSQL alone answers them, and a signed-in
 * person must keep their session. Every other limited path answers 503 (rate-limit-unavailable.ts).
 */
export const PATHS_UNLIMITED_WITHOUT_REDIS = ['/get-session', '/token', '/jwks', '/sign-out'] as const;

export interface AuthStores {
  /** REDIS_URL's client: shared rate limits and session cache. Without it, this process's memory. */
  redis?: Redis | undefined;
}

export function createAuth(config: WebConfig, prisma: PrismaClient, { redis }: AuthStores = {}) {
  const secondaryStorage = redis
    ? createRedisSecondaryStorage(redis, {
        keyPrefix: config.redisKeyPrefix,
        // A session ended while Redis was unreachable lingers in its cache no longer than an access token does.
        maxCacheSeconds: config.accessToken.lifetimeSeconds,
        failOpenPaths: PATHS_UNLIMITED_WITHOUT_REDIS,
      })
    : undefined;
  const revokeSession = createSessionRevocation(prisma, {
    tokenLifetimeSeconds: config.accessToken.lifetimeSeconds,
    redis,
    redisKeyPrefix: config.redisKeyPrefix,
  });
  return betterAuth({
    appName: 'Taskgate',
    baseURL: config.publicUrl,
    basePath: AUTH_BASE_PATH,
    secret: config.betterAuthSecret,
    // Sign-up writes user, account and session in one transaction, so a failure leaves no half-made user
    // (the email could then neither sign up nor sign in). Cost: Better Auth hashes inside it, so each
    // sign-up holds a connection ~150 ms (on embedded PGlite, which serialises transactions, the database).
    database: prismaAdapter(prisma, { provider: 'postgresql', transaction: true }),
    secondaryStorage,
    // With secondary storage Better Auth would keep sessions (and verification values) only there; in
    // PostgreSQL too, losing Redis's data signs nobody out, and reads fall back to it on a cache miss.
    session: { storeSessionInDatabase: true },
    databaseHooks: {
      session: {
        delete: {
          // Every way a session ends goes through here: sign-out, revoke-session, revoke-sessions,
          // revoke-other-sessions, a password change that revokes the others, a deleted user. Before the
          // delete, so a failure to record the revocation fails the sign-out (the person can retry)
          // rather than leave its tokens working unnoticed until exp.
          before: async (session) => {
            await revokeSession(session);
          },
        },
      },
    },
    verification: { storeInDatabase: true },
    emailAndPassword: { enabled: true, autoSignIn: true },
    rateLimit: {
      // Better Auth enables it only when NODE_ENV=production; ours follows AUTH_RATE_LIMIT in every mode.
      enabled: config.authRateLimit,
      // Memory counts per process: N replicas would allow N times the limit, hence Redis when there is one.
      storage: secondaryStorage ? 'secondary-storage' : 'memory',
      customRules: { '/sign-in/email': SIGN_IN_LIMIT, '/sign-up/email': SIGN_UP_LIMIT },
    },
    advanced: {
      // Set by our server from the socket (or the trusted proxy's hop), see client-ip.ts.
      ipAddress: { ipAddressHeaders: [CLIENT_IP_HEADER] },
      // Better Auth turns its Origin/CSRF checks off when NODE_ENV=test; pin them on so that tests
      // exercise the same path as production.
      disableOriginCheck: false,
      disableCSRFCheck: false,
    },
    telemetry: { enabled: false },
    plugins: [
      jwt({
        ...signingKeys(config.publicUrl, config.accessToken),
        // Tokens come from GET /api/auth/token only, not also from a header on every get-session call.
        disableSettingJwtHeader: true,
      }),
    ],
  });
}

export type Auth = ReturnType<typeof createAuth>;

/** The jwt plugin's keys and claims for JWT_MODE; the claims are the same in both modes. */
function signingKeys(publicUrl: string, settings: AccessTokenSettings): Pick<JwtOptions, 'jwks' | 'jwt'> {
  const claims = {
    issuer: settings.issuer,
    audience: settings.audience,
    expirationTime: `${settings.lifetimeSeconds}s`,
    // The default payload is the whole user row (email, name, ...). The API needs `sub`, which the
    // plugin sets to the user id after this, and `sid`, the session's id (never its token, which is a
    // credential), so that ending the session revokes the token; iat, exp, iss and aud come when signing.
    definePayload: ({ session }: { session: { id: string } }) => ({ [SESSION_ID_CLAIM]: session.id }),
  };
  if (settings.mode === 'eddsa') {
    return {
      // The plugin's own key pairs, private halves encrypted with BETTER_AUTH_SECRET in the jwks table.
      // A key signs for `rotationInterval`, then the next signing makes a new one; the retired key stays
      // in GET /api/auth/jwks for `gracePeriod` more, so the tokens it signed still verify.
      jwks: {
        keyPairConfig: { alg: 'EdDSA', crv: 'Ed25519' },
        rotationInterval: settings.keyRotationSeconds,
        gracePeriod: settings.keyGracePeriodSeconds,
      },
      jwt: claims,
    };
  }
  return {
    // HS256 mode: the plugin requires these two although nothing is fetched from remoteUrl; it makes
    // GET /api/auth/jwks answer 404, right since there is no public key to publish.
    jwks: { remoteUrl: `${publicUrl}${JWKS_PATH}`, keyPairConfig: { alg: 'EdDSA' } },
    jwt: { ...claims, sign: createAccessTokenSigner(settings.secret) },
  };
}
