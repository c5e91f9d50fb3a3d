// The query builder's reads as named statements on a real PostgreSQL (prepared-statements.ts): each
// connection prepares a statement once and runs it by name afterwards; a statement a migration made
// stale costs its connection, not the read; off, nothing is prepared; and where connections share one
// session (the embedded PGlite) none is named, so two clients of that database both read.
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { MAX_NAMED_STATEMENTS, isStalePreparedStatement, sessionsArePerConnection, statementConfig } from '../src/prepared-statements.ts';
import { createQueryBuilder, type QueryBuilder } from '../src/query-builder.ts';
import { scratchDatabaseKind, stopScratchServers, withScratchDatabase } from './scratch-database.ts';

interface PreparedRow {
  name: string;
  statement: string;
  runs: number;
}

/** The statements prepared on the connection this read runs on (a pool of one: the only one). */
const preparedOn = async (db: QueryBuilder) =>
  (await sql<PreparedRow>`SELECT name, statement, (generic_plans + custom_plans)::int AS runs FROM pg_prepared_statements ORDER BY name`.execute(db)).rows;

/** A pool of one connection on a fresh scratch database, with a `probe` table to read. */
function withProbePool(use: (pool: pg.Pool, url: string) => Promise<void>): Promise<void> {
  return withScratchDatabase(async (url) => {
    const pool = new pg.Pool({ connectionString: url, max: 1 });
    pool.on('error', () => undefined);
    try {
      await pool.query(`CREATE TABLE probe (id int PRIMARY KEY, label varchar(20) NOT NULL); INSERT INTO probe VALUES (1, 'one'), (2, 'two')`);
      await use(pool, url);
    } finally {
      await pool.end();
    }
  });
}

const readLabel = (db: QueryBuilder, id: number) => sql<{ label: string }>`SELECT label FROM probe WHERE id = ${id}`.execute(db).then((result) => result.rows[0]?.label);

/** A migration elsewhere changes the type of the column the prepared read returns. */
async function widenLabel(url: string): Promise<void> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query('ALTER TABLE probe ALTER COLUMN label TYPE text');
  } finally {
    await admin.end();
  }
}

describe('statement names', () => {
  it('one name per text, the same every time; unnamed when off', () => {
    const named = statementConfig(true);
    const page = named('SELECT 1 WHERE $1::int > 0', [1]);
    expect(page).toEqual({ name: 'taskgate_1', text: 'SELECT 1 WHERE $1::int > 0', values: [1] });
    expect(named('SELECT 2', []).name).toBe('taskgate_2');
    expect(named('SELECT 1 WHERE $1::int > 0', [7])).toEqual({ name: 'taskgate_1', text: 'SELECT 1 WHERE $1::int > 0', values: [7] });
    expect(statementConfig(false)('SELECT 1', [])).toEqual({ text: 'SELECT 1', values: [] });
  });

  it(`names at most ${MAX_NAMED_STATEMENTS} texts; later ones run unnamed, the named ones keep their names`, () => {
    const named = statementConfig(true);
    for (let index = 1; index <= MAX_NAMED_STATEMENTS; index += 1) expect(named(`SELECT ${index}`, []).name).toBe(`taskgate_${index}`);
    expect(named('SELECT -1', [])).toEqual({ text: 'SELECT -1', values: [] });
    expect(named('SELECT 1', []).name).toBe('taskgate_1');
  });

  it('a stale statement is told by the server routine that raises it, not by its message', () => {
    expect(isStalePreparedStatement(Object.assign(new Error('cached plan must not change result type'), { code: '0A000', routine: 'RevalidateCachedQuery' }))).toBe(true);
    expect(isStalePreparedStatement(Object.assign(new Error('cached plan must not change result type'), { code: '0A000', routine: 'other' }))).toBe(false);
    expect(isStalePreparedStatement(Object.assign(new Error('syntax error'), { code: '42601' }))).toBe(false);
    expect(isStalePreparedStatement(undefined)).toBe(false);
  });
});

describe('where connections share a session', { timeout: 60_000 }, () => {
  afterAll(stopScratchServers);

  it(`statements are named only once two connections show sessions of their own (${scratchDatabaseKind}: ${scratchDatabaseKind === 'postgresql' ? 'they do' : 'they share one'})`, async () => {
    await withScratchDatabase(async (url) => {
      // Two clients of one database, as two API processes are, each reading on two connections at once.
      const pools = [new pg.Pool({ connectionString: url, max: 2 }), new pg.Pool({ connectionString: url, max: 2 })];
      for (const pool of pools) pool.on('error', () => undefined);
      try {
        await pools[0]!.query(`CREATE TABLE probe (id int PRIMARY KEY, label varchar(20) NOT NULL); INSERT INTO probe VALUES (1, 'one'), (2, 'two')`);
        const decisions = pools.map((pool) => sessionsArePerConnection(pool));
        expect(await Promise.all(decisions)).toEqual(pools.map(() => scratchDatabaseKind === 'postgresql'));
        const builders = pools.map((pool, index) => createQueryBuilder(pool, { preparedStatements: decisions[index] }));
        // On one shared session a second Parse of a name fails ("prepared statement … already exists").
        for (const db of builders) expect(await Promise.all([readLabel(db, 1), readLabel(db, 2), readLabel(db, 1)])).toEqual(['one', 'two', 'one']);
      } finally {
        await Promise.all(pools.map((pool) => pool.end()));
      }
    });
  });

  it('a decision still being made sends statements unnamed', () => {
    const undecided = statementConfig(new Promise<boolean>(() => undefined));
    expect(undecided('SELECT 1', [])).toEqual({ text: 'SELECT 1', values: [] });
  });
});

describe.runIf(scratchDatabaseKind === 'postgresql')('named statements on PostgreSQL', { timeout: 60_000 }, () => {
  afterAll(stopScratchServers);

  it('a read is prepared once on its connection and then run by name', async () => {
    await withProbePool(async (pool) => {
      const db = createQueryBuilder(pool, { preparedStatements: true });
      expect(await readLabel(db, 1)).toBe('one');
      expect(await readLabel(db, 2)).toBe('two');
      expect(await readLabel(db, 1)).toBe('one');
      const prepared = await preparedOn(db);
      expect(prepared.find((row) => row.statement.includes('FROM probe'))).toEqual({ name: 'taskgate_1', statement: 'SELECT label FROM probe WHERE id = $1', runs: 3 });
    });
  });

  it('off, nothing is prepared', async () => {
    await withProbePool(async (pool) => {
      const db = createQueryBuilder(pool);
      expect(await readLabel(db, 1)).toBe('one');
      expect(await preparedOn(db)).toEqual([]);
    });
  });

  it('a read whose prepared statement a migration made stale is answered on a new connection', async () => {
    await withProbePool(async (pool, url) => {
      const db = createQueryBuilder(pool, { preparedStatements: true });
      expect(await readLabel(db, 1)).toBe('one');
      const [connection] = await sql<{ pid: number }>`SELECT pg_backend_pid() AS pid`.execute(db).then((result) => result.rows);
      await widenLabel(url);
      expect(await readLabel(db, 1)).toBe('one');
      const [after] = await sql<{ pid: number }>`SELECT pg_backend_pid() AS pid`.execute(db).then((result) => result.rows);
      expect(after?.pid).not.toBe(connection?.pid);
    });
  });

  it('inside a transaction the stale read fails, and its connection is not given to the next read', async () => {
    await withProbePool(async (pool, url) => {
      const db = createQueryBuilder(pool, { preparedStatements: true });
      expect(await readLabel(db, 1)).toBe('one');
      await widenLabel(url);
      // The transaction's first statement (BEGIN) succeeds; the stale read after it cannot be retried.
      const failure = await db.transaction().execute((transaction) => readLabel(transaction, 1)).then(() => undefined, (error: unknown) => error);
      expect(isStalePreparedStatement(failure), String(failure)).toBe(true);
      expect(pool.totalCount).toBe(0);
      expect(await db.transaction().execute((transaction) => readLabel(transaction, 2))).toBe('two');
    });
  });

  it('a connection held by node-postgres alone keeps failing the stale statement (the case is real)', async () => {
    await withProbePool(async (pool, url) => {
      // Checked out and given back without an error, as Kysely does: pool.query alone would discard it.
      const client = await pool.connect();
      try {
        const read = () => client.query({ name: 'probe_label', text: 'SELECT label FROM probe WHERE id = $1', values: [1] });
        await read();
        await widenLabel(url);
        for (let attempt = 0; attempt < 2; attempt += 1) {
          const failure = await read().then(() => undefined, (error: unknown) => error);
          expect(isStalePreparedStatement(failure), String(failure)).toBe(true);
        }
      } finally {
        client.release();
      }
    });
  });
});
