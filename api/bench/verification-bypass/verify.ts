// Benchmark only, never imported by the API itself: api/src/auth/verify.ts with its verifier
// replaced by one that trusts the token unverified (reads `sub` and `exp`, checks no signature and no
// claim). The same requests then cost everything but verification: the auth overhead ratio.
import { decodeJwt } from 'jose';
import type { AccessTokenVerifier } from '../../src/auth/verify.ts';

export * from '../../src/auth/verify.ts';

export function createAccessTokenVerifier(): AccessTokenVerifier {
  return async (token) => {
    try {
      const { sub, sid, exp } = decodeJwt(token);
      if (typeof sub === 'string') return { ok: true, identity: { userId: sub, sessionId: String(sid), expiresAt: new Date((exp ?? 0) * 1000) } };
    } catch {
      // fall through
    }
    return { ok: false, reason: 'invalid', message: 'benchmark bypass: not a JWT' };
  };
}
