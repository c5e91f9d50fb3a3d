// A read compiled once per shape (compiled-per-shape.ts): each request runs with its own values, each
// shape with its own statement, built once; a query builder with plugins never shares statements.
import { randomUUID } from 'node:crypto';
import { SelectQueryNode, type KyselyPlugin } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { compiledPerShape, createPrismaClient, queryBuilderOf, type Placeholders, type QueryBuilder, type Shape } from '../src/connect.ts';
import { applyMigrations } from '../src/migrate.ts';
import { scratchDatabaseKind, stopScratchServers, withScratchDatabase } from './scratch-database.ts';

interface TitlesShape extends Shape {
  onlyDone: boolean;
  limited: boolean;
}

interface TitlesValues extends Record<string, unknown> {
  ownerId: string;
  done: boolean;
  limit: number;
}

/** Titles of one owner's tasks, alphabetically; `builds` counts how often the query was built. */
function titlesRead() {
  const read = {
    builds: 0,
    statement: compiledPerShape((db, shape: TitlesShape, value: Placeholders<TitlesValues>) => {
      read.builds += 1;
      let query = db.selectFrom('task').select('title').where('ownerId', '=', value('ownerId'));
      if (shape.onlyDone) query = query.where('completed', '=', value('done'));
      query = query.orderBy('title');
      return shape.limited ? query.limit(value('limit')) : query;
    }),
    async titles(db: QueryBuilder, shape: TitlesShape, values: TitlesValues) {
      return (await read.statement(db, shape, values)).map((row) => row.title);
    },
  };
  return read;
}

/** A plugin that drops the query's WHERE: every owner's tasks. */
const withoutWhere: KyselyPlugin = {
  transformQuery: ({ node }) => (SelectQueryNode.is(node) ? { ...node, where: undefined } : node),
  transformResult: async ({ result }) => result,
};

/** Two owners: A with a (done), b, c; B with z. */
function withTwoOwners(use: (db: QueryBuilder, owners: { a: string; b: string }) => Promise<void>): Promise<void> {
  return withScratchDatabase(async (url) => {
    await applyMigrations(url);
    const prisma = createPrismaClient({ url, poolSize: 2 });
    try {
      const [a, b] = [randomUUID(), randomUUID()];
      await prisma.user.createMany({ data: [a, b].map((id) => ({ id, email: `${id}@example.test`, name: id })) });
      await prisma.task.createMany({
        data: [
          { ownerId: a, title: 'a', completed: true },
          { ownerId: a, title: 'b' },
          { ownerId: a, title: 'c' },
          { ownerId: b, title: 'z' },
        ],
      });
      await use(queryBuilderOf(prisma), { a, b });
    } finally {
      await prisma.$disconnect();
    }
  });
}

const all: TitlesShape = { onlyDone: false, limited: false };

describe(`a read compiled once per shape (${scratchDatabaseKind})`, { timeout: 60_000 }, () => {
  afterAll(stopScratchServers);

  it('runs every request with its own values, and every shape with its own statement, built once', async () => {
    await withTwoOwners(async (db, owners) => {
      const read = titlesRead();
      const values = { ownerId: owners.a, done: true, limit: 0 };
      expect(await read.titles(db, all, values)).toEqual(['a', 'b', 'c']);
      expect(await read.titles(db, all, { ...values, ownerId: owners.b })).toEqual(['z']);
      expect(await read.titles(db, { onlyDone: true, limited: false }, values)).toEqual(['a']);
      expect(await read.titles(db, { onlyDone: true, limited: false }, { ...values, done: false })).toEqual(['b', 'c']);
      expect(await read.titles(db, { onlyDone: false, limited: true }, { ...values, limit: 1 })).toEqual(['a']);
      expect(await read.titles(db, { limited: true, onlyDone: false }, { ...values, limit: 2 })).toEqual(['a', 'b']);
      // Three shapes, the last written in another order: three builds for six reads.
      expect(read.builds).toBe(3);
    });
  });

  it('compiles anew on a query builder with plugins, and keeps its statements from the plain one', async () => {
    await withTwoOwners(async (db, owners) => {
      const read = titlesRead();
      const values = { ownerId: owners.a, done: false, limit: 0 };
      expect(await read.titles(db, all, values)).toEqual(['a', 'b', 'c']);
      // The plugin's rewrite applies: not the plain builder's statement.
      expect(await read.titles(db.withPlugin(withoutWhere), all, values)).toEqual(['a', 'b', 'c', 'z']);
      expect(await read.titles(db.withPlugin(withoutWhere), all, values)).toEqual(['a', 'b', 'c', 'z']);
      // And the plugin's statement was not kept for the plain builder.
      expect(await read.titles(db, all, values)).toEqual(['a', 'b', 'c']);
      expect(read.builds).toBe(3);
    });
  });

  it('runs inside a transaction', async () => {
    await withTwoOwners(async (db, owners) => {
      const read = titlesRead();
      const values = { ownerId: owners.b, done: false, limit: 0 };
      expect(await read.titles(db, all, values)).toEqual(['z']);
      expect(await db.transaction().execute((transaction) => read.titles(transaction, all, values))).toEqual(['z']);
      expect(read.builds).toBe(1);
    });
  });
});
