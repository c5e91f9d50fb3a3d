// A fresh, empty database for one test. With TEST_DATABASE_URL (a server-level URL such as
// postgresql://postgres@127.0.0.1:5432/postgres) it is a new taskgate_scratch_* database on that
// server, dropped afterwards. Without it, an in-memory PGlite server shared by the test file's process
// and emptied before each use, since PGlite serves one database whatever name is asked for.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { type EmbeddedDatabase, startEmbeddedDatabase } from '../src/embedded-server.ts';

export const scratchDatabaseKind: 'postgresql' | 'pglite' = process.env.TEST_DATABASE_URL ? 'postgresql' : 'pglite';

export function withScratchDatabase(run: (databaseUrl: string) => Promise<void>): Promise<void> {
  const serverUrl = process.env.TEST_DATABASE_URL;
  return serverUrl ? withPostgresScratchDatabase(serverUrl, run) : withPgliteScratchDatabase(run);
}

/** Stops the shared PGlite server, if one was started; call from afterAll. */
export async function stopScratchServers(): Promise<void> {
  const starting = embeddedServer;
  embeddedServer = undefined;
  if (starting) await (await starting).stop();
}

async function withPostgresScratchDatabase(serverUrl: string, run: (databaseUrl: string) => Promise<void>) {
  const name = `taskgate_scratch_${Date.now()}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
    try {
      const databaseUrl = new URL(serverUrl);
      databaseUrl.pathname = `/${name}`;
      await run(databaseUrl.toString());
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    }
  } finally {
    await admin.end();
  }
}

let embeddedServer: Promise<EmbeddedDatabase> | undefined;
let previousTurn: Promise<unknown> = Promise.resolve();

// One database to share, so tests take turns even if a file runs them concurrently.
function withPgliteScratchDatabase(run: (databaseUrl: string) => Promise<void>): Promise<void> {
  const turn = previousTurn.then(async () => {
    embeddedServer ??= startEmbeddedDatabase({ port: 0 });
    const { url } = await embeddedServer;
    await emptyDatabase(url);
    await run(url);
  });
  previousTurn = turn.catch(() => {});
  return turn;
}

async function emptyDatabase(databaseUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    // All pglite-socket connections share one session, so session state must be reset too.
    await client.query('DROP SCHEMA public CASCADE; CREATE SCHEMA public; SELECT pg_advisory_unlock_all();');
  } finally {
    await client.end();
  }
}
