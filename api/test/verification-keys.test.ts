// Which key checks a token (auth/keys.ts): JWT_SECRET, then JWT_SECRET_PREVIOUS only when needed, no
// network in hs256 mode, and in eddsa mode no key lookup at all for a token of the wrong algorithm.
// The end-to-end runs of both modes (web sign-in → token → API) are in web/test/server/.
import { createServer } from 'node:net';
import { exportSPKI, generateKeyPair, SignJWT } from 'jose';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { PublicKeyJwtSettings, SharedSecretJwtSettings } from '../src/config.ts';
import { createAccessTokenVerifier } from '../src/auth/verify.ts';
import { mintToken, testJwtSettings } from './support/tokens.ts';

const CURRENT = testJwtSettings.secret;
const PREVIOUS = new TextEncoder().encode('the-secret-being-retired-0123456789-abcdefghij');
const rotating: SharedSecretJwtSettings = { ...testJwtSettings, previousSecret: PREVIOUS };

afterEach(() => {
  vi.restoreAllMocks();
});

/** Counts signature checks: jose calls crypto.subtle.verify once per key it tries. */
function countSignatureChecks() {
  return vi.spyOn(crypto.subtle, 'verify');
}

describe('JWT_MODE=hs256: JWT_SECRET with JWT_SECRET_PREVIOUS during a rotation', () => {
  it('accepts a token signed with the current secret after exactly one signature check', async () => {
    const checks = countSignatureChecks();
    const result = await createAccessTokenVerifier(rotating)(await mintToken('user-1', { key: CURRENT }));
    expect(result.ok).toBe(true);
    expect(checks).toHaveBeenCalledTimes(1);
  });

  it('accepts a token signed with the previous secret, trying it only after the current one failed', async () => {
    const checks = countSignatureChecks();
    const result = await createAccessTokenVerifier(rotating)(await mintToken('user-1', { key: PREVIOUS }));
    expect(result).toMatchObject({ ok: true, identity: { userId: 'user-1' } });
    expect(checks).toHaveBeenCalledTimes(2);
  });

  it('refuses a token signed with the previous secret once JWT_SECRET_PREVIOUS is unset', async () => {
    const result = await createAccessTokenVerifier(testJwtSettings)(await mintToken('user-1', { key: PREVIOUS }));
    expect(result).toMatchObject({ ok: false, reason: 'invalid' });
  });

  it('refuses a token signed with neither secret', async () => {
    const other = new TextEncoder().encode('a-third-secret-nobody-configured-0123456789abc');
    const result = await createAccessTokenVerifier(rotating)(await mintToken('user-1', { key: other }));
    expect(result).toMatchObject({ ok: false, reason: 'invalid' });
  });

  it('does not retry with the previous secret when the signature was right but a claim is not', async () => {
    const checks = countSignatureChecks();
    const expired = await mintToken('user-1', { key: CURRENT, claims: { exp: Math.floor(Date.now() / 1000) - 60 } });
    expect(await createAccessTokenVerifier(rotating)(expired)).toMatchObject({ ok: false, reason: 'expired' });
    expect(checks).toHaveBeenCalledTimes(1);
  });

  it('makes no network call, whatever the token names (jku, x5u, kid)', async () => {
    const fetchSpy = vi.spyOn(globalThis, 'fetch');
    const verify = createAccessTokenVerifier(rotating);
    const header = { kid: 'k1', jku: 'http://127.0.0.1:9/jwks', x5u: 'http://127.0.0.1:9/cert' };
    expect((await verify(await mintToken('user-1', { header }))).ok).toBe(true);
    expect((await verify(await mintToken('user-1', { header, key: PREVIOUS }))).ok).toBe(true);
    expect((await verify(await mintToken('user-1', { header, alg: 'HS512' }))).ok).toBe(false);
    expect(fetchSpy).not.toHaveBeenCalled();
  });

  it('refuses an EdDSA token (the other mode\'s algorithm)', async () => {
    const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
    const token = await new SignJWT({ sid: 'session-1' })
      .setProtectedHeader({ alg: 'EdDSA', kid: 'k1' })
      .setSubject('user-1')
      .setIssuer(testJwtSettings.issuer)
      .setAudience(testJwtSettings.audience)
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(privateKey);
    expect(await createAccessTokenVerifier(rotating)(token)).toMatchObject({ ok: false, reason: 'invalid' });
  });
});

describe('JWT_MODE=eddsa: the algorithm is checked before any key is fetched', () => {
  it('refuses an HS256 token whose HMAC key is the Ed25519 public key, without fetching the JWKS', async () => {
    const fetchSpy = vi.spyOn(globalThis, 'fetch');
    const settings: PublicKeyJwtSettings = {
      ...testJwtSettings,
      mode: 'eddsa',
      jwks: { url: new URL(`http://127.0.0.1:${await closedPort()}/api/auth/jwks`), cooldownMs: 10_000, cacheMaxAgeMs: 600_000, timeoutMs: 2000 },
    };
    const { publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
    const pem = new TextEncoder().encode(await exportSPKI(publicKey));
    const token = await mintToken('user-1', { alg: 'HS256', key: pem, header: { kid: 'k1' } });

    expect(await createAccessTokenVerifier(settings)(token)).toMatchObject({ ok: false, reason: 'invalid' });
    expect(fetchSpy).not.toHaveBeenCalled();
  });
});

/** A port on 127.0.0.1 where nothing listens (connections are refused). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
