// The tasks page's statement is compiled once per shape (compiled-per-shape.ts): for every shape, what
// goes to the database — SQL and parameters — is exactly what compiling the page query with the
// request's own values gives. No database: the statements are caught as they are sent.
import { DummyDriver, Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler, type CompiledQuery } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { Database } from '@taskgate/prisma/connect';
import { pageQuery, readTaskPage, type PageShape, type PageValues } from '../src/schema/task-page.ts';
import type { GraphQLContext } from '../src/auth/context.ts';

/** A query builder that sends nothing anywhere and keeps what it was asked to run. */
function recordingQueryBuilder() {
  const sent: CompiledQuery[] = [];
  const db = new Kysely<Database>({
    dialect: {
      createAdapter: () => new PostgresAdapter(),
      createDriver: () => new DummyDriver(),
      createIntrospector: (kysely) => new PostgresIntrospector(kysely),
      createQueryCompiler: () => new PostgresQueryCompiler(),
    },
    log: (event) => {
      if (event.level === 'query') sent.push(event.query);
    },
  });
  return { db, sent };
}

const SHAPE_KEYS = ['completed', 'search', 'cursor', 'backward', 'limited'] as const;

/** Every shape but the impossible ones (a backward page is always limited). */
const shapes: PageShape[] = Array.from({ length: 2 ** SHAPE_KEYS.length }, (_, bits) =>
  Object.fromEntries(SHAPE_KEYS.map((key, index) => [key, (bits & (1 << index)) !== 0])) as PageShape,
).filter((shape) => !(shape.backward && !shape.limited));

/** The plan and filter readTaskPage turns into `shape`, with values that differ between requests. */
function requestFor(shape: PageShape, request: number) {
  const take = shape.limited ? (shape.backward ? -(20 + request) : 20 + request) : 0;
  return {
    ownerId: `owner-${request}`,
    filter: { completed: shape.completed ? request % 2 === 0 : null, search: shape.search ? `50%_off\\${request}` : null },
    plan: { take, skip: request, ...(shape.cursor ? { cursor: { id: `cursor-${request}` } } : {}) },
  };
}

describe('the tasks page statement, compiled once per shape', () => {
  it('sends, for every shape, the SQL and parameters the page query compiles to with the request’s own values', async () => {
    const { db, sent } = recordingQueryBuilder();
    const context = { readAsCaller: (read: (builder: typeof db) => Promise<unknown>) => read(db) } as unknown as GraphQLContext;
    for (const request of [1, 2, 3]) {
      for (const shape of shapes) {
        const { ownerId, filter, plan } = requestFor(shape, request);
        sent.length = 0;
        await readTaskPage(context, ownerId, filter, plan);
        const values: PageValues = {
          ownerId,
          completed: filter.completed ?? false,
          pattern: shape.search ? `%50\\%\\_off\\\\${request}%` : '',
          cursorId: plan.cursor?.id ?? '',
          limit: Math.abs(plan.take),
          offset: plan.skip,
        };
        const direct = pageQuery(db, shape, (key) => values[key]).compile();
        expect(sent, JSON.stringify(shape)).toHaveLength(1);
        expect(sent[0]!.sql, JSON.stringify(shape)).toBe(direct.sql);
        expect(sent[0]!.parameters, JSON.stringify(shape)).toEqual(direct.parameters);
      }
    }
  });
});
