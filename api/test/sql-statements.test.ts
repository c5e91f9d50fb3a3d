// No N+1: a tasks page with each task's owner costs the same number of SQL statements whatever the
// page size. Counted from every statement the database clients send (Prisma's and the query builder's).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createPrismaClient } from '../src/db.ts';
import { createHarness, databaseUrl, type TestUser } from './support/api-harness.ts';

const statements: string[] = [];
// Row-level security wraps each query in a transaction with a fixed set_config preamble; N+1 is about
// the statements that read data.
const isDataStatement = (sql: string) => !/^(BEGIN|COMMIT|ROLLBACK)\b/i.test(sql) && !sql.includes('set_config(');
const prisma = createPrismaClient({
  url: databaseUrl(),
  poolSize: 2,
  onStatement: (sql) => {
    if (isDataStatement(sql)) statements.push(sql);
  },
});
const harness = createHarness({ prisma });
let frank: TestUser;

beforeAll(async () => {
  frank = await harness.createUser('frank');
  await prisma.task.createMany({ data: Array.from({ length: 100 }, (_, i) => ({ title: `T${i}`, ownerId: frank.id })) });
});
afterAll(() => harness.close());

const PAGE = 'query($first: Int!) { tasks(first: $first) { edges { node { id title completed owner { email } } } pageInfo { hasNextPage } } }';

async function statementsFor(first: number) {
  statements.length = 0;
  const response = await harness.graphql(PAGE, { token: frank.token, variables: { first } });
  expect(response.body.errors).toBeUndefined();
  expect(response.body.data!.tasks.edges).toHaveLength(first);
  return statements.length;
}

it('a tasks page with owners costs a constant number of SQL statements (1, 20, 100 rows)', async () => {
  const counts = [await statementsFor(1), await statementsFor(20), await statementsFor(100)];
  console.log(`SQL statements per tasks page (first: 1, 20, 100): ${counts.join(", ")}`, statements);
  expect(new Set(counts).size).toBe(1);
  // One statement: the page joined with its owner (api/src/schema/task-page.ts).
  expect(counts[0]).toBe(1);
});
