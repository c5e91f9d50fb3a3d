// A real API (Yoga + Prisma) on the test database, driven through `api.fetch` with no port.
import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import type { PrismaClient } from '@taskgate/prisma/client';
import type { QueryBuilder } from '@taskgate/prisma/connect';
import { createPrismaClient } from '../../src/db.ts';
import { createApi, type Api } from '../../src/yoga.ts';
import { mintToken, testJwtSettings } from './tokens.ts';

export interface GraphQLResponse<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: { data?: T | null; errors?: { message: string; path?: string[]; extensions?: Record<string, unknown> }[] };
}

export interface TestUser {
  id: string;
  email: string;
  token: string;
}

export interface ApiHarness {
  api: Api;
  prisma: PrismaClient;
  graphql<T = Record<string, any>>(query: string, options?: { token?: string | null; variables?: Record<string, unknown>; headers?: Record<string, string> }): Promise<GraphQLResponse<T>>;
  createUser(label?: string): Promise<TestUser>;
  close(): Promise<void>;
}

/** For `describe.each`: a suite that must hold with row-level security off (the default) and on. */
export const ROW_LEVEL_SECURITY_MODES = [
  { mode: 'off', rowLevelSecurity: false },
  { mode: 'on', rowLevelSecurity: true },
] as const;

export function databaseUrl(): string {
  return inject('databaseUrl');
}

/** As serve.ts decides: named statements on a real PostgreSQL, not on the embedded PGlite. */
export function preparedStatements(): boolean {
  return inject('databaseKind') === 'postgresql';
}

/** `queryBuilder`: with a `prisma` not made by createPrismaClient (an $extends'ed one), the query builder to read with. */
export function createHarness(options: { prisma?: PrismaClient; queryBuilder?: QueryBuilder; rowLevelSecurity?: boolean } = {}): ApiHarness {
  const prisma = options.prisma ?? createPrismaClient({ url: databaseUrl(), poolSize: 4, preparedStatements: preparedStatements() });
  const api = createApi({ prisma, queryBuilder: options.queryBuilder, jwt: testJwtSettings, graphiql: true, logging: false, rowLevelSecurity: options.rowLevelSecurity });

  return {
    api,
    prisma,
    async graphql(query, { token, variables, headers } = {}) {
      const response = await api.fetch('http://taskgate.test/graphql', {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          // What Apollo Client sends: the GraphQL-over-HTTP media type, under which request errors are 4xx.
          accept: 'application/graphql-response+json, application/json;q=0.9',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...headers,
        },
        body: JSON.stringify({ query, variables }),
      });
      return { status: response.status, headers: response.headers, body: await response.json() };
    },
    async createUser(label = 'user') {
      const id = randomUUID();
      const email = `${label}-${id}@example.test`;
      await prisma.user.create({ data: { id, email, name: label } });
      return { id, email, token: await mintToken(id) };
    },
    async close() {
      await prisma.$disconnect();
    },
  };
}

