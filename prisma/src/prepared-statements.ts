// Named (prepared) statements for the query builder's reads on a real PostgreSQL: each connection has
// the server parse and plan a statement once, then runs it by name on every request. Measured on the
// tasks page: half of PostgreSQL's CPU per page, and less of the API's (docs/decisions/0012-lean-hot-reads.md).
//
// Only the query builder's SQL is named: our own code builds it, in a handful of shapes, with every
// value sent as a parameter, so each connection holds a small, fixed set of statements. The cap below
// keeps a future query that writes values into its SQL text from growing that set without end.
//
// Not on the embedded PGlite: its one session is shared by every connection, while node-postgres
// remembers per connection what it prepared, so two connections would prepare the same name twice.
import type pg from 'pg';

/** How node-postgres is asked to run one statement of the query builder. */
export type StatementConfig = (text: string, values: unknown[]) => pg.QueryConfig;

/** Distinct SQL texts named per process; later ones run unnamed (parsed and planned every time). */
export const MAX_NAMED_STATEMENTS = 200;

export function statementConfig(prepared: boolean): StatementConfig {
  if (!prepared) return (text, values) => ({ text, values });
  // One name per text in this process. A name is only ever sent with its own text, which node-postgres
  // requires (it refuses a known name with another text).
  const names = new Map<string, string>();
  return (text, values) => {
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
