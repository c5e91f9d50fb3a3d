// The benchmark's database: a fresh `taskgate_bench_*` database on the PostgreSQL server named by
// DATABASE_URL or TEST_DATABASE_URL (created, migrated, dropped afterwards, as the test suite does),
// otherwise an in-memory embedded PGlite in a child process.
import pg from 'pg';
import { createTestDatabase } from '../../test/test-database.ts';
import { startWithMessage } from './processes.ts';

export interface BenchDatabase {
  url: string;
  kind: 'postgresql' | 'pglite';
  /** e.g. "PostgreSQL 15.20 — fresh database taskgate_bench_… on 127.0.0.1:5432". */
  description: string;
  close(): Promise<void>;
}

export async function openBenchDatabase(env: NodeJS.ProcessEnv = process.env): Promise<BenchDatabase> {
  const serverUrl = env.DATABASE_URL?.trim() || env.TEST_DATABASE_URL?.trim();
  if (serverUrl) {
    const database = await createTestDatabase({ TEST_DATABASE_URL: serverUrl }, 'taskgate_bench');
    return {
      url: database.url,
      kind: 'postgresql',
      description: `${await serverVersion(database.url)} — ${database.description.replace(/^PostgreSQL /, 'fresh ')}`,
      close: database.teardown,
    };
  }
  const embedded = await startWithMessage<{ url: string }>(new URL('./embedded-database.ts', import.meta.url).pathname);
  return {
    url: embedded.message.url,
    kind: 'pglite',
    description: `${await serverVersion(embedded.message.url)} — embedded PGlite (WebAssembly, in memory, one query at a time): not representative of a real server`,
    close: embedded.stop,
  };
}

async function serverVersion(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ version: string }>('SELECT version()');
    return /^PostgreSQL [\d.]+/.exec(rows[0]?.version ?? '')?.[0] ?? 'PostgreSQL';
  } finally {
    await client.end();
  }
}
