// The API access token (a short-lived JWT from Better Auth's GET /api/auth/token), kept in memory only:
// never localStorage or sessionStorage, where any script on the page could read it after a reload.
// It is refreshed shortly before it expires and on demand after the API refused it; concurrent
// callers share one request.

export interface AccessToken {
  /** The compact JWT, as sent in `Authorization: Bearer …`. */
  readonly token: string;
  /** When it stops being accepted, in this browser's clock (epoch ms). */
  readonly expiresAt: number;
  /** When it was received, in this browser's clock (epoch ms). */
  readonly receivedAt: number;
}

/** No session any more (signed out elsewhere, expired): the person has to sign in again. */
export class SessionEndedError extends Error {
  override name = 'SessionEndedError';
}

/** Fetches a new token string; throws SessionEndedError when there is no valid session. */
export type FetchAccessToken = () => Promise<string>;

export interface AccessTokenStore {
  /** A token that is not about to expire: the one in memory, or a freshly fetched one. */
  get(): Promise<string>;
  /** The API refused `rejected`: fetch a new token unless one newer than it is already here or on its way. */
  refreshAfterRejection(rejected: string): Promise<string>;
  /** The token in memory, for display; null before the first fetch and after clear(). */
  current(): AccessToken | null;
  subscribe(listener: () => void): () => void;
  /**
   * Forgets the token for good (sign-out): a fetch still in flight is discarded, and no request gets
   * a token from this store again (get() rejects with SessionEndedError without asking the server,
   * whose answer would be a 401 once the session is revoked). A store serves one session.
   */
  clear(): void;
}

/** Refresh when less than this share of the lifetime remains... */
const REFRESH_SHARE = 0.2;
/** ...or less than this, whichever is smaller, so a 20 s test lifetime refreshes 4 s before expiry. */
const REFRESH_MARGIN_MS = 60_000;

export function refreshMarginMs(lifetimeMs: number): number {
  return Math.min(lifetimeMs * REFRESH_SHARE, REFRESH_MARGIN_MS);
}

export interface AccessTokenStoreOptions {
  /** Called when a fetch finds no session (SessionEndedError), including a background refresh. */
  onSessionEnded?: () => void;
  now?: () => number;
}

export function createAccessTokenStore(fetchToken: FetchAccessToken, options: AccessTokenStoreOptions = {}): AccessTokenStore {
  const now = options.now ?? Date.now;
  let token: AccessToken | null = null;
  let inFlight: Promise<string> | null = null;
  // Set by clear(): a fetch started before sign-out must not store its result, nor any start after it.
  let cleared = false;
  let refreshTimer: ReturnType<typeof setTimeout> | undefined;
  const listeners = new Set<() => void>();

  const notify = () => listeners.forEach((listener) => listener());

  const isFresh = (candidate: AccessToken) => {
    const lifetime = candidate.expiresAt - candidate.receivedAt;
    return candidate.expiresAt - now() > refreshMarginMs(lifetime);
  };

  const scheduleRefresh = (candidate: AccessToken) => {
    clearTimeout(refreshTimer);
    const lifetime = candidate.expiresAt - candidate.receivedAt;
    const delay = Math.max(0, candidate.expiresAt - refreshMarginMs(lifetime) - now());
    // Refreshing ahead of time keeps requests from waiting on it and the "API access" panel current.
    // A lost session is reported through onSessionEnded; other failures wait for the next request.
    refreshTimer = setTimeout(() => void fetchNew().catch(() => undefined), delay);
  };

  const fetchNew = (): Promise<string> => {
    if (cleared) return Promise.reject(new SessionEndedError('Signed out on this page'));
    if (inFlight) return inFlight;
    const request = fetchToken()
      .then((value) => {
        if (cleared) throw new SessionEndedError('Signed out while the token was being fetched');
        token = { token: value, expiresAt: expiryOf(value, now()), receivedAt: now() };
        scheduleRefresh(token);
        notify();
        return value;
      })
      .catch((error: unknown) => {
        if (error instanceof SessionEndedError && !cleared) options.onSessionEnded?.();
        throw error;
      })
      .finally(() => {
        if (inFlight === request) inFlight = null;
      });
    inFlight = request;
    return request;
  };

  return {
    get: () => (token && isFresh(token) ? Promise.resolve(token.token) : fetchNew()),
    refreshAfterRejection(rejected) {
      if (token && token.token !== rejected && isFresh(token)) return Promise.resolve(token.token);
      return fetchNew();
    },
    current: () => token,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    clear() {
      cleared = true;
      token = null;
      inFlight = null;
      clearTimeout(refreshTimer);
      notify();
    },
  };
}

/**
 * The token's expiry in this browser's clock: receipt time plus the lifetime the issuer gave it
 * (exp − iat), so a browser clock that is minutes off neither refreshes constantly nor too late.
 */
export function expiryOf(jwt: string, receivedAt: number): number {
  const claims = decodeClaims(jwt);
  if (typeof claims.exp !== 'number') throw new Error('The access token has no exp claim');
  if (typeof claims.iat === 'number' && claims.exp > claims.iat) return receivedAt + (claims.exp - claims.iat) * 1000;
  return claims.exp * 1000;
}

/** The payload of a compact JWS, unverified: the client only reads timing from it; the API verifies. */
function decodeClaims(jwt: string): { exp?: unknown; iat?: unknown } {
  const payload = jwt.split('.')[1];
  if (!payload) throw new Error('The access token is not a JWT');
  const base64 = payload.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(payload.length / 4) * 4, '=');
  const bytes = Uint8Array.from(atob(base64), (character) => character.charCodeAt(0));
  return JSON.parse(new TextDecoder().decode(bytes)) as { exp?: unknown; iat?: unknown };
}
