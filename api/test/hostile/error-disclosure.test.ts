// Hostile probing for internals through errors. A failure the client did not cause (SQL error, Prisma
// error, a bug) answers INTERNAL_SERVER_ERROR with a generic message: no stack, no SQL, no Prisma
// text, whatever NODE_ENV says. The errors a client can cause keep stable codes.
import type { PrismaClient } from '@taskgate/prisma/client';
import { queryBuilderOf, type QueryBuilder } from '@taskgate/prisma/connect';
import { sql, WhereNode, type KyselyPlugin, type OperationNode, type RootOperationNode } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createHarness, type TestUser } from '../support/api-harness.ts';

const harness = createHarness();
let alice: TestUser;

beforeAll(async () => {
  alice = await harness.createUser('alice');
});
afterEach(() => vi.unstubAllEnvs());
afterAll(() => harness.close());

const SQL_SECRET = 'secret_column_7f3a';

/** The query builder (the tasks page's reads) broken the same three ways, by a plugin. */
const brokenQueryBuilders: Record<string, () => QueryBuilder> = {
  // A condition on a column that does not exist: the database's own error names it.
  'an SQL error': () => queryBuilderOf(harness.prisma).withPlugin(replaceWhere(sql`${sql.ref(SQL_SECRET)} <> 'hunter2'`)),
  // A value the database cannot convert: its error quotes the value.
  'a Prisma validation error': () => queryBuilderOf(harness.prisma).withPlugin(replaceWhere(sql`cast(${sql.lit(SQL_SECRET)} as integer) = 1`)),
  'a bug (TypeError)': () =>
    queryBuilderOf(harness.prisma).withPlugin({
      transformQuery: ({ node }) => node,
      transformResult: async () => {
        throw new TypeError(`Cannot read properties of undefined (reading '${SQL_SECRET}')`);
      },
    }),
};

function replaceWhere(condition: { toOperationNode(): OperationNode }): KyselyPlugin {
  return {
    transformQuery: ({ node }) => ({ ...node, where: WhereNode.create(condition.toOperationNode()) }) as RootOperationNode,
    transformResult: async ({ result }) => result,
  };
}

/** Clients broken three ways; each model operation fails before or inside the database. */
const brokenClients: Record<string, () => PrismaClient> = {
  'an SQL error': () =>
    harness.prisma.$extends({
      query: { $allModels: { $allOperations: () => harness.prisma.$queryRawUnsafe(`SELECT "${SQL_SECRET}" WHERE 'hunter2' <> ''`) } },
    }) as unknown as PrismaClient,
  'a Prisma validation error': () =>
    harness.prisma.$extends({
      query: { $allModels: { $allOperations: ({ args, query }) => query({ ...args, where: { ...(args as { where?: object }).where, [SQL_SECRET]: 'x' } } as never) } },
    }) as unknown as PrismaClient,
  'a bug (TypeError)': () =>
    harness.prisma.$extends({
      query: {
        $allModels: {
          $allOperations: () => {
            throw new TypeError(`Cannot read properties of undefined (reading '${SQL_SECRET}')`);
          },
        },
      },
    }) as unknown as PrismaClient,
};

const operations = {
  'me (a read)': '{ me { email } }',
  'tasks (a list)': '{ tasks(first: 5) { edges { node { id title } } } }',
  'createTask (a write)': 'mutation { createTask(input: { title: "t" }) { id } }',
};

/** Everything that would tell an attacker about the server's insides. */
const LEAKS = new RegExp([SQL_SECRET, 'hunter2', 'SELECT', 'prisma', 'invocation', 'P20\\d\\d', '42703', 'TypeError', 'stack', '\\.ts:\\d+', 'at \\w+ \\(', 'node_modules'].join('|'), 'i');

describe('unexpected errors are masked in every NODE_ENV', () => {
  for (const nodeEnv of ['development', 'test', 'production']) {
    for (const [failure, brokenClient] of Object.entries(brokenClients)) {
      it(`NODE_ENV=${nodeEnv}: ${failure} answers INTERNAL_SERVER_ERROR with a generic message and no internals`, async () => {
        vi.stubEnv('NODE_ENV', nodeEnv);
        // Control: unmasked, this failure's own message would give the secret away.
        await expect(brokenClient().user.findMany()).rejects.toThrow(SQL_SECRET);
        await expect(brokenQueryBuilders[failure]!().selectFrom('task').selectAll().execute()).rejects.toThrow(SQL_SECRET);
        // Row-level security off so the failure is exactly the broken client's (RLS has its own tests).
        const broken = createHarness({ prisma: brokenClient(), queryBuilder: brokenQueryBuilders[failure]!(), rowLevelSecurity: false });
        for (const [label, query] of Object.entries(operations)) {
          const response = await broken.graphql(query, { token: alice.token });
          const text = JSON.stringify(response.body);
          expect(response.status, label).toBe(200);
          expect(response.body.data ?? null, label).toBeNull();
          expect(response.body.errors?.map((error) => [error.message, error.extensions?.code]), label).toEqual([['Unexpected error.', 'INTERNAL_SERVER_ERROR']]);
          expect(text, label).not.toMatch(LEAKS);
          expect(Object.keys(response.body.errors![0]!.extensions ?? {}), label).toEqual(['code']);
        }
      });
    }
  }
});

describe('errors a client can cause keep stable codes', () => {
  it('UNAUTHENTICATED 401, FORBIDDEN, NOT_FOUND and BAD_USER_INPUT 200, each with its code and no internals', async () => {
    const other = Buffer.from('User:someone-else').toString('base64');
    const missingTask = Buffer.from('Task:00000000-0000-7000-8000-000000000000').toString('base64');
    const cases = [
      { code: 'UNAUTHENTICATED', status: 401, token: null, query: '{ me { id } }' },
      { code: 'FORBIDDEN', status: 200, token: alice.token, query: `{ user(id: "${other}") { email } }` },
      { code: 'NOT_FOUND', status: 200, token: alice.token, query: `mutation { deleteTask(id: "${missingTask}") }` },
      { code: 'BAD_USER_INPUT', status: 200, token: alice.token, query: '{ tasks(first: 1000) { edges { cursor } } }' },
      { code: 'BAD_USER_INPUT', status: 200, token: alice.token, query: 'mutation { createTask(input: { title: "   " }) { id } }' },
    ];
    for (const { code, status, token, query } of cases) {
      const response = await harness.graphql(query, { token });
      expect({ status: response.status, code: response.body.errors?.[0]?.extensions?.code }, query).toEqual({ status, code });
      expect(JSON.stringify(response.body), query).not.toMatch(LEAKS);
    }
  });
});
