// The API's database client: the shared factory, sized by DATABASE_POOL_SIZE (see config.ts), and the
// client each request's resolvers get.
import type { PrismaClient } from '@taskgate/prisma/client';
import { rowLevelSecurityClients } from './row-level-security.ts';

export { createPrismaClient, type DatabaseOptions } from '@taskgate/prisma/connect';

/**
 * Gives the client for one request made by a user (null: no verified caller). With row-level
 * security (DATABASE_RLS=on) its queries see and change only that user's rows whatever
 * their WHERE says; off, it is the shared client and only the resolvers' own filters apply.
 */
export function requestDatabaseClients(prisma: PrismaClient, rowLevelSecurity: boolean): (userId: string | null) => PrismaClient {
  return rowLevelSecurity ? rowLevelSecurityClients(prisma) : () => prisma;
}
