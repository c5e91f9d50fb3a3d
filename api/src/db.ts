// The API's database client: the shared factory, sized by DATABASE_POOL_SIZE (see config.ts).
export { createPrismaClient, type DatabaseOptions } from '@taskgate/prisma/connect';
