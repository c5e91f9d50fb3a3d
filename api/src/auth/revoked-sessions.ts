// The sessions whose access tokens this process refuses before their exp: in memory, looked up by the
// token's `sid` on every request after its signature was verified (a Map lookup, no database or network
// call). Filled by revocation-feed.ts from the revoked_session table and its push channel; an id is
// kept until no token of its session can still be alive (`keepUntil`), then dropped.
export type RevocationListener = (sessionId: string) => void;

export class RevokedSessions {
  readonly #keepUntil = new Map<string, number>();
  readonly #listeners = new Set<RevocationListener>();
  #loaded: boolean;

  /**
   * `loaded: false` until the feed has read the table: until then this process cannot tell a revoked
   * token from a good one, and answers neither (authentication 503, /readyz 503).
   */
  constructor(options: { loaded?: boolean } = {}) {
    this.#loaded = options.loaded ?? true;
  }

  get loaded(): boolean {
    return this.#loaded;
  }

  markLoaded(): void {
    this.#loaded = true;
  }

  get size(): number {
    return this.#keepUntil.size;
  }

  has(sessionId: string): boolean {
    return this.#keepUntil.has(sessionId);
  }

  /** Records a revocation; listeners (the open streams of that session) hear of it the first time. */
  add(sessionId: string, keepUntil: number): void {
    const known = this.#keepUntil.get(sessionId);
    this.#keepUntil.set(sessionId, Math.max(known ?? 0, keepUntil));
    if (known !== undefined) return;
    for (const listener of this.#listeners) listener(sessionId);
  }

  onRevoked(listener: RevocationListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Forgets revocations whose tokens have all expired by `now`. */
  prune(now = Date.now()): void {
    for (const [sessionId, keepUntil] of this.#keepUntil) if (keepUntil <= now) this.#keepUntil.delete(sessionId);
  }
}
