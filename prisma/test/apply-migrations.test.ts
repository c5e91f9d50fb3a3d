// The migration runner keeps Prisma Migrate's bookkeeping and refuses histories Prisma would flag.
import { createHash } from 'node:crypto';
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { applyMigrations, MigrationHistoryError } from '../src/migrate.ts';
import { MIGRATIONS_DIR } from '../src/migrations-directory.ts';
import { scratchDatabaseKind, stopScratchServers, withScratchDatabase } from './scratch-database.ts';

const temporaryDirectories: string[] = [];

/** A migrations directory in Prisma's format holding the given scripts. */
function migrationsFixture(scripts: Record<string, string>): string {
  const directory = mkdtempSync(join(tmpdir(), 'taskgate-migrations-'));
  temporaryDirectories.push(directory);
  writeFileSync(join(directory, 'migration_lock.toml'), 'provider = "postgresql"\n');
  for (const [name, script] of Object.entries(scripts)) {
    mkdirSync(join(directory, name));
    writeFileSync(join(directory, name, 'migration.sql'), script);
  }
  return directory;
}

function copyOfCommittedMigrations(): string {
  const directory = mkdtempSync(join(tmpdir(), 'taskgate-migrations-'));
  temporaryDirectories.push(directory);
  cpSync(MIGRATIONS_DIR, directory, { recursive: true });
  return directory;
}

async function query<R extends pg.QueryResultRow>(databaseUrl: string, sql: string, values: unknown[] = []) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query<R>(sql, values)).rows;
  } finally {
    await client.end();
  }
}

const tableExists = async (databaseUrl: string, table: string) =>
  (await query<{ found: boolean }>(databaseUrl, 'SELECT to_regclass($1) IS NOT NULL AS found', [table]))[0]?.found;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe(`applyMigrations (${scratchDatabaseKind})`, { timeout: 60_000 }, () => {
  afterEach(() => {
    for (const directory of temporaryDirectories.splice(0)) rmSync(directory, { recursive: true, force: true });
  });
  afterAll(stopScratchServers);

  it('applies each committed migration once and records it as Prisma Migrate does', async () => {
    await withScratchDatabase(async (databaseUrl) => {
      const first = await applyMigrations(databaseUrl);
      expect(first.applied.length).toBeGreaterThan(0);
      expect(first.applied.at(0)).toMatch(/^\d{14}_init$/);
      expect(await applyMigrations(databaseUrl)).toEqual({ applied: [] });

      const records = await query(
        databaseUrl,
        'SELECT id, migration_name, checksum, finished_at, rolled_back_at, logs, applied_steps_count FROM _prisma_migrations ORDER BY started_at',
      );
      expect(records).toEqual(
        first.applied.map((name) => ({
          id: expect.stringMatching(/^[0-9a-f-]{36}$/),
          migration_name: name,
          checksum: sha256(readFileSync(join(MIGRATIONS_DIR, name, 'migration.sql'), 'utf8')),
          finished_at: expect.any(Date),
          rolled_back_at: null,
          logs: null,
          applied_steps_count: 1,
        })),
      );

      // Column for column the table prisma-engines creates, so native `prisma migrate status` reads it.
      const columns = await query(
        databaseUrl,
        `SELECT column_name, data_type, character_maximum_length AS length, is_nullable, column_default
         FROM information_schema.columns WHERE table_name = '_prisma_migrations' ORDER BY ordinal_position`,
      );
      expect(columns).toEqual([
        { column_name: 'id', data_type: 'character varying', length: 36, is_nullable: 'NO', column_default: null },
        { column_name: 'checksum', data_type: 'character varying', length: 64, is_nullable: 'NO', column_default: null },
        { column_name: 'finished_at', data_type: 'timestamp with time zone', length: null, is_nullable: 'YES', column_default: null },
        { column_name: 'migration_name', data_type: 'character varying', length: 255, is_nullable: 'NO', column_default: null },
        { column_name: 'logs', data_type: 'text', length: null, is_nullable: 'YES', column_default: null },
        { column_name: 'rolled_back_at', data_type: 'timestamp with time zone', length: null, is_nullable: 'YES', column_default: null },
        { column_name: 'started_at', data_type: 'timestamp with time zone', length: null, is_nullable: 'NO', column_default: 'now()' },
        { column_name: 'applied_steps_count', data_type: 'integer', length: null, is_nullable: 'NO', column_default: '0' },
      ]);
    });
  });

  it('refuses an applied migration whose migration.sql was edited, and applies nothing', async () => {
    const migrationsDir = copyOfCommittedMigrations();
    await withScratchDatabase(async (databaseUrl) => {
      const { applied } = await applyMigrations(databaseUrl, { migrationsDir });
      appendFileSync(join(migrationsDir, applied[0]!, 'migration.sql'), '\nCREATE TABLE "sneaky" ("id" TEXT);\n');
      mkdirSync(join(migrationsDir, '99990101000000_later'));
      writeFileSync(join(migrationsDir, '99990101000000_later', 'migration.sql'), 'CREATE TABLE "later" ("id" TEXT);');

      const refusal = applyMigrations(databaseUrl, { migrationsDir });
      await expect(refusal).rejects.toThrow(MigrationHistoryError);
      await expect(refusal).rejects.toThrow(`${applied[0]}/migration.sql was edited after it was applied`);
      expect(await tableExists(databaseUrl, 'later')).toBe(false);
    });
  });

  it('accepts an applied migration checked out with CRLF line endings', async () => {
    const migrationsDir = copyOfCommittedMigrations();
    await withScratchDatabase(async (databaseUrl) => {
      const { applied } = await applyMigrations(databaseUrl, { migrationsDir });
      const scriptPath = join(migrationsDir, applied[0]!, 'migration.sql');
      writeFileSync(scriptPath, readFileSync(scriptPath, 'utf8').replaceAll('\n', '\r\n'));
      expect(await applyMigrations(databaseUrl, { migrationsDir })).toEqual({ applied: [] });
    });
  });

  it('refuses when an applied migration is missing from the migrations directory', async () => {
    const migrationsDir = migrationsFixture({ '20250101000000_a': 'CREATE TABLE a (id int);' });
    await withScratchDatabase(async (databaseUrl) => {
      await applyMigrations(databaseUrl, { migrationsDir });
      rmSync(join(migrationsDir, '20250101000000_a'), { recursive: true });
      await expect(applyMigrations(databaseUrl, { migrationsDir })).rejects.toThrow(
        '20250101000000_a is applied to the database but its directory is missing',
      );
    });
  });

  it('refuses while a failed migration is recorded (finished_at and rolled_back_at null)', async () => {
    const migrationsDir = migrationsFixture({ '20250101000000_a': 'CREATE TABLE a (id int);' });
    await withScratchDatabase(async (databaseUrl) => {
      await applyMigrations(databaseUrl, { migrationsDir: migrationsFixture({}) }); // creates _prisma_migrations
      // What native Prisma leaves behind when a migration fails half-way.
      await query(
        databaseUrl,
        `INSERT INTO _prisma_migrations (id, checksum, migration_name, logs) VALUES ($1, $2, $3, 'boom')`,
        ['00000000-0000-4000-8000-000000000000', sha256('CREATE TABLE a (id int);'), '20250101000000_a'],
      );
      await expect(applyMigrations(databaseUrl, { migrationsDir })).rejects.toThrow(
        /20250101000000_a was started at .* and never finished/,
      );
      expect(await tableExists(databaseUrl, 'a')).toBe(false);
    });
  });

  it('rolls a failing migration back, records the attempt as rolled back, and retries it next run', async () => {
    const migrationsDir = migrationsFixture({
      '20250101000000_a': 'CREATE TABLE a (id int);',
      '20250102000000_b': 'CREATE TABLE b (id int);\nINSERT INTO no_such_table VALUES (1);',
    });
    await withScratchDatabase(async (databaseUrl) => {
      await expect(applyMigrations(databaseUrl, { migrationsDir })).rejects.toThrow(
        /Migration 20250102000000_b failed and was rolled back[\s\S]*42P01/,
      );
      expect(await tableExists(databaseUrl, 'a')).toBe(true);
      expect(await tableExists(databaseUrl, 'b')).toBe(false);
      const [attempt] = await query(
        databaseUrl,
        `SELECT finished_at, rolled_back_at, logs FROM _prisma_migrations WHERE migration_name = '20250102000000_b'`,
      );
      expect(attempt).toMatchObject({ finished_at: null, rolled_back_at: expect.any(Date) });
      expect(attempt?.logs).toContain('no_such_table');

      writeFileSync(join(migrationsDir, '20250102000000_b', 'migration.sql'), 'CREATE TABLE b (id int);');
      expect(await applyMigrations(databaseUrl, { migrationsDir })).toEqual({ applied: ['20250102000000_b'] });
    });
  });

  it('refuses to run over tables it did not create (no _prisma_migrations)', async () => {
    await withScratchDatabase(async (databaseUrl) => {
      await query(databaseUrl, 'CREATE TABLE legacy (id int)');
      await expect(applyMigrations(databaseUrl)).rejects.toThrow(/schema is not empty \(tables: legacy\)/);
      expect(await tableExists(databaseUrl, '_prisma_migrations')).toBe(false);
    });
  });

  it('two concurrent runners apply each migration exactly once', async () => {
    const migrationsDir = migrationsFixture({
      '20250101000000_a': 'CREATE TABLE a (id int);',
      '20250102000000_b': 'CREATE TABLE b (id int);',
      '20250103000000_c': 'CREATE TABLE c (id int);',
    });
    await withScratchDatabase(async (databaseUrl) => {
      const runs = await Promise.all([
        applyMigrations(databaseUrl, { migrationsDir }),
        applyMigrations(databaseUrl, { migrationsDir }),
      ]);
      expect(runs.flatMap((run) => run.applied).sort()).toEqual(['20250101000000_a', '20250102000000_b', '20250103000000_c']);
      const [{ count } = { count: 0 }] = await query<{ count: number }>(
        databaseUrl,
        'SELECT count(*)::int AS count FROM _prisma_migrations',
      );
      expect(count).toBe(3);
    });
  });

  // pglite-socket gives every connection the same session, where advisory locks never block.
  it.skipIf(scratchDatabaseKind === 'pglite')('gives up when another session holds the migration lock too long', async () => {
    await withScratchDatabase(async (databaseUrl) => {
      const holder = new pg.Client({ connectionString: databaseUrl });
      await holder.connect();
      try {
        await holder.query('SELECT pg_advisory_lock(72707369)');
        await expect(
          applyMigrations(databaseUrl, { migrationsDir: migrationsFixture({}), lockTimeoutMs: 200 }),
        ).rejects.toThrow(/held the migration lock/);
      } finally {
        await holder.end();
      }
    });
  });
});
