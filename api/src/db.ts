// The Prisma client factory: Prisma 7's TypeScript client over node-postgres (no Rust query engine).
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '@taskgate/prisma/client';

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
