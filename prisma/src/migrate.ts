// `prisma migrate deploy`, done with pg. Upstream limitation: Prisma 7.10's CLI cannot run any migrate
// command without its native schema-engine binary, which it downloads from binaries.prisma.sh, a host
// these machines cannot reach (prisma/orm#28662). This runner keeps Prisma's folder format and its
// `_prisma_migrations` bookkeeping (same table, checksums and advisory lock as prisma-engines), so
// native `prisma migrate deploy` / `status` agree with it wherever the engine is available.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import {
  type LocalMigration,
  MIGRATIONS_DIR,
  migrationChecksum,
  readLocalMigrations,
  scriptMatchesChecksum,
} from './migrations-directory.ts';

export interface ApplyMigrationsOptions {
  migrationsDir?: string;
  log?: (line: string) => void;
  /** How long to wait while another runner holds the migration lock; default 60 s. */
  lockTimeoutMs?: number;
}

/** Thrown, before anything is applied, when the database's history contradicts prisma/migrations. */
export class MigrationHistoryError extends Error {
  constructor(readonly problems: string[]) {
    super(
      'Refusing to migrate: the migration history recorded in _prisma_migrations does not match the ' +
        `migrations directory.\n${problems.map((problem) => `  - ${problem}`).join('\n')}`,
    );
    this.name = 'MigrationHistoryError';
  }
}

// Prisma Migrate's own advisory lock key (prisma-engines, flavour/postgres.rs), so that this runner
// and a native `prisma migrate` exclude each other.
const PRISMA_MIGRATE_LOCK_KEY = 72707369;

// prisma-engines' create_migrations_table for PostgreSQL, column for column. IF NOT EXISTS only makes
// creation race-free on PGlite, where advisory locks do not exclude (see applyMigration).
const CREATE_PRISMA_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS _prisma_migrations (
    id                      VARCHAR(36) PRIMARY KEY NOT NULL,
    checksum                VARCHAR(64) NOT NULL,
    finished_at             TIMESTAMPTZ,
    migration_name          VARCHAR(255) NOT NULL,
    logs                    TEXT,
    rolled_back_at          TIMESTAMPTZ,
    started_at              TIMESTAMPTZ NOT NULL DEFAULT now(),
    applied_steps_count     INTEGER NOT NULL DEFAULT 0
);`;

interface MigrationRecord {
  migration_name: string;
  checksum: string;
  started_at: Date;
  finished_at: Date | null;
  rolled_back_at: Date | null;
  logs: string | null;
}

/** Applies the migrations of `migrationsDir` not yet recorded in the database, in name order. */
export async function applyMigrations(
  databaseUrl: string,
  options: ApplyMigrationsOptions = {},
): Promise<{ applied: string[] }> {
  const log = options.log ?? (() => {});
  const migrations = readLocalMigrations(options.migrationsDir ?? MIGRATIONS_DIR);
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await acquireMigrateLock(client, options.lockTimeoutMs ?? 60_000);
    try {
      await ensureMigrationsTable(client);
      const history = await readMigrationHistory(client);
      assertHistoryMatches(history, migrations);
      const applied: string[] = [];
      for (const migration of migrations) {
        if (history.some((record) => record.migration_name === migration.name && !record.rolled_back_at)) continue;
        if (await applyMigration(client, migration, log)) applied.push(migration.name);
      }
      return { applied };
    } finally {
      // A dead connection has released its session lock already; keep the original error.
      await client.query('SELECT pg_advisory_unlock($1)', [PRISMA_MIGRATE_LOCK_KEY]).catch(() => {});
    }
  } finally {
    await client.end();
  }
}

async function acquireMigrateLock(client: pg.Client, timeoutMs: number): Promise<void> {
  await client.query(`SELECT set_config('lock_timeout', $1, false)`, [`${Math.max(1, Math.round(timeoutMs))}ms`]);
  try {
    await client.query('SELECT pg_advisory_lock($1)', [PRISMA_MIGRATE_LOCK_KEY]);
  } catch (error) {
    if ((error as { code?: string }).code === '55P03') {
      throw new Error(
        `Another migration run has held the migration lock (pg_advisory_lock(${PRISMA_MIGRATE_LOCK_KEY})) ` +
          `for over ${timeoutMs} ms. Wait for it to finish, or find the session holding it in pg_locks.`,
        { cause: error },
      );
    }
    throw error;
  } finally {
    await client.query('RESET lock_timeout').catch(() => {}); // keep the original error, if any
  }
}

async function ensureMigrationsTable(client: pg.Client): Promise<void> {
  // One transaction, so that on PGlite (exclusive transactions) the check and the creation are atomic.
  await client.query('BEGIN');
  try {
    const { rows } = await client.query<{ relname: string }>(
      `SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = current_schema() AND c.relkind = 'r'`,
    );
    const tables = rows.map((row) => row.relname);
    if (!tables.includes('_prisma_migrations')) {
      // Prisma's P3005: applying an init migration over an existing schema would fail half-way or worse.
      if (tables.length > 0) {
        throw new Error(
          `The database schema is not empty (tables: ${tables.slice(0, 5).join(', ')}${tables.length > 5 ? ', ...' : ''}) ` +
            'but has no _prisma_migrations table, so it was not created by these migrations. Point DATABASE_URL ' +
            'at an empty database, or baseline this one (https://pris.ly/d/migrate-baseline).',
        );
      }
      await client.query(CREATE_PRISMA_MIGRATIONS_TABLE);
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  }
}

async function readMigrationHistory(client: pg.Client): Promise<MigrationRecord[]> {
  const { rows } = await client.query<MigrationRecord>(
    `SELECT migration_name, checksum, started_at, finished_at, rolled_back_at, logs
     FROM _prisma_migrations ORDER BY started_at`,
  );
  return rows;
}

function assertHistoryMatches(history: MigrationRecord[], migrations: LocalMigration[]): void {
  const problems: string[] = [];
  for (const record of history) {
    const name = record.migration_name;
    if (record.rolled_back_at) continue;
    if (!record.finished_at) {
      problems.push(
        `${name} was started at ${record.started_at.toISOString()} and never finished, so the database may ` +
          'hold part of it (Prisma: P3009). Inspect and repair the database by hand, then mark the attempt ' +
          `rolled back: UPDATE _prisma_migrations SET rolled_back_at = now() WHERE migration_name = '${name}' ` +
          `AND finished_at IS NULL (what \`prisma migrate resolve --rolled-back ${name}\` does).` +
          (record.logs ? ` Recorded error: ${record.logs.trim()}` : ''),
      );
      continue;
    }
    const local = migrations.find((migration) => migration.name === name);
    if (!local) {
      problems.push(
        `${name} is applied to the database but its directory is missing from the migrations directory ` +
          '(deleted or renamed?). Restore it from version control.',
      );
    } else if (!scriptMatchesChecksum(local.script, record.checksum)) {
      problems.push(
        `${name}/migration.sql was edited after it was applied (recorded checksum ${record.checksum}, file now ` +
          `${migrationChecksum(local.script)}). Revert the edit and put the change in a new migration ` +
          '(pnpm db:migration <name>).',
      );
    }
  }
  if (problems.length > 0) throw new MigrationHistoryError(problems);
}

/** Returns false when another runner applied the migration meanwhile. */
async function applyMigration(client: pg.Client, migration: LocalMigration, log: (line: string) => void): Promise<boolean> {
  const startedAt = performance.now();
  const checksum = migrationChecksum(migration.script);
  await client.query('BEGIN');
  try {
    // Re-checked inside the transaction: pglite-socket shares one session between all connections, so
    // the advisory lock does not exclude there, but a transaction does (it runs alone).
    const alreadyApplied = await client.query(
      'SELECT 1 FROM _prisma_migrations WHERE migration_name = $1 AND rolled_back_at IS NULL',
      [migration.name],
    );
    if (alreadyApplied.rowCount) {
      await client.query('ROLLBACK');
      return false;
    }
    const id = randomUUID();
    await client.query(
      `INSERT INTO _prisma_migrations (id, checksum, migration_name, started_at, applied_steps_count)
       VALUES ($1, $2, $3, clock_timestamp(), 0)`,
      [id, checksum, migration.name],
    );
    await client.query(migration.script); // simple query protocol: the whole multi-statement script
    await client.query(
      'UPDATE _prisma_migrations SET finished_at = clock_timestamp(), applied_steps_count = 1 WHERE id = $1',
      [id],
    );
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    await recordRolledBackAttempt(client, migration.name, checksum, error).catch(() => {});
    throw new Error(
      `Migration ${migration.name} failed and was rolled back; none of it is applied to this database.\n` +
        `${describeDatabaseError(error)}\nFix the migration (or the data it trips over) and run again.`,
      { cause: error },
    );
  }
  log(`Applied ${migration.name} (${Math.round(performance.now() - startedAt)} ms)`);
  return true;
}

// Prisma would leave a failed row that blocks every later deploy until `migrate resolve`. Our
// transaction guarantees the rollback, so the attempt is recorded as rolled back (kept as audit trail,
// ignored by Prisma) and the next run simply retries.
async function recordRolledBackAttempt(client: pg.Client, name: string, checksum: string, error: unknown) {
  await client.query(
    `INSERT INTO _prisma_migrations (id, checksum, migration_name, logs, started_at, rolled_back_at, applied_steps_count)
     VALUES ($1, $2, $3, $4, clock_timestamp(), clock_timestamp(), 0)`,
    [randomUUID(), checksum, name, describeDatabaseError(error)],
  );
}

// The shape of Prisma's own `logs` entries.
function describeDatabaseError(error: unknown): string {
  const { code, message, position } = error as { code?: string; message?: string; position?: string };
  return [
    code ? `Database error code: ${code}` : undefined,
    `Database error:\n${message ?? String(error)}`,
    position ? `Position: character ${position} of migration.sql` : undefined,
  ]
    .filter(Boolean)
    .join('\n\n');
}
