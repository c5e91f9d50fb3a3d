// SQL statements one `tasks` page costs, counted from every statement the database clients send
// (Prisma's and the query builder's) on an in-process API over the benchmark database. Must not grow
// with the page size (no N+1).
import type { ApiConfig } from '../src/config.ts';
import { createPrismaClient } from '../src/db.ts';
import { createApi } from '../src/yoga.ts';
import { QUERIES } from './scenarios.ts';
import type { BenchUser } from './seed.ts';

export const PAGE_SIZES = [1, 20, 100] as const;

export interface StatementCount {
  pageSize: number;
  /** Everything sent, transaction control included (the query builder's BEGIN/COMMIT are not logged). */
  total: number;
  /** Statements that read or write rows (not BEGIN/COMMIT or session settings). */
  data: number;
  statements: string[];
}

const isControlStatement = (sql: string) => /^(BEGIN|COMMIT|ROLLBACK|SET|RESET)\b/i.test(sql.trim()) || sql.includes('set_config(');

export async function countStatementsPerPage(config: ApiConfig, user: BenchUser, rowLevelSecurity: boolean): Promise<StatementCount[]> {
  const statements: string[] = [];
  const prisma = createPrismaClient({ url: config.database.url, poolSize: 2, onStatement: (sql) => statements.push(sql), preparedStatements: !config.database.embedded });
  const api = createApi({ prisma, jwt: config.jwt, graphiql: false, logging: false, rowLevelSecurity });
  try {
    const counts: StatementCount[] = [];
    for (const pageSize of PAGE_SIZES) {
      statements.length = 0;
      const response = await api.fetch('http://bench.local/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${user.token}` },
        body: JSON.stringify({ query: QUERIES.tasks, variables: { first: pageSize } }),
      });
      const body = (await response.json()) as { data?: { tasks: { edges: unknown[] } }; errors?: unknown[] };
      if (body.errors || body.data?.tasks.edges.length !== pageSize) {
        throw new Error(`statement count: the tasks page of ${pageSize} failed: ${JSON.stringify(body).slice(0, 500)}`);
      }
      counts.push({ pageSize, total: statements.length, data: statements.filter((sql) => !isControlStatement(sql)).length, statements: [...statements] });
    }
    return counts;
  } finally {
    await prisma.$disconnect();
  }
}
