// The query builder reads the tables Prisma writes: its table names are schema.prisma's @@map names,
// and its rows are what Prisma returns for the same columns (timestamps included, whatever the
// process's time zone).
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { createPrismaClient, queryBuilderOf, type Database } from '../src/connect.ts';
import { scratchDatabaseKind, stopScratchServers, withScratchDatabase } from './scratch-database.ts';
import { applyMigrations } from '../src/migrate.ts';

// Type-level: the query builder's table names, one per model it reads.
const TABLES: Record<'Task' | 'User', keyof Database> = { Task: 'task', User: 'user' };

describe(`query builder (${scratchDatabaseKind})`, { timeout: 60_000 }, () => {
  afterAll(stopScratchServers);

  it('names each table as schema.prisma maps its model', () => {
    const schema = readFileSync(new URL('../schema.prisma', import.meta.url), 'utf8');
    for (const [model, table] of Object.entries(TABLES)) {
      const body = new RegExp(`^model ${model} \\{([^}]*)\\}`, 'm').exec(schema)?.[1] ?? '';
      expect(/@@map\("([^"]+)"\)/.exec(body)?.[1] ?? model, model).toBe(table);
    }
  });

  it('reads back exactly what Prisma wrote, dates included', async () => {
    await withScratchDatabase(async (url) => {
      await applyMigrations(url);
      const prisma = createPrismaClient({ url, poolSize: 2 });
      try {
        const userId = randomUUID();
        const user = await prisma.user.create({ data: { id: userId, email: `qb-${userId}@example.test`, name: 'qb' } });
        const task = await prisma.task.create({ data: { title: 'written by Prisma', ownerId: userId } });
        const db = queryBuilderOf(prisma);
        // Not UTC, so that a timestamp read in local time would come back hours off.
        const zone = process.env.TZ;
        process.env.TZ = 'America/New_York';
        try {
          expect(await db.selectFrom('user').selectAll().where('id', '=', userId).executeTakeFirst()).toEqual(user);
          expect(await db.selectFrom('task').selectAll().where('id', '=', task.id).executeTakeFirst()).toEqual(task);
        } finally {
          if (zone === undefined) delete process.env.TZ;
          else process.env.TZ = zone;
        }
      } finally {
        await prisma.$disconnect();
      }
    });
  });
});
