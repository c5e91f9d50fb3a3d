// Access-token verification: token string in, identity or a typed failure out. No database call. In
// hs256 mode (the default) no network call either: any API instance verifies any token with the
// shared secret. In eddsa mode the keys come from the web tier's JWKS, fetched and cached (keys.ts).
import { errors } from 'jose';
import type { JwtSettings } from '../config.ts';
import { createSignedTokenVerifier } from './keys.ts';
import { REQUIRED_CLAIMS, SESSION_ID_CLAIM } from '@taskgate/shared/token-contract';

export interface Identity {
  /** The user id: the token's `sub`. */
  readonly userId: string;
  /** The Better Auth session the token was issued for (`sid`): ending it revokes the token. */
  readonly sessionId: string;
  /** When the token stops being accepted (`exp`). */
  readonly expiresAt: Date;
}

export type TokenFailureReason = 'missing' | 'too_large' | 'expired' | 'revoked' | 'not_yet_valid' | 'wrong_audience' | 'invalid';

export type VerificationResult =
  | { readonly ok: true; readonly identity: Identity }
  | { readonly ok: false; readonly reason: TokenFailureReason; readonly message: string };

export type AccessTokenVerifier = (token: string) => Promise<VerificationResult>;

const MAX_SUBJECT_LENGTH = 255;
const MAX_SESSION_ID_LENGTH = 255;

export const failureMessages: Record<TokenFailureReason, string> = {
  missing: 'Authentication required: send Authorization: Bearer <access token>',
  too_large: 'Access token is too large',
  expired: 'Access token has expired',
  revoked: 'Access token has been revoked: its session ended (signed out)',
  not_yet_valid: 'Access token is not valid yet',
  wrong_audience: 'Access token was not issued for this API',
  invalid: 'Access token is invalid',
};

const fail = (reason: TokenFailureReason): VerificationResult => ({ ok: false, reason, message: failureMessages[reason] });

export function createAccessTokenVerifier(settings: JwtSettings): AccessTokenVerifier {
  // keys.ts pins one algorithm per mode: that refuses `alg: none`, HS384/512 and every other
  // algorithm, the other mode's included.
  const verifySigned = createSignedTokenVerifier(settings);
  return async function verifyAccessToken(token) {
    if (token.length === 0) return fail('missing');
    if (token.length > settings.maxTokenBytes) return fail('too_large');
    try {
      const { payload } = await verifySigned(token, {
        issuer: settings.issuer,
        audience: settings.audience,
        // jose accepts a token without `exp` unless it is required here.
        requiredClaims: [...REQUIRED_CLAIMS],
        clockTolerance: settings.clockToleranceSeconds,
      });
      const { sub, exp, iat } = payload;
      const sessionId = payload[SESSION_ID_CLAIM];
      if (typeof sub !== 'string' || sub.length === 0 || sub.length > MAX_SUBJECT_LENGTH) return fail('invalid');
      if (typeof sessionId !== 'string' || sessionId.length === 0 || sessionId.length > MAX_SESSION_ID_LENGTH) return fail('invalid');
      if (typeof exp !== 'number') return fail('invalid');
      // jose checks `iat` is a number but not that it lies in the past.
      const nowSeconds = Math.floor(Date.now() / 1000);
      if (iat !== undefined && iat > nowSeconds + settings.clockToleranceSeconds) return fail('not_yet_valid');
      return { ok: true, identity: Object.freeze({ userId: sub, sessionId, expiresAt: new Date(exp * 1000) }) };
    } catch (error) {
      return fail(reasonFor(error));
    }
  };
}

function reasonFor(error: unknown): TokenFailureReason {
  if (error instanceof errors.JWTExpired) return 'expired';
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'nbf' || error.claim === 'iat') return 'not_yet_valid';
    if (error.claim === 'iss' || error.claim === 'aud') return 'wrong_audience';
  }
  // Every other jose error (bad signature, disallowed alg, malformed JWS/JSON, crit headers, unknown
  // kid, unreachable JWKS) and anything unexpected: refuse without detail, never a 500.
  return 'invalid';
}
