// Reads through the query builder survive sessions the server ended while their connections sat in
// the pool (a restart, a failover, pg_terminate_backend, idle_session_timeout): the first statement of
// a checkout moves to another connection (ended-session-retry.ts). PostgreSQL only: PGlite has one
// session and no way to end it.
import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import pg from 'pg';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { isEndedSession } from '../src/ended-session-retry.ts';
import { createQueryBuilder } from '../src/query-builder.ts';
import { scratchDatabaseKind, stopScratchServers, withScratchDatabase } from './scratch-database.ts';

const POOL_SIZE = 3;

/**
 * A pool of POOL_SIZE idle connections whose sessions the server has ended without the pool knowing
 * yet: each connection's socket is left unread (as under a busy event loop) until a statement is
 * written to it; then it reads the server's farewell as the answer to that statement.
 */
async function poolOfEndedSessions(url: string) {
  const applicationName = `taskgate-ended-${randomUUID()}`;
  const pool = new pg.Pool({ connectionString: url, max: POOL_SIZE, application_name: applicationName });
  pool.on('error', () => undefined);
  const sockets: Socket[] = [];
  pool.on('connect', (client) => {
    client.on('error', () => undefined);
    // node-postgres' connection keeps its socket as `stream` (not part of its typed API).
    sockets.push((client as unknown as { connection: { stream: Socket } }).connection.stream);
  });
  const clients = await Promise.all(Array.from({ length: POOL_SIZE }, () => pool.connect()));
  for (const client of clients) client.release();
  for (const socket of sockets) {
    socket.pause();
    const write = socket.write;
    socket.write = function (this: Socket, ...args: Parameters<Socket['write']>) {
      socket.write = write;
      const written = write.apply(this, args);
      socket.resume();
      return written;
    } as Socket['write'];
  }
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [applicationName]);
    // pg_terminate_backend only signals: wait until the sessions are really gone.
    const sessionsLeft = async () => (await admin.query<{ left: number }>('SELECT count(*)::int AS left FROM pg_stat_activity WHERE application_name = $1', [applicationName])).rows[0]?.left ?? 0;
    while ((await sessionsLeft()) > 0);
  } finally {
    await admin.end();
  }
  return pool;
}

/** Runs `use` on a fresh scratch database's pool of ended sessions, and ends the pool afterwards. */
function withPoolOfEndedSessions(use: (pool: pg.Pool) => Promise<void>): Promise<void> {
  return withScratchDatabase(async (url) => {
    const pool = await poolOfEndedSessions(url);
    try {
      await use(pool);
    } finally {
      await pool.end();
    }
  });
}

describe.runIf(scratchDatabaseKind === 'postgresql')('reads after the server ended pooled sessions', { timeout: 60_000 }, () => {
  afterAll(stopScratchServers);

  it('a read that meets 57P01 on every pooled connection is answered on a new one', async () => {
    await withPoolOfEndedSessions(async (pool) => {
      expect(pool.idleCount).toBe(POOL_SIZE);
      const db = createQueryBuilder(pool);
      // Every pooled connection is dead: the read goes through all of them, then a new one.
      expect((await sql<{ answer: number }>`SELECT 42 AS answer`.execute(db)).rows).toEqual([{ answer: 42 }]);
      expect(pool.totalCount).toBe(1);
    });
  });

  it('a transaction begun on a dead connection begins on another one', async () => {
    await withPoolOfEndedSessions(async (pool) => {
      const db = createQueryBuilder(pool);
      const rows = await db.transaction().execute(async (transaction) => (await sql<{ inside: boolean }>`SELECT now() <> statement_timestamp() AS inside`.execute(transaction)).rows);
      // now() is the transaction's start: outside a transaction it equals the statement's start.
      expect(rows).toEqual([{ inside: true }]);
    });
  });

  it('the plain pool, without the retry, fails the same read (the case is real)', async () => {
    await withPoolOfEndedSessions(async (pool) => {
      const error = await pool.query('SELECT 42 AS answer').then(() => undefined, (failure: unknown) => failure);
      expect(isEndedSession(error), String(error)).toBe(true);
    });
  });
});

describe('which failures mean the session ended', () => {
  it('the server ending it, or the socket closing under it; not a query error nor an unreachable server', () => {
    const withCode = (code: string, message = 'failed') => Object.assign(new Error(message), { code });
    expect(isEndedSession(withCode('57P01', 'terminating connection due to administrator command'))).toBe(true);
    expect(isEndedSession(withCode('57P05', 'terminating connection due to idle-session timeout'))).toBe(true);
    expect(isEndedSession(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isEndedSession(withCode('ECONNRESET'))).toBe(true);
    expect(isEndedSession(withCode('42601', 'syntax error'))).toBe(false);
    expect(isEndedSession(withCode('ECONNREFUSED'))).toBe(false);
    expect(isEndedSession(new Error('timeout exceeded when trying to connect'))).toBe(false);
  });
});
