// The second lock on per-user isolation, inside PostgreSQL. Every query a request makes runs in a
// transaction that first switches to the role `taskgate_api` and sets `app.user_id` to the verified
// caller; the policies of prisma/migrations/20261124112651_row_level_security then show and accept
// only that caller's rows, whatever WHERE a resolver forgot. The role owns nothing, so this holds
// even when DATABASE_URL connects as the tables' owner or a superuser (both bypass RLS themselves).
//
// Workaround, kept to this file: Prisma's documented RLS extension (prisma-client-extensions,
// row-level-security) wraps each query in its own batch transaction, which silently breaks
// `$transaction` on the extended client: the queries inside escape into separate transactions and
// never roll back (prisma/orm#20678, prisma-client-extensions#55). So the request's client also
// replaces `$transaction` with one that opens a single transaction starting with the same settings,
// and the query hook lets operations already running inside it through unchanged.
import type { Prisma, PrismaClient } from '@taskgate/prisma/client';
import type { QueryBuilder } from '@taskgate/prisma/connect';
import { sql } from 'kysely';

/** The database role the API's queries run as; created by the migration, owns no table. */
export const API_DATABASE_ROLE = 'taskgate_api';

type TransactionOptions = Parameters<PrismaClient['$transaction']>[1];
type InteractiveTransaction = (client: Prisma.TransactionClient) => Promise<unknown>;
/** The part of an extension's internal parameters this file reads. */
interface InternalParams {
  transaction?: unknown;
  dataPath?: string[];
}
type ModelDelegate = Record<string, (args: unknown) => Promise<unknown>>;

/** `task.findMany(args)` on `client`, from the model and operation names $allOperations reports. */
function runOnDelegate(client: Prisma.TransactionClient, model: string, operation: string, args: unknown): Promise<unknown> {
  const delegate = (client as unknown as Record<string, ModelDelegate>)[model.charAt(0).toLowerCase() + model.slice(1)];
  return delegate![operation]!(args);
}

/**
 * The client a request's resolvers use: `prisma`'s queries, run as `taskgate_api` on behalf of
 * `userId`. A null caller sets no user, and the policies then match no row at all.
 */
export function withRowLevelSecurity(prisma: PrismaClient, userId: string | null): PrismaClient {
  const caller = userId ?? '';
  // set_config(…, true) is SET LOCAL: both settings end with the transaction, so a pooled
  // connection carries nothing over to the next request. Parameters, never string concatenation.
  const actAsCaller = (client: Prisma.TransactionClient) =>
    client.$executeRaw`SELECT set_config('role', ${API_DATABASE_ROLE}, true), set_config('app.user_id', ${caller}, true)`;

  const extended = prisma.$extends({
    name: 'row-level-security',
    client: {
      $transaction(input: InteractiveTransaction | Prisma.PrismaPromise<unknown>[], options?: TransactionOptions): Promise<unknown> {
        if (typeof input === 'function') {
          return prisma.$transaction(async (transaction) => {
            await actAsCaller(transaction);
            return input(transaction);
          }, options);
        }
        return prisma.$transaction([actAsCaller(prisma), ...input], options).then((results) => results.slice(1));
      },
    },
    query: {
      // Every model operation and raw query ($queryRaw, $executeRaw and their Unsafe forms).
      async $allOperations(operation) {
        const { model, args, query } = operation;
        // `__internalParams` is not in Prisma's public types; Prisma's own
        // @prisma/extension-read-replicas reads it the same way (prisma/orm#20789).
        const { transaction, dataPath } = (operation as unknown as { __internalParams: InternalParams }).__internalParams;
        // Only this client's own $transaction (above) puts its operations in a transaction, and it
        // has already acted as the caller.
        if (transaction) return query(args);
        // A model operation runs in an interactive transaction, re-issued on its delegate: Prisma
        // caches its compiled plan there. In a batch behind a raw statement it would be compiled
        // anew on every call (the batch plan cache skips batches that start with a raw query),
        // which costs more than the transaction itself. A fluent call (`findUnique().tasks()`)
        // cannot be re-issued on a delegate without its data path; it and raw queries take the
        // batch, where raw statements need no compiling.
        if (model !== undefined && !dataPath?.length) {
          return prisma.$transaction(async (transactionClient) => {
            await actAsCaller(transactionClient);
            return runOnDelegate(transactionClient, model, operation.operation, args);
          });
        }
        const [, result] = await prisma.$transaction([actAsCaller(prisma), query(args)]);
        return result;
      },
    },
  });
  // The extension changes no result or argument type, so the request's client keeps Prisma's own.
  return extended as unknown as PrismaClient;
}

/**
 * One client per user, built on first use and then reused, least recently used dropped beyond
 * `capacity`: building one ($extends) costs about 0.1 ms, a noticeable share of a small request.
 * A client holds nothing but its user id, so sharing it between that user's requests is safe.
 */
export function rowLevelSecurityClients(prisma: PrismaClient, capacity = 1000): (userId: string | null) => PrismaClient {
  const clients = new Map<string | null, PrismaClient>();
  return (userId) => {
    let client = clients.get(userId);
    if (client) {
      clients.delete(userId); // re-inserted below: a Map iterates in insertion order, oldest first
    } else {
      client = withRowLevelSecurity(prisma, userId);
      if (clients.size >= capacity) clients.delete(clients.keys().next().value as string | null);
    }
    clients.set(userId, client);
    return client;
  };
}

/**
 * The query builder's counterpart: each read runs in a transaction that first acts as the caller,
 * exactly as the Prisma client above does, so the policies confine it too.
 */
export function readAsCallerUnderRowLevelSecurity(db: QueryBuilder, userId: string | null): <T>(read: (db: QueryBuilder) => Promise<T>) => Promise<T> {
  const caller = userId ?? '';
  return (read) =>
    db.transaction().execute(async (transaction) => {
      await sql`SELECT set_config('role', ${API_DATABASE_ROLE}, true), set_config('app.user_id', ${caller}, true)`.execute(transaction);
      return read(transaction);
    });
}
