// The Prisma client factory both tiers use: Prisma 7's TypeScript client over node-postgres
// (driver adapter; no Rust query engine at run time).
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../generated/client/client.ts';

export interface DatabaseOptions {
  url: string;
  poolSize: number;
}

/** How long a query, or a transaction, waits for a pooled connection before failing. */
const CONNECTION_WAIT_MS = 5_000;

export function createPrismaClient(options: DatabaseOptions): PrismaClient {
  const adapter = new PrismaPg({
    connectionString: options.url,
    max: options.poolSize,
    // Fail fast when the database is unreachable instead of queueing requests forever.
    connectionTimeoutMillis: CONNECTION_WAIT_MS,
  });
  // Prisma's own wait for a transaction's connection defaults to 2 s; the API runs every request's
  // queries in a transaction (row-level security), so give them the same wait as a plain query.
  return new PrismaClient({ adapter, transactionOptions: { maxWait: CONNECTION_WAIT_MS } });
}
