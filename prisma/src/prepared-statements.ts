// Named (prepared) statements for the query builder's reads on a real PostgreSQL: each connection has
// the server parse and plan a statement once, then runs it by name on every request. Measured on the
// tasks page: half of PostgreSQL's CPU per page, and less of the API's (docs/decisions/0012-lean-hot-reads.md).
//
// Only the query builder's SQL is named: our own code builds it, in a handful of shapes, with every
// value sent as a parameter, so each connection holds a small, fixed set of statements. The cap below
// keeps a future query that writes values into its SQL text from growing that set without end.
//
// Not where connections share a session, as on the embedded PGlite (one session for every
// connection, of every process using it): node-postgres remembers per connection what it prepared, so
// a second connection would prepare the same name again and fail ("already exists"). A client asked
// for named statements therefore sends none until sessionsArePerConnection has shown two connections
// to have sessions of their own.
import pg from 'pg';

/** How node-postgres is asked to run one statement of the query builder. */
export type StatementConfig = (text: string, values: unknown[]) => pg.QueryConfig;

/** Distinct SQL texts named per process; later ones run unnamed (parsed and planned every time). */
export const MAX_NAMED_STATEMENTS = 200;

/** `prepared` may be a decision still being made: statements go unnamed until it comes true. */
export function statementConfig(prepared: boolean | Promise<boolean>): StatementConfig {
  if (prepared === false) return (text, values) => ({ text, values });
  let named = prepared === true;
  if (prepared !== true) void prepared.then((decision) => (named = decision));
  // One name per text in this process. A name is only ever sent with its own text, which node-postgres
  // requires (it refuses a known name with another text).
  const names = new Map<string, string>();
  return (text, values) => {
    if (!named) return { text, values };
    let name = names.get(text);
    if (name === undefined && names.size < MAX_NAMED_STATEMENTS) names.set(text, (name = `taskgate_${names.size + 1}`));
    return name === undefined ? { text, values } : { name, text, values };
  };
}

/**
 * A migration changed the type of a column a prepared statement returns: PostgreSQL refuses to run
 * that statement on this connection ever again ("cached plan must not change result type"). Such a
 * connection is discarded (ended-session-retry.ts). Matched by the server's routine, not its message,
 * which lc_messages may translate.
 */
export function isStalePreparedStatement(error: unknown): boolean {
  const { code, routine } = (error ?? {}) as { code?: unknown; routine?: unknown };
  return code === '0A000' && routine === 'RevalidateCachedQuery';
}

/** How long the check below waits between attempts while the database cannot be reached. */
const RETRY_MS = 1_000;

/**
 * Whether `pool`'s database gives each connection a session of its own, as named statements need:
 * two connections held at once must report different backends. False where they share one (the
 * embedded PGlite). Tried again every second while the database cannot be reached, until the pool
 * ends (then false); never rejects.
 */
export async function sessionsArePerConnection(pool: pg.Pool): Promise<boolean> {
  for (;;) {
    if (pool.ending) return false;
    // Clients of their own, not the pool's: a pool of one could not hold two connections.
    const clients = [new pg.Client(pool.options), new pg.Client(pool.options)];
    for (const client of clients) client.on('error', () => undefined);
    try {
      await Promise.all(clients.map((client) => client.connect()));
      const backends = await Promise.all(clients.map((client) => client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid').then((result) => result.rows[0]?.pid)));
      return backends[0] !== undefined && backends[0] !== backends[1];
    } catch {
      await new Promise((resolve) => setTimeout(resolve, RETRY_MS).unref());
    } finally {
      await Promise.all(clients.map((client) => client.end().catch(() => undefined)));
    }
  }
}
