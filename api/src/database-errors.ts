// Is this error "the database cannot be reached right now" (a condition that passes: answer 503 and
// let the client retry) rather than a bug (500)? Looks through the whole chain Prisma and Yoga build:
// GraphQLError.originalError → Prisma error (its `meta.driverAdapterError`) → `cause`.
//
// Upstream limitation: @prisma/adapter-pg 7.10 converts only socket errors with a `code` (ECONNREFUSED,
// ECONNRESET, …) into Prisma error codes; node-postgres' own connection failures are code-less Errors
// that it rethrows unconverted (convertDriverError's final `throw error`), so those few are recognised
// by their message, which node-postgres has kept stable for years.

/** Prisma error codes that mean the server is unreachable, timed out, or out of connections. */
const PRISMA_UNAVAILABLE_CODES = new Set([
  'P1001', // can't reach database server
  'P1002', // database server reached but timed out
  'P1008', // operations timed out (socket timeout)
  'P1017', // server has closed the connection
  'P2024', // timed out fetching a connection from the pool
  'P2037', // too many database connections opened
]);

/** SQLSTATEs: class 08 (connection exception), shutting down / starting up, too many connections. */
const SQLSTATE_UNAVAILABLE = /^(08[0-9A-Z]{3}|57P0[1-4]|53300)$/;

/** Socket-level failures on the way to the database. */
const SOCKET_ERROR_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/** node-postgres (pg, pg-pool) connection failures, which carry no code; Prisma may prefix lines. */
const NODE_POSTGRES_UNAVAILABLE_MESSAGES = [
  /^Connection terminated\b/m, // "… unexpectedly", "… due to connection timeout"
  /^timeout exceeded when trying to connect$/m, // pg-pool: connectionTimeoutMillis elapsed
  /^Client has encountered a connection error and is not queryable$/m,
];

// P2028 ("Transaction API error") covers several failures; only this one is the wait for a pooled
// connection running out (the transaction's maxWait), i.e. the pool is exhausted.
const TRANSACTION_START_TIMEOUT = /Unable to start a transaction in the given time/;

const MAX_CHAIN_LENGTH = 8;

export function isDatabaseUnavailable(error: unknown): boolean {
  const seen = new Set<unknown>();
  const pending: unknown[] = [error];
  while (pending.length > 0 && seen.size < MAX_CHAIN_LENGTH) {
    const current = pending.shift();
    if (typeof current !== 'object' || current === null || seen.has(current)) continue;
    seen.add(current);
    if (describesUnavailability(current as Record<string, unknown>)) return true;
    const { originalError, cause, meta } = current as { originalError?: unknown; cause?: unknown; meta?: { driverAdapterError?: unknown } };
    pending.push(originalError, cause, meta?.driverAdapterError);
  }
  return false;
}

function describesUnavailability(error: Record<string, unknown>): boolean {
  const { name, code, errorCode, originalCode, kind, message } = error;
  // A GraphQLError only wraps (its originalError is looked at next); its message may quote a client.
  if (name === 'GraphQLError') return false;
  // Thrown by the Prisma client when it cannot connect at all.
  if (name === 'PrismaClientInitializationError') return true;
  if (typeof code === 'string' && (PRISMA_UNAVAILABLE_CODES.has(code) || SQLSTATE_UNAVAILABLE.test(code) || SOCKET_ERROR_CODES.has(code))) return true;
  if (typeof errorCode === 'string' && PRISMA_UNAVAILABLE_CODES.has(errorCode)) return true;
  if (code === 'P2028' && typeof message === 'string' && TRANSACTION_START_TIMEOUT.test(message)) return true;
  // A driver adapter error's cause: { kind, originalCode } as adapter-pg reported it.
  if (typeof originalCode === 'string' && SQLSTATE_UNAVAILABLE.test(originalCode)) return true;
  if (kind === 'DatabaseNotReachable' || kind === 'ConnectionClosed' || kind === 'SocketTimeout' || kind === 'TooManyConnections') return true;
  return typeof message === 'string' && NODE_POSTGRES_UNAVAILABLE_MESSAGES.some((pattern) => pattern.test(message));
}
