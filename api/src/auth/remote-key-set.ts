// The web tier's public keys (JWT_MODE=eddsa): jose's createRemoteJWKSet (fetch, cache, cooldown for
// unknown `kid`s) plus one workaround for two limitations of jose 6.2's remote set:
//   1. Once the cache is older than `cacheMaxAge`, every call awaits a refetch, and a failed refetch
//      fails the call, even for a `kid` it still holds: a JWKS outage would refuse every token.
//   2. Only a *successful* fetch starts the cooldown: while the JWKS is down, every token with an
//      unknown `kid` (or every call once the cache is stale) tries the network again: a fetch storm.
// So: a failed fetch starts a back-off as long as the cooldown, during which no fetch is attempted and
// the keys of the last successful fetch answer (a known `kid` verifies, an unknown one is refused).
import { createLocalJWKSet, createRemoteJWKSet, customFetch, errors, type FetchImplementation, type JWTVerifyGetKey } from 'jose';

export interface JwksSettings {
  /** JWT_JWKS_URL: the web tier's /api/auth/jwks. */
  url: URL;
  /** After a fetch, successful or not, an unknown `kid` triggers no other fetch for this long. */
  cooldownMs: number;
  /** Keys are refetched once they are this old (so a key the web tier withdrew stops verifying). */
  cacheMaxAgeMs: number;
  /** A fetch that takes longer has failed. */
  timeoutMs: number;
}

/** A jose key resolver for `jwtVerify` that survives JWKS outages for the keys it already knows. */
export function createRemoteKeySet(settings: JwksSettings, fetchImpl: typeof fetch = fetch): JWTVerifyGetKey {
  let lastFailureAt = Number.NEGATIVE_INFINITY;
  const recordingFetch: FetchImplementation = async (url, init) => {
    try {
      const response = await fetchImpl(url, init);
      if (!(await isKeySetResponse(response))) lastFailureAt = Date.now();
      return response;
    } catch (error) {
      lastFailureAt = Date.now();
      throw error;
    }
  };
  const remote = createRemoteJWKSet(settings.url, {
    cooldownDuration: settings.cooldownMs,
    cacheMaxAge: settings.cacheMaxAgeMs,
    timeoutDuration: settings.timeoutMs,
    [customFetch]: recordingFetch,
  });

  // The last successfully fetched keys, as a local set; rebuilt only when the remote set changes.
  let lastGood: { json: string; keys: JWTVerifyGetKey } | undefined;
  const lastGoodKeys = (): JWTVerifyGetKey | undefined => {
    const jwks = remote.jwks();
    if (jwks === undefined) return undefined;
    const json = JSON.stringify(jwks);
    if (lastGood?.json !== json) lastGood = { json, keys: createLocalJWKSet(jwks) };
    return lastGood.keys;
  };

  return async function resolveKey(protectedHeader, token) {
    if (Date.now() < lastFailureAt + settings.cooldownMs) {
      const known = lastGoodKeys();
      if (known === undefined) throw new errors.JOSEError('The JWKS is unreachable and no key is known yet');
      return known(protectedHeader, token);
    }
    const failuresBefore = lastFailureAt;
    try {
      return await remote(protectedHeader, token);
    } catch (error) {
      const known = lastFailureAt !== failuresBefore ? lastGoodKeys() : undefined;
      if (known === undefined) throw error;
      return known(protectedHeader, token);
    }
  };
}

/** What jose will accept: 200 with a JSON object holding a `keys` array (read from a clone). */
async function isKeySetResponse(response: Response): Promise<boolean> {
  if (response.status !== 200) return false;
  try {
    const body: unknown = await response.clone().json();
    return typeof body === 'object' && body !== null && Array.isArray((body as { keys?: unknown }).keys);
  } catch {
    return false;
  }
}
