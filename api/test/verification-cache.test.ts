// The verification cache saves repeated signature checks and nothing else: it never accepts a token
// at or past its exp, never remembers a refusal, and stays within its bound.
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { withVerificationCache } from '../src/auth/verification-cache.ts';
import { createAccessTokenVerifier, type AccessTokenVerifier } from '../src/auth/verify.ts';
import { createHarness } from './support/api-harness.ts';
import { mintToken, testJwtSettings, withTamperedPayload } from './support/tokens.ts';

/** The real verifier (no clock tolerance, so "expired" starts exactly at exp), counting its calls. */
function countingVerifier() {
  const verify = createAccessTokenVerifier({ ...testJwtSettings, clockToleranceSeconds: 0 });
  const counter = { calls: 0 };
  const counted: AccessTokenVerifier = (token) => {
    counter.calls += 1;
    return verify(token);
  };
  return { counted, counter };
}

const seconds = () => Math.floor(Date.now() / 1000);

afterEach(() => {
  vi.useRealTimers();
});

describe('withVerificationCache', () => {
  it('checks a token\'s signature once, then answers from the cache with the same identity', async () => {
    const { counted, counter } = countingVerifier();
    const verify = withVerificationCache(counted);
    const token = await mintToken('user-1');
    const first = await verify(token);
    const second = await verify(token);
    expect(first).toMatchObject({ ok: true, identity: { userId: 'user-1' } });
    expect(second).toEqual(first);
    expect(counter.calls).toBe(1);
  });

  it('never accepts a cached token at or past its exp', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { counted, counter } = countingVerifier();
    const verify = withVerificationCache(counted);
    const exp = seconds() + 60;
    const token = await mintToken('user-1', { claims: { exp } });
    expect((await verify(token)).ok).toBe(true);

    vi.setSystemTime(exp * 1000 - 1);
    expect((await verify(token)).ok).toBe(true);
    expect(counter.calls).toBe(1);

    vi.setSystemTime(exp * 1000);
    expect(await verify(token)).toMatchObject({ ok: false, reason: 'expired' });
    vi.setSystemTime(exp * 1000 + 3_600_000);
    expect(await verify(token)).toMatchObject({ ok: false, reason: 'expired' });
    expect(counter.calls).toBe(3);
  });

  it('verifies again, with the clock tolerance, inside the tolerance window after exp', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    let calls = 0;
    const tolerant = createAccessTokenVerifier({ ...testJwtSettings, clockToleranceSeconds: 5 });
    const verify = withVerificationCache((token) => {
      calls += 1;
      return tolerant(token);
    });
    const exp = seconds() + 60;
    const token = await mintToken('user-1', { claims: { exp } });
    await verify(token);
    vi.setSystemTime(exp * 1000 + 2000);
    expect((await verify(token)).ok).toBe(true);
    expect(calls).toBe(2);
  });

  it('never caches a refusal: a bad token is checked every time', async () => {
    const { counted, counter } = countingVerifier();
    const verify = withVerificationCache(counted);
    const forged = withTamperedPayload(await mintToken('user-1'), { sub: 'user-2' });
    expect(await verify(forged)).toMatchObject({ ok: false, reason: 'invalid' });
    expect(await verify(forged)).toMatchObject({ ok: false, reason: 'invalid' });
    expect(counter.calls).toBe(2);
  });

  it('a token differing by one byte from a cached one is verified, not served from the cache', async () => {
    const { counted, counter } = countingVerifier();
    const verify = withVerificationCache(counted);
    const token = await mintToken('user-1');
    await verify(token);
    // A character inside the signature (the last one carries spare bits that decoding ignores).
    const at = token.length - 10;
    const altered = `${token.slice(0, at)}${token[at] === 'A' ? 'B' : 'A'}${token.slice(at + 1)}`;
    expect((await verify(altered)).ok).toBe(false);
    expect(counter.calls).toBe(2);
  });

  it('holds at most maxEntries tokens, dropping the least recently used', async () => {
    const { counted, counter } = countingVerifier();
    const verify = withVerificationCache(counted, { maxEntries: 2 });
    const [a, b, c] = await Promise.all(['a', 'b', 'c'].map((user) => mintToken(user)));
    await verify(a!);
    await verify(b!);
    await verify(a!); // a is now the most recently used
    await verify(c!); // evicts b
    expect(counter.calls).toBe(3);
    await verify(a!);
    await verify(c!);
    expect(counter.calls).toBe(3);
    await verify(b!);
    expect(counter.calls).toBe(4);
  });
});

describe('the API (which verifies through the cache)', () => {
  const harness = createHarness();
  afterAll(() => harness.close());

  it('refuses a token it has just accepted once the token expires', async () => {
    const user = await harness.createUser('expiring');
    vi.useFakeTimers({ toFake: ['Date'] });
    const exp = seconds() + 60;
    const token = await mintToken(user.id, { claims: { exp } });
    expect((await harness.graphql('{ me { email } }', { token })).body.data?.me.email).toBe(user.email);
    vi.setSystemTime((exp + testJwtSettings.clockToleranceSeconds) * 1000);
    const late = await harness.graphql('{ me { email } }', { token });
    expect(late.status).toBe(401);
    expect(late.body.errors?.[0]?.message).toBe('Access token has expired');
  });
});
