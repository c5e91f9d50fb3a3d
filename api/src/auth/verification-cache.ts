// Remembers tokens that passed verification, so a client sending the same token with every request
// pays for one signature check per token instead of one per request.
//   - Keyed by the raw token string: only a token that passed full verification is ever stored, and a
//     hit needs the exact same bytes. Failures are never cached.
//   - A hit is served only while now < exp, never at or past it; that is stricter than the verifier's
//     clock tolerance, so a cached answer is never more lenient than a fresh one (a token inside the
//     tolerance window is verified again each time).
//   - Bounded: the least recently used token is dropped beyond `maxEntries`.
// The trade-off: a token verified once stays accepted until its exp (15 min by default) even if its
// key is withdrawn meanwhile (a JWKS key removed in eddsa mode, a rotated JWT_SECRET before restart).
import type { AccessTokenVerifier, Identity } from './verify.ts';

export const DEFAULT_VERIFICATION_CACHE_ENTRIES = 10_000;

export function withVerificationCache(
  verify: AccessTokenVerifier,
  options: { maxEntries?: number } = {},
): AccessTokenVerifier {
  const maxEntries = options.maxEntries ?? DEFAULT_VERIFICATION_CACHE_ENTRIES;
  // A Map iterates in insertion order: re-inserting on every hit makes the first key the least recently used.
  const verified = new Map<string, Identity>();

  return async function verifyWithCache(token) {
    const cached = verified.get(token);
    if (cached !== undefined) {
      verified.delete(token);
      if (Date.now() < cached.expiresAt.getTime()) {
        verified.set(token, cached);
        return { ok: true, identity: cached };
      }
    }
    const result = await verify(token);
    if (result.ok && maxEntries > 0) {
      verified.set(token, result.identity);
      if (verified.size > maxEntries) verified.delete(verified.keys().next().value!);
    }
    return result;
  };
}
