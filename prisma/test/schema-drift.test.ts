// schema.prisma and prisma/migrations must describe the same database: the first test fails when
// someone edits the schema without generating a migration (`pnpm db:migration <name>`).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { applyMigrations } from '../src/migrate.ts';
import { diffDatabaseToSchema, PRISMA_SCHEMA_PATH } from '../src/schema-engine.ts';
import { scratchDatabaseKind, stopScratchServers, withScratchDatabase } from './scratch-database.ts';

describe(`schema drift (${scratchDatabaseKind})`, { timeout: 60_000 }, () => {
  afterAll(stopScratchServers);

  it('the committed migrations produce exactly schema.prisma', async () => {
    await withScratchDatabase(async (databaseUrl) => {
      await applyMigrations(databaseUrl);
      const missing = await diffDatabaseToSchema(databaseUrl, PRISMA_SCHEMA_PATH);
      expect(missing, 'schema.prisma changed without a migration: run `pnpm db:migration <name>`').toBe('');
    });
  });

  it('reports a model change that has no migration', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'taskgate-schema-'));
    try {
      const original = readFileSync(PRISMA_SCHEMA_PATH, 'utf8');
      const edited = original.replace(/^model Task \{\n/m, '$&  dueAt DateTime?\n');
      expect(edited).not.toBe(original);
      const editedSchemaPath = join(directory, 'schema.prisma');
      writeFileSync(editedSchemaPath, edited);

      await withScratchDatabase(async (databaseUrl) => {
        await applyMigrations(databaseUrl);
        const missing = await diffDatabaseToSchema(databaseUrl, editedSchemaPath);
        expect(missing).toMatch(/ALTER TABLE "task" ADD COLUMN\s+"dueAt" TIMESTAMP\(3\)/);
      });
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
