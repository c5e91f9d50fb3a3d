// JWT_MODE=hs256 (the default) end to end: sign-up at the web tier → GET /api/auth/token → the API,
// configured from the same environment, accepts the token with no network call; and the rotation of
// JWT_SECRET with JWT_SECRET_PREVIOUS, step by step as the README describes it.
import { decodeProtectedHeader } from 'jose';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { apiJwtSettings, createTestApi } from './api-client.ts';
import { createWebHarness, testSecrets, type WebHarness } from './harness.ts';

const OLD_SECRET = testSecrets.JWT_SECRET;
const NEW_SECRET = 'taskgate-web-tests-jwt-secret-after-rotation-0123456789';

const web = createWebHarness();
afterAll(() => web.close());

async function tokenFrom(harness: WebHarness, cookie: string): Promise<string> {
  const response = await harness.request('/api/auth/token', { headers: { cookie } });
  expect(response.status).toBe(200);
  return ((await response.json()) as { token: string }).token;
}

describe('JWT_MODE=hs256, end to end', () => {
  it('signs up at the web tier, and the API accepts the token without any network call', async () => {
    const api = createTestApi(web.prisma, apiJwtSettings());
    const { credentials, cookie } = await web.newSession('hs256');
    const token = await tokenFrom(web, cookie);
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'HS256', typ: 'JWT' });

    const fetchSpy = vi.spyOn(globalThis, 'fetch');
    try {
      expect(await api.me(token)).toEqual({ status: 200, email: credentials.email, code: undefined });
      expect(fetchSpy).not.toHaveBeenCalled();
    } finally {
      fetchSpy.mockRestore();
    }
  });
});

describe('rotating JWT_SECRET without signing anyone out', () => {
  it('accepts tokens of the previous secret while JWT_SECRET_PREVIOUS is set, and refuses them once it is unset', async () => {
    const { credentials, cookie } = await web.newSession('rotation');
    const before = createTestApi(web.prisma, apiJwtSettings({ JWT_SECRET: OLD_SECRET }));
    const oldToken = await tokenFrom(web, cookie);
    expect((await before.me(oldToken)).email).toBe(credentials.email);

    // 1. The API first: the new secret, and the old one as JWT_SECRET_PREVIOUS.
    const during = createTestApi(web.prisma, apiJwtSettings({ JWT_SECRET: NEW_SECRET, JWT_SECRET_PREVIOUS: OLD_SECRET }));
    expect((await during.me(oldToken)).email).toBe(credentials.email);

    // 2. Then the web tier signs with the new secret; the same session cookie keeps working.
    const rotatedWeb = createWebHarness({ JWT_SECRET: NEW_SECRET });
    try {
      const newToken = await tokenFrom(rotatedWeb, cookie);
      expect((await during.me(newToken)).email).toBe(credentials.email);
      // (Why the API goes first: an API still on the old secret alone refuses the new tokens.)
      expect(await before.me(newToken)).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });

      // 3. Once JWT_EXPIRES_IN has passed, JWT_SECRET_PREVIOUS is removed: old tokens stop working.
      const after = createTestApi(web.prisma, apiJwtSettings({ JWT_SECRET: NEW_SECRET }));
      expect(await after.me(oldToken)).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
      expect((await after.me(newToken)).email).toBe(credentials.email);
    } finally {
      await rotatedWeb.close();
    }
  });
});
