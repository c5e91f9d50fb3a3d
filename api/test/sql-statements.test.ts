// No N+1: a tasks page with each task's owner costs the same number of SQL statements whatever the
// page size. Counted from Prisma's own query events on a dedicated client.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '@taskgate/prisma/client';
import { createHarness, databaseUrl, type TestUser } from './support/api-harness.ts';

const statements: string[] = [];
const prisma = new PrismaClient({
  adapter: new PrismaPg({ connectionString: databaseUrl(), max: 2 }),
  log: [{ emit: 'event', level: 'query' }],
});
// Row-level security wraps each query in a transaction with a fixed set_config preamble; N+1 is about
// the statements that read data.
const isDataStatement = (sql: string) => !/^(BEGIN|COMMIT|ROLLBACK)\b/.test(sql) && !sql.includes('set_config(');
prisma.$on('query', (event) => {
  if (isDataStatement(event.query)) statements.push(event.query);
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
  console.log(`SQL statements per tasks page (first: 1, 20, 100): ${counts.join(', ')}`);
  expect(new Set(counts).size).toBe(1);
  expect(counts[0]).toBeLessThanOrEqual(2);
});
