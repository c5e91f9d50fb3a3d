// The API's database clients: the shared factory, sized by DATABASE_POOL_SIZE (see config.ts), and
// what each request's resolvers get — the Prisma client, and reads through the query builder over
// the same pool (hot reads, docs/decisions/0012-lean-hot-reads.md).
import type { PrismaClient } from '@taskgate/prisma/client';
import type { QueryBuilder } from '@taskgate/prisma/connect';
import { readAsCallerUnderRowLevelSecurity, rowLevelSecurityClients } from './row-level-security.ts';

export { createPrismaClient, type DatabaseOptions } from '@taskgate/prisma/connect';

/** Runs one read with the query builder on behalf of the request's caller. */
export type ReadAsCaller = <T>(read: (db: QueryBuilder) => Promise<T>) => Promise<T>;

export interface RequestDatabase {
  prisma: PrismaClient;
  readAsCaller: ReadAsCaller;
}

/**
 * Gives the database access for one request made by a user (null: no verified caller). With
 * row-level security (DATABASE_RLS=on) its queries see and change only that user's rows whatever
 * their WHERE says; off, they share the pool and only the resolvers' own filters apply.
 */
export function requestDatabases(prisma: PrismaClient, db: QueryBuilder, rowLevelSecurity: boolean): (userId: string | null) => RequestDatabase {
  if (!rowLevelSecurity) {
    const shared: RequestDatabase = { prisma, readAsCaller: (read) => read(db) };
    return () => shared;
  }
  const prismaFor = rowLevelSecurityClients(prisma);
  return (userId) => ({ prisma: prismaFor(userId), readAsCaller: readAsCallerUnderRowLevelSecurity(db, userId) });
}
