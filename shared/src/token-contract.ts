// The access-token contract between the web tier, which signs (Better Auth's jwt plugin), and the
// API, which verifies (api/src/auth/verify.ts). Both tiers import these names; tests on both sides use them.
//
//   JWT_MODE=hs256 (default)  header { alg: "HS256", typ: "JWT" }   key: JWT_SECRET (>= 32 bytes);
//                             the API also accepts JWT_SECRET_PREVIOUS while a secret is rotated
//   JWT_MODE=eddsa            header { alg: "EdDSA", kid }           key: the web tier's Ed25519 key
//                             with that kid, published at JWKS_PATH (the API reads JWT_JWKS_URL)
//   claims   sub = user id, iss = JWT_ISSUER, aud = JWT_AUDIENCE, iat, exp (lifetime JWT_EXPIRES_IN)
//            nothing else is needed: no email, no name (the API reads the user from the database)

export const JWT_MODES = ['hs256', 'eddsa'] as const;
export type JwtMode = (typeof JWT_MODES)[number];
export const DEFAULT_JWT_MODE: JwtMode = 'hs256';
/** The one algorithm each mode signs and accepts (RFC 8725 §3.1: never let the token choose). */
export const ALGORITHM_OF_MODE = { hs256: 'HS256', eddsa: 'EdDSA' } as const satisfies Record<JwtMode, string>;
/** Where the web tier publishes its public keys in eddsa mode (Better Auth's jwt plugin, /api/auth/jwks). */
export const JWKS_PATH = '/api/auth/jwks';

export const ACCESS_TOKEN_ALGORITHM = ALGORITHM_OF_MODE.hs256;
export const ACCESS_TOKEN_TYPE = 'JWT';
/** Claims that must be present; iss and aud are also required, by value. */
export const REQUIRED_CLAIMS = ['exp', 'sub'] as const;
export const DEFAULT_ISSUER = 'taskgate-web';
export const DEFAULT_AUDIENCE = 'taskgate-api';
export const DEFAULT_LIFETIME = '15m';
export const MIN_SECRET_BYTES = 32;
