// The real API (Yoga + Prisma, as main.ts builds it) configured from an environment, for end-to-end
// tests of the token path: web tier → GET /api/auth/token → API. Driven through `api.fetch`.
import { loadConfig as loadApiConfig, type JwtSettings } from '@taskgate/api/config';
import { createApi } from '@taskgate/api/yoga';
import type { PrismaClient } from '@taskgate/prisma/client';
import { testEnv } from './harness.ts';

/** What the API answered to `{ me { email } }`: who it thinks the caller is, or why not. */
export interface MeResponse {
  status: number;
  email: string | null;
  code: unknown;
}

export interface TestApi {
  me(token: string): Promise<MeResponse>;
}

/** The API's JWT settings read from the web tests' environment plus `env`, exactly as it boots. */
export function apiJwtSettings(env: NodeJS.ProcessEnv = {}): JwtSettings {
  return loadApiConfig(testEnv(env)).jwt;
}

export function createTestApi(prisma: PrismaClient, jwt: JwtSettings): TestApi {
  const api = createApi({ prisma, jwt, graphiql: false, logging: false });
  return {
    async me(token) {
      const response = await api.fetch('http://api.taskgate.test/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: '{ me { email } }' }),
      });
      const body = (await response.json()) as { data?: { me?: { email: string } }; errors?: { extensions?: { code?: unknown } }[] };
      return { status: response.status, email: body.data?.me?.email ?? null, code: body.errors?.[0]?.extensions?.code };
    },
  };
}
