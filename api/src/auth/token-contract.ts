// The access-token contract between the web tier, which signs (Better Auth's jwt plugin), and the
// API, which verifies (./verify.ts). Both tiers import these names; tests on both sides use them.
//
//   header   { alg: "HS256", typ: "JWT" }            key: JWT_SECRET (>= 32 bytes)
//   claims   sub = user id, iss = JWT_ISSUER, aud = JWT_AUDIENCE, iat, exp (lifetime JWT_EXPIRES_IN)
//            nothing else is needed: no email, no name (the API reads the user from the database)

export const ACCESS_TOKEN_ALGORITHM = 'HS256';
export const ACCESS_TOKEN_TYPE = 'JWT';
/** Claims that must be present; iss and aud are also required, by value. */
export const REQUIRED_CLAIMS = ['exp', 'sub'] as const;
export const DEFAULT_ISSUER = 'taskgate-web';
export const DEFAULT_AUDIENCE = 'taskgate-api';
export const DEFAULT_LIFETIME = '15m';
export const MIN_SECRET_BYTES = 32;
