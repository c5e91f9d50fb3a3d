// The in-memory access-token store (web/src/lib/access-token.ts): one fetch shared by concurrent
// callers, and after sign-out (clear) no token and no request to the server at all, so nothing on
// the page can draw a 401 from a session that is being revoked.
import { describe, expect, it, vi } from 'vitest';
import { createAccessTokenStore, SessionEndedError } from '../../src/lib/access-token';

/** A compact JWT with this lifetime; the store reads only its timing claims. */
function jwtFor(lifetimeSeconds: number, nonce: number): string {
  // ASCII JSON, so btoa (the browser's base64) serves; the store decodes base64url either way.
  const encode = (value: object) => btoa(JSON.stringify(value)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
  const iat = 1_700_000_000;
  return `${encode({ alg: 'HS256' })}.${encode({ iat, exp: iat + lifetimeSeconds, nonce })}.signature`;
}

/** A token endpoint whose answers the test releases one by one. */
function tokenEndpoint() {
  const pending: ((token: string) => void)[] = [];
  let issued = 0;
  const fetchToken = vi.fn(() => new Promise<string>((resolve) => pending.push(resolve)));
  return { fetchToken, answer: () => pending.shift()?.(jwtFor(900, (issued += 1))) };
}

describe('the access-token store', () => {
  it('concurrent callers share one fetch, and the token is kept', async () => {
    const endpoint = tokenEndpoint();
    const store = createAccessTokenStore(endpoint.fetchToken);
    const both = Promise.all([store.get(), store.get()]);
    endpoint.answer();
    const [first, second] = await both;
    expect(first).toBe(second);
    expect(await store.get()).toBe(first);
    expect(endpoint.fetchToken).toHaveBeenCalledTimes(1);
  });

  it('after sign-out, get() and a refresh after a 401 end without asking the server', async () => {
    const endpoint = tokenEndpoint();
    const onSessionEnded = vi.fn();
    const store = createAccessTokenStore(endpoint.fetchToken, { onSessionEnded });
    const signedIn = store.get();
    endpoint.answer();
    const token = await signedIn;
    store.clear();
    expect(store.current()).toBeNull();
    const afterSignOut = store.get();
    const refreshAfter401 = store.refreshAfterRejection(token);
    expect(endpoint.fetchToken).toHaveBeenCalledTimes(1);
    await expect(afterSignOut).rejects.toBeInstanceOf(SessionEndedError);
    await expect(refreshAfter401).rejects.toBeInstanceOf(SessionEndedError);
    // A plain sign-out on this page, not a session lost elsewhere: nothing to report.
    expect(onSessionEnded).not.toHaveBeenCalled();
  });

  it('a fetch in flight at sign-out is discarded, not stored', async () => {
    const endpoint = tokenEndpoint();
    const onSessionEnded = vi.fn();
    const store = createAccessTokenStore(endpoint.fetchToken, { onSessionEnded });
    const inFlight = store.get();
    store.clear();
    endpoint.answer();
    await expect(inFlight).rejects.toBeInstanceOf(SessionEndedError);
    expect(store.current()).toBeNull();
    expect(onSessionEnded).not.toHaveBeenCalled();
  });

  it('a session lost elsewhere (the server says so) is reported', async () => {
    const onSessionEnded = vi.fn();
    const store = createAccessTokenStore(() => Promise.reject(new SessionEndedError('no session')), { onSessionEnded });
    await expect(store.get()).rejects.toBeInstanceOf(SessionEndedError);
    expect(onSessionEnded).toHaveBeenCalledTimes(1);
  });
});
