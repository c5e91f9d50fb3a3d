// The database clients both tiers use: Prisma 7's TypeScript client over node-postgres (driver
// adapter; no Rust query engine at run time), and a typed query builder over the same pool for hot
// reads (query-builder.ts). One pool per client, sized by the caller.
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from '../generated/client/client.ts';
import { sessionsArePerConnection } from './prepared-statements.ts';
import { createQueryBuilder, type QueryBuilder } from './query-builder.ts';
import { queryBuilderTypes } from './timestamp-parsers.ts';

export type { Database, QueryBuilder } from './query-builder.ts';
export { compiledPerShape, type Placeholders, type Shape } from './compiled-per-shape.ts';

export interface DatabaseOptions {
  url: string;
  poolSize: number;
  /** Called with every SQL statement sent, Prisma's and the query builder's (statement counts). */
  onStatement?: (sql: string) => void;
  /**
   * The query builder's reads as named statements, which the server parses and plans once per
   * connection: once two connections are shown to have sessions of their own, so never on the
   * embedded PGlite, whose one session every connection shares (prepared-statements.ts). Default off.
   */
  preparedStatements?: boolean;
}

/** How long a query, or a transaction, waits for a pooled connection before failing. */
const CONNECTION_WAIT_MS = 5_000;

const queryBuilders = new WeakMap<PrismaClient, QueryBuilder>();

export function createPrismaClient(options: DatabaseOptions): PrismaClient {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize,
    // Fail fast when the database is unreachable instead of queueing requests forever.
    connectionTimeoutMillis: CONNECTION_WAIT_MS,
    // The query builder's reads use them (Prisma's adapter parses its own): timestamps in UTC, quickly.
    types: queryBuilderTypes,
  });
  // A connection the server drops must not crash the process: idle (the pool's own event) or checked
  // out by the query builder, which listens to none (its query is rejected all the same, and the pool
  // discards the broken client). The next query reconnects.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  // $disconnect() ends the pool, as it would one the adapter made itself.
  const adapter = new PrismaPg(pool, { disposeExternalPool: true });
  // Prisma's own wait for a transaction's connection defaults to 2 s; the API runs every request's
  // queries in a transaction (row-level security), so give them the same wait as a plain query.
  const { onStatement } = options;
  const prisma = new PrismaClient({
    adapter,
    transactionOptions: { maxWait: CONNECTION_WAIT_MS },
    ...(onStatement ? { log: [{ emit: 'event' as const, level: 'query' as const }] } : {}),
  });
  if (onStatement) (prisma as unknown as { $on(event: 'query', listener: (event: { query: string }) => void): void }).$on('query', (event) => onStatement(event.query));
  const preparedStatements = options.preparedStatements === true && sessionsArePerConnection(pool);
  queryBuilders.set(prisma, createQueryBuilder(pool, { onStatement, preparedStatements }));
  return prisma;
}

/** The query builder over `prisma`'s own pool; only clients made by createPrismaClient have one. */
export function queryBuilderOf(prisma: PrismaClient): QueryBuilder {
  const queryBuilder = queryBuilders.get(prisma);
  if (!queryBuilder) throw new Error('This Prisma client was not made by createPrismaClient: it has no query builder');
  return queryBuilder;
}
