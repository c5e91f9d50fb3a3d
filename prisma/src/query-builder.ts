// Kysely, a typed SQL query builder, over the same node-postgres pool as the Prisma client: for the
// few hot reads where Prisma's own work costs more than the query (docs/decisions/0012-lean-hot-reads.md).
// Prisma stays the schema, the migrations and every write. The row types are Prisma's generated model
// types, so a column renamed in schema.prisma breaks the build here; the table names are schema.prisma's
// @@map names, checked against Prisma's datamodel by prisma/test/query-builder.test.ts.
import { Kysely, PostgresDialect, type LogEvent } from 'kysely';
import type pg from 'pg';
import type { TaskModel, UserModel } from '../generated/client/models.ts';
import { retryingEndedSessions } from './ended-session-retry.ts';
import { statementConfig } from './prepared-statements.ts';

/** The tables the query builder may read, by their names in PostgreSQL. */
export interface Database {
  task: TaskModel;
  user: UserModel;
}

export type QueryBuilder = Kysely<Database>;

export interface QueryBuilderOptions {
  /** Called with every SQL statement sent (statement counts). */
  onStatement?: (sql: string) => void;
  /**
   * Named statements, planned once per connection, where connections have sessions of their own
   * (prepared-statements.ts); a promise: unnamed until it resolves true.
   */
  preparedStatements?: boolean | Promise<boolean>;
}

export function createQueryBuilder(pool: pg.Pool, { onStatement, preparedStatements = false }: QueryBuilderOptions = {}): QueryBuilder {
  return new Kysely<Database>({
    // Reads survive connections whose session the server ended while they sat in the pool.
    dialect: new PostgresDialect({ pool: retryingEndedSessions(pool, statementConfig(preparedStatements)) }),
    ...(onStatement
      ? {
          log: (event: LogEvent) => {
            if (event.level === 'query') onStatement(event.query.sql);
          },
        }
      : {}),
  });
}
