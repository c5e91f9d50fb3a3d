// A database restart, failover, administrator or idle_session_timeout ends the server's sessions,
// and a pooled connection only learns of it when it next reads from its socket: the next statement
// sent on it fails although the database is back. For the query builder's reads (query-builder.ts),
// the first statement of each checkout is retried on another connection when its session turns out to
// have ended; the failed connection is discarded. Nothing ran on the ended session, and only the
// checkout's first statement retries (a transaction's BEGIN, or a lone read), so no half-done work is
// repeated. Each retry discards one connection, so the pool's size bounds them.
// A connection whose prepared statement went stale under a migration (prepared-statements.ts) is
// discarded the same way: its first statement is retried on another one, and a later statement's
// failure has it discarded when it is given back.
import type pg from 'pg';
import type { PostgresPool, PostgresPoolClient, PostgresQueryResult } from 'kysely';
import { isStalePreparedStatement, statementConfig, type StatementConfig } from './prepared-statements.ts';

/** SQLSTATEs a server sends as it ends a session (admin_shutdown, crash_shutdown, idle_session_timeout), and a connection cut under a statement. */
const ENDED_SESSION_CODES = new Set(['57P01', '57P02', '57P05', 'ECONNRESET', 'EPIPE']);

/** node-postgres' code-less error for a socket the server closed without a word. */
const CLOSED_WITHOUT_MESSAGE = /^Connection terminated unexpectedly$/;

export function isEndedSession(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const { code } = error as { code?: unknown };
  return (typeof code === 'string' && ENDED_SESSION_CODES.has(code)) || CLOSED_WITHOUT_MESSAGE.test(error.message);
}

/**
 * `pool` as the query builder sees it: each checkout's first statement survives ended sessions.
 * `statement` says how each statement is sent (named or not: prepared-statements.ts).
 */
export function retryingEndedSessions(pool: pg.Pool, statement: StatementConfig = statementConfig(false)): PostgresPool {
  return {
    options: pool.options,
    connect: async () => new FirstStatementRetry(pool, await pool.connect(), statement),
    end: () => pool.end(),
  };
}

class FirstStatementRetry implements PostgresPoolClient {
  #sentAny = false;
  /** Set when a statement failed in a way that leaves this connection unusable. */
  #broken = false;
  /** Undefined once the failed connection is discarded and no other could be had. */
  #client: pg.PoolClient | undefined;

  constructor(
    private readonly pool: pg.Pool,
    client: pg.PoolClient,
    private readonly statement: StatementConfig,
  ) {
    this.#client = client;
  }

  query<R>(sql: string, parameters: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>>;
  query<R>(cursor: never): never;
  query<R>(sql: string, parameters?: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>> {
    if (this.#sentAny) {
      return this.#connected()
        .query(this.statement(sql, parameters as unknown[]))
        .catch((error: unknown) => {
          if (isStalePreparedStatement(error)) this.#broken = true;
          throw error;
        }) as unknown as Promise<PostgresQueryResult<R>>;
    }
    this.#sentAny = true;
    return this.#firstQuery<R>(sql, parameters as unknown[]);
  }

  async #firstQuery<R>(sql: string, parameters: unknown[]): Promise<PostgresQueryResult<R>> {
    for (let retries = 0; ; retries += 1) {
      try {
        return (await this.#connected().query(this.statement(sql, parameters))) as unknown as PostgresQueryResult<R>;
      } catch (error) {
        if (!(isEndedSession(error) || isStalePreparedStatement(error)) || retries >= (this.pool.options.max ?? 10)) throw error;
        this.#connected().release(true);
        this.#client = undefined;
        // A refused or timed-out connection ends the retries with its own error.
        this.#client = await this.pool.connect();
      }
    }
  }

  #connected(): pg.PoolClient {
    if (!this.#client) throw new Error('Connection terminated unexpectedly');
    return this.#client;
  }

  /** Kysely reads it to cancel a query (node-postgres' undocumented member). */
  get processID(): number | undefined {
    return (this.#client as { processID?: number } | undefined)?.processID;
  }

  release(destroy?: boolean): void {
    this.#client?.release(destroy || this.#broken);
    this.#client = undefined;
  }
}
