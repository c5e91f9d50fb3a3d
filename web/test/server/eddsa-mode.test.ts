// JWT_MODE=eddsa end to end: the web tier signs with Better Auth's own Ed25519 keys and publishes their
// public halves at GET /api/auth/jwks; the API fetches them over real HTTP (a web server listening on a
// free port) with jose's remote key set. Also: key rotation with a grace period, algorithm confusion,
// and what a JWKS outage or a stream of unknown `kid`s does (JWKS requests counted at the web server).
//
// All eddsa tests live in this one file: they share the database's jwks table and must not run in
// parallel with each other. Clock control uses vi.setSystemTime (Date only; timers and sockets stay real).
// The API may answer a token it has already verified without checking its key again, so every check
// of the key path below uses a token that API instance has not seen (a user of its own).
import { randomUUID } from 'node:crypto';
import type { JwtSettings, PublicKeyJwtSettings } from '@taskgate/api/config';
import { decodeJwt, decodeProtectedHeader, exportSPKI, generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { apiJwtSettings, createTestApi, type TestApi } from './api-client.ts';
import { createWebHarness } from './harness.ts';
import { listen, type ListeningWebApp } from './listening-web-app.ts';

const ROTATION_SECONDS = 30 * 86400;
const GRACE_SECONDS = 86400;
const web = createWebHarness({ JWT_MODE: 'eddsa', JWT_KEY_ROTATION_INTERVAL: '30d', JWT_KEY_GRACE_PERIOD: '1d' });
let server: ListeningWebApp;

beforeAll(async () => {
  server = await listen(web.app);
});
afterAll(async () => {
  await server.close();
  await web.close();
});
afterEach(() => {
  vi.useRealTimers();
});

/** The API as it boots with JWT_MODE=eddsa and JWT_JWKS_URL pointing at the listening web tier. */
function eddsaSettings(jwks: Partial<PublicKeyJwtSettings['jwks']> = {}, jwksUrl = server.jwksUrl): PublicKeyJwtSettings {
  const settings = apiJwtSettings({ JWT_MODE: 'eddsa', JWT_JWKS_URL: jwksUrl });
  if (settings.mode !== 'eddsa') throw new Error('expected eddsa settings');
  return { ...settings, jwks: { ...settings.jwks, ...jwks } };
}

function eddsaApi(settings: JwtSettings = eddsaSettings()): TestApi {
  return createTestApi(web.prisma, settings);
}

/** Signs up a new user at the web tier and exchanges the session for an access token. */
async function signedInUser(label: string): Promise<{ email: string; userId: string; token: string; kid: string }> {
  const { credentials, cookie, userId } = await web.newSession(label);
  const response = await web.request('/api/auth/token', { headers: { cookie } });
  expect(response.status).toBe(200);
  const { token } = (await response.json()) as { token: string };
  return { email: credentials.email, userId, token, kid: decodeProtectedHeader(token).kid as string };
}

/** Several users, each with a token no API has seen yet (one after the other: PGlite serves one at a time). */
async function signedInUsers(label: string, count: number) {
  const users = [];
  for (let index = 0; index < count; index += 1) users.push(await signedInUser(`${label}-${index}`));
  return users;
}

async function publishedKeys(): Promise<JWK[]> {
  const response = await web.request('/api/auth/jwks');
  expect(response.status).toBe(200);
  return ((await response.json()) as { keys: JWK[] }).keys;
}

/** A well-formed EdDSA token from a key the web tier never had, naming `kid`. */
async function tokenFromForeignKey(userId: string, kid: string = randomUUID()): Promise<string> {
  const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
  const { issuer, audience } = web.config.accessToken;
  return new SignJWT({ sid: randomUUID() }).setProtectedHeader({ alg: 'EdDSA', kid }).setSubject(userId).setIssuer(issuer).setAudience(audience).setIssuedAt().setExpirationTime('5m').sign(privateKey);
}

/** Stops the clock (Date only), so that fetch counts do not depend on how fast this machine is. */
function freezeClock(): void {
  vi.setSystemTime(Date.now());
}

/** Moves the (frozen) clock forward; afterEach puts it back. */
function advanceClock(milliseconds: number): void {
  vi.setSystemTime(Date.now() + milliseconds);
}

describe('JWT_MODE=eddsa, end to end', () => {
  it('signs in at the web tier, and the API accepts the token with the key it fetched over HTTP', async () => {
    const api = eddsaApi();
    const user = await signedInUser('eddsa');
    expect(decodeProtectedHeader(user.token)).toEqual({ alg: 'EdDSA', kid: expect.any(String) });
    expect(Object.keys(decodeJwt(user.token)).sort()).toEqual(['aud', 'exp', 'iat', 'iss', 'sid', 'sub']);

    const fetchesBefore = server.jwksRequests();
    expect(await api.me(user.token)).toEqual({ status: 200, email: user.email, code: undefined });
    expect(server.jwksRequests() - fetchesBefore).toBe(1);

    // Cached: the next token of the same key needs no fetch.
    const second = await signedInUser('eddsa-cached');
    expect((await api.me(second.token)).email).toBe(second.email);
    expect(server.jwksRequests() - fetchesBefore).toBe(1);
  });

  it('publishes only public Ed25519 keys, and stores the private halves encrypted', async () => {
    const keys = await publishedKeys();
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) {
      expect(key).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', kid: expect.any(String), x: expect.any(String) });
      expect(key).not.toHaveProperty('d');
    }
    for (const row of await web.prisma.jwks.findMany()) expect(row.privateKey).not.toContain('"d"');
  });

  it('refuses an HS256 token whose HMAC key is the published public key (algorithm confusion)', async () => {
    const api = eddsaApi();
    const user = await signedInUser('confusion');
    const published = (await publishedKeys()).find((key) => key.kid === user.kid);
    expect(published).toBeDefined();
    const publicKey = await importJWK(published!, 'EdDSA', { extractable: true });
    // Every form an attacker might feed the HMAC: the raw key, the JWK as JSON, the PEM a server might hold.
    const hmacKeys = [
      Buffer.from(published!.x!, 'base64url'),
      Buffer.from(JSON.stringify(published)),
      Buffer.from(await exportSPKI(publicKey as CryptoKey)),
    ];
    for (const hmacKey of hmacKeys) {
      const forged = await new SignJWT(decodeJwt(user.token)).setProtectedHeader({ alg: 'HS256', typ: 'JWT', kid: user.kid }).sign(hmacKey);
      expect(await api.me(forged)).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
    }
    expect((await api.me(user.token)).status).toBe(200);
  });

  it('refuses a token signed by another key, whether it names a published kid or an unknown one', async () => {
    const api = eddsaApi();
    const user = await signedInUser('foreign-key');
    expect(await api.me(await tokenFromForeignKey(user.userId, user.kid))).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
    expect(await api.me(await tokenFromForeignKey(user.userId))).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
  });

  it('is refused by an API in hs256 mode', async () => {
    const user = await signedInUser('wrong-mode');
    const hs256Api = createTestApi(web.prisma, apiJwtSettings());
    expect(await hs256Api.me(user.token)).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
  });
});

describe('key rotation (JWT_KEY_ROTATION_INTERVAL, JWT_KEY_GRACE_PERIOD)', () => {
  beforeEach(freezeClock);

  it('gives every key JWT_KEY_ROTATION_INTERVAL to sign', async () => {
    const { kid } = await signedInUser('rotation-interval');
    const key = await web.prisma.jwks.findUniqueOrThrow({ where: { id: kid } });
    const signingSeconds = (key.expiresAt!.getTime() - key.createdAt.getTime()) / 1000;
    expect(signingSeconds).toBeCloseTo(ROTATION_SECONDS, -1);
  });

  it('after a rotation, new tokens use a new key and the retired key\'s tokens verify until the grace period ends', async () => {
    const api = eddsaApi();
    const [first, duringGrace, afterGrace] = await signedInUsers('before-rotation', 3);
    const retiredKid = first!.kid;
    expect([duringGrace!.kid, afterGrace!.kid]).toEqual([retiredKid, retiredKid]);
    expect((await api.me(first!.token)).status).toBe(200);

    // The rotation interval has passed for the current key: Better Auth's next signing makes a new one.
    await web.prisma.jwks.update({ where: { id: retiredKid }, data: { expiresAt: new Date(Date.now() - 1000) } });
    advanceClock(eddsaSettings().jwks.cooldownMs + 1000);
    const after = await signedInUser('after-rotation');
    expect(after.kid).not.toBe(retiredKid);
    expect((await publishedKeys()).map((key) => key.kid)).toEqual(expect.arrayContaining([retiredKid, after.kid]));

    // The API learns the new kid with one fetch and still knows the retired one.
    const fetchesBefore = server.jwksRequests();
    expect((await api.me(after.token)).email).toBe(after.email);
    expect((await api.me(duringGrace!.token)).email).toBe(duringGrace!.email);
    expect(server.jwksRequests() - fetchesBefore).toBe(1);

    // The grace period is over: the retired key leaves the JWKS, and once the API's key cache is
    // refreshed its tokens are refused (the token itself has not expired yet).
    const retiredAt = new Date(Date.now() - GRACE_SECONDS * 1000 - 1000);
    await web.prisma.jwks.update({ where: { id: retiredKid }, data: { expiresAt: retiredAt } });
    expect((await publishedKeys()).map((key) => key.kid)).not.toContain(retiredKid);
    advanceClock(eddsaSettings().jwks.cacheMaxAgeMs + 1000);
    expect(await api.me(afterGrace!.token)).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
  });
});

describe('unknown kids and JWKS outages', () => {
  beforeEach(freezeClock);

  it('lets an unknown kid trigger at most one JWKS fetch per cooldown', async () => {
    const api = eddsaApi();
    const user = await signedInUser('cooldown');
    expect((await api.me(user.token)).status).toBe(200);
    const afterFirstFetch = server.jwksRequests();

    const unknownKidTokens = async (count: number) => Promise.all(Array.from({ length: count }, () => tokenFromForeignKey(user.userId)));
    for (const token of await unknownKidTokens(30)) expect((await api.me(token)).status).toBe(401);
    await Promise.all((await unknownKidTokens(30)).map(async (token) => expect((await api.me(token)).status).toBe(401)));
    expect(server.jwksRequests()).toBe(afterFirstFetch);

    advanceClock(eddsaSettings().jwks.cooldownMs + 1000);
    await Promise.all((await unknownKidTokens(30)).map(async (token) => expect((await api.me(token)).status).toBe(401)));
    expect(server.jwksRequests()).toBe(afterFirstFetch + 1);
  });

  it('keeps verifying known keys while the JWKS answers 503, and tries it again only once per cooldown', async () => {
    const api = eddsaApi();
    const [user, ...unseen] = await signedInUsers('outage-503', 5);
    expect((await api.me(user!.token)).status).toBe(200);
    const { cooldownMs, cacheMaxAgeMs } = eddsaSettings().jwks;
    const expectKnownKeyAccepted = async (other = unseen.shift()!) => expect((await api.me(other.token)).email).toBe(other.email);
    const expectUnknownKidRefused = async () =>
      expect(await api.me(await tokenFromForeignKey(user!.userId))).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });

    server.setJwksAvailable(false);
    try {
      // The key cache is now stale, so jose wants a refetch; it fails, and the known key still answers.
      advanceClock(cacheMaxAgeMs + 1000);
      const attemptsBefore = server.jwksRequests();
      await expectKnownKeyAccepted();
      expect(server.jwksRequests() - attemptsBefore).toBe(1);

      // During the back-off: no fetch at all, known kid accepted, unknown kids refused with 401.
      await expectKnownKeyAccepted();
      for (let i = 0; i < 10; i += 1) await expectUnknownKidRefused();
      await expectKnownKeyAccepted();
      expect(server.jwksRequests() - attemptsBefore).toBe(1);

      // After the cooldown, one more attempt.
      advanceClock(cooldownMs + 1000);
      await expectUnknownKidRefused();
      await expectKnownKeyAccepted();
      expect(server.jwksRequests() - attemptsBefore).toBe(2);
    } finally {
      server.setJwksAvailable(true);
    }
  });

  it('keeps verifying known keys when the web tier stops listening; unknown kids get 401', async () => {
    const shortLived = await listen(web.app);
    // cacheMaxAge 0: every verification wants a refetch, the harshest case for an outage.
    const api = eddsaApi(eddsaSettings({ cacheMaxAgeMs: 0 }, shortLived.jwksUrl));
    const [user, second, third] = await signedInUsers('outage-down', 3);
    expect((await api.me(user!.token)).status).toBe(200);

    await shortLived.close();
    expect((await api.me(second!.token)).email).toBe(second!.email);
    expect(await api.me(await tokenFromForeignKey(user!.userId))).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
    expect((await api.me(third!.token)).email).toBe(third!.email);
  });

  it('answers 401, not 500, when the JWKS has never been reachable, and tries it once per cooldown', async () => {
    const user = await signedInUser('never-reachable');
    const refused = await listen(web.app);
    await refused.close();
    const apiOfRefused = eddsaApi(eddsaSettings({}, refused.jwksUrl));
    expect(await apiOfRefused.me(user.token)).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
    expect(await apiOfRefused.me(user.token)).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });

    const failing = await listen(web.app);
    failing.setJwksAvailable(false);
    try {
      const apiOfFailing = eddsaApi(eddsaSettings({}, failing.jwksUrl));
      for (let i = 0; i < 5; i += 1) expect(await apiOfFailing.me(user.token)).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
      expect(failing.jwksRequests()).toBe(1);
      advanceClock(eddsaSettings().jwks.cooldownMs + 1000);
      failing.setJwksAvailable(true);
      expect((await apiOfFailing.me(user.token)).email).toBe(user.email);
      expect(failing.jwksRequests()).toBe(2);
    } finally {
      await failing.close();
    }
  });
});
