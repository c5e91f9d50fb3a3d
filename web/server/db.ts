// The Prisma client Better Auth writes through (the factory both tiers share).
import type { PrismaClient } from '@taskgate/prisma/client';
import { createPrismaClient as connect } from '@taskgate/prisma/connect';

/** Sign-in and sign-up spend their time in scrypt, not in the database: a few connections suffice. */
const POOL_SIZE = 5;

export function createPrismaClient(databaseUrl: string): PrismaClient {
  return connect({ url: databaseUrl, poolSize: POOL_SIZE });
}
