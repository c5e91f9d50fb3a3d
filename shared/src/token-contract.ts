// The access-token contract between the web tier, which signs (Better Auth's jwt plugin), and the
// API, which verifies (api/src/auth/verify.ts). Both tiers import these names; tests on both sides use them.
//
//   JWT_MODE=hs256 (default)  header { alg: "HS256", typ: "JWT" }   key: JWT_SECRET (>= 32 bytes);
//                             the API also accepts JWT_SECRET_PREVIOUS while a secret is rotated
//   JWT_MODE=eddsa            header { alg: "EdDSA", kid }           key: the web tier's Ed25519 key
//                             with that kid, published at JWKS_PATH (the API reads JWT_JWKS_URL)
//   claims   sub = user id, sid = the Better Auth session's id (SESSION_ID_CLAIM), iss = JWT_ISSUER,
//            aud = JWT_AUDIENCE, iat, exp (lifetime JWT_EXPIRES_IN); nothing else: no email, no name
//            (the API reads the user from the database)
//
//   sid names the session the token was issued for, so ending that session (sign-out, Better Auth's
//   revoke endpoints) revokes its tokens before exp: the web tier records the id in the table
//   revoked_session and pushes it on REVOCATION_CHANNEL; every API process refuses tokens whose sid it
//   holds (docs/decisions/0011-live-updates-and-revocation.md). It is the session row's `id`, never its
//   `token`: the id is not a credential (Better Auth never accepts it in place of the cookie), the token is.

export const JWT_MODES = ['hs256', 'eddsa'] as const;
export type JwtMode = (typeof JWT_MODES)[number];
export const DEFAULT_JWT_MODE: JwtMode = 'hs256';
/** The one algorithm each mode signs and accepts (RFC 8725 §3.1: never let the token choose). */
export const ALGORITHM_OF_MODE = { hs256: 'HS256', eddsa: 'EdDSA' } as const satisfies Record<JwtMode, string>;
/** Where the web tier publishes its public keys in eddsa mode (Better Auth's jwt plugin, /api/auth/jwks). */
export const JWKS_PATH = '/api/auth/jwks';

export const ACCESS_TOKEN_ALGORITHM = ALGORITHM_OF_MODE.hs256;
export const ACCESS_TOKEN_TYPE = 'JWT';
/** The claim naming the Better Auth session (its `id`) a token was issued for. */
export const SESSION_ID_CLAIM = 'sid';
/** Claims that must be present; iss and aud are also required, by value. */
export const REQUIRED_CLAIMS = ['exp', 'sub', SESSION_ID_CLAIM] as const;
export const DEFAULT_ISSUER = 'taskgate-web';
export const DEFAULT_AUDIENCE = 'taskgate-api';
export const DEFAULT_LIFETIME = '15m';
export const MIN_SECRET_BYTES = 32;

/**
 * Revoked sessions: the web tier inserts a row into this table when a session ends, and every API
 * process keeps the unexpired ids in memory. The migration's trigger sends each insert's row as a
 * PostgreSQL NOTIFY on REVOCATION_NOTIFY_CHANNEL; with REDIS_URL the web tier also publishes it on
 * `${REDIS_KEY_PREFIX}${REVOCATION_REDIS_CHANNEL}`. Both carry a RevocationMessage as JSON.
 */
export const REVOCATION_TABLE = 'revoked_session';
export const REVOCATION_NOTIFY_CHANNEL = 'taskgate_revoked_sessions';
export const REVOCATION_REDIS_CHANNEL = 'revoked-sessions';

export interface RevocationMessage {
  /** The Better Auth session id: the `sid` of its access tokens. */
  sessionId: string;
  /** Epoch milliseconds after which no token of that session can still be alive. */
  keepUntil: number;
  /** The row's place in the table's sequence: a gap tells a listener it missed one. */
  seq: number;
}

/**
 * How long after a revocation its tokens may still be presented: the longest lifetime a token of the
 * session can have had, plus a minute for a token signed while the sign-out was under way and for
 * clock tolerance. After that, the id is dropped from memory and the row may be deleted.
 */
export function revocationKeepUntil(revokedAt: Date, tokenLifetimeSeconds: number): Date {
  return new Date(revokedAt.getTime() + (tokenLifetimeSeconds + 60) * 1000);
}
