// The Prisma client factory both tiers use: Prisma 7's TypeScript client over node-postgres
// (driver adapter; no Rust query engine at run time).
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../generated/client/client.ts';

export interface DatabaseOptions {
  url: string;
  poolSize: number;
}

export function createPrismaClient(options: DatabaseOptions): PrismaClient {
  const adapter = new PrismaPg({
    connectionString: options.url,
    max: options.poolSize,
    // Fail fast when the database is unreachable instead of queueing requests forever.
    connectionTimeoutMillis: 5_000,
  });
  return new PrismaClient({ adapter });
}
