// A fresh, migrated database for one test run. With TEST_DATABASE_URL (or DATABASE_URL) set, a new
// database `taskgate_test_*` is created on that PostgreSQL server and dropped afterwards; otherwise an
// in-memory embedded PGlite is served on a free local port.
import { createServer } from 'node:net';
import pg from 'pg';
import { applyMigrations } from '../prisma/src/migrate.ts';
import { startEmbeddedDatabase } from '../prisma/src/embedded-server.ts';

export interface TestDatabase {
  url: string;
  kind: 'postgresql' | 'pglite';
  description: string;
  teardown(): Promise<void>;
}

/** `namePrefix` names the fresh PostgreSQL database (the benchmark uses `taskgate_bench`). */
export async function createTestDatabase(env: NodeJS.ProcessEnv = process.env, namePrefix = 'taskgate_test'): Promise<TestDatabase> {
  const serverUrl = env.TEST_DATABASE_URL?.trim() || env.DATABASE_URL?.trim();
  const database = serverUrl ? await createFreshDatabase(serverUrl, namePrefix) : await startInMemoryEmbedded();
  try {
    await applyMigrations(database.url);
  } catch (error) {
    await database.teardown();
    throw error;
  }
  return database;
}

async function createFreshDatabase(serverUrl: string, namePrefix: string): Promise<TestDatabase> {
  const name = `${namePrefix}_${Date.now()}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    kind: 'postgresql',
    description: `PostgreSQL database ${name} on ${url.host}`,
    async teardown() {
      if (process.env.TEST_KEEP_DATABASE) return;
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await client.end();
    },
  };
}

async function startInMemoryEmbedded(): Promise<TestDatabase> {
  const database = await startEmbeddedDatabase({ port: 0 });
  return { url: database.url, kind: 'pglite', description: `embedded PGlite (in memory) at ${database.url}`, teardown: database.stop };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
