// What row-level security costs in throughput: `tasks(first: 20)` pages (with each task's owner)
// through `api.fetch`, no HTTP, with DATABASE_RLS on and off against a fresh migrated database. The
// two modes take turns in short blocks, so a busy machine slows both alike and the ratio holds.
// Use real PostgreSQL (PGlite runs one query at a time; its figures mean little):
//   TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres pnpm exec tsx scripts/measure-rls.ts
// Options (env): RLS_BLOCKS per mode (40), RLS_BLOCK_REQUESTS (250), RLS_CONCURRENCY (10).
import { randomUUID } from 'node:crypto';
import { availableParallelism, loadavg } from 'node:os';
import { createPrismaClient } from '../api/src/db.ts';
import { withRowLevelSecurity } from '../api/src/row-level-security.ts';
import { createApi, type Api } from '../api/src/yoga.ts';
import { mintToken, testJwtSettings as jwt } from '../api/test/support/tokens.ts';
import { createTestDatabase } from '../test/test-database.ts';

const BLOCKS = Number(process.env.RLS_BLOCKS ?? 40);
const BLOCK_REQUESTS = Number(process.env.RLS_BLOCK_REQUESTS ?? 250);
const CONCURRENCY = Number(process.env.RLS_CONCURRENCY ?? 10);
const USERS = 20;
const TASKS_PER_USER = 50;
const PAGE = 'query { tasks(first: 20) { edges { node { id title completed owner { id } } } pageInfo { hasNextPage endCursor } } }';

const database = await createTestDatabase();
console.log(`database: ${database.description}`);
if (database.kind === 'pglite') console.warn('warning: PGlite serialises every query; set TEST_DATABASE_URL for meaningful figures');
const prisma = createPrismaClient({ url: database.url, poolSize: 10 });

try {
  const tokens: string[] = [];
  for (let u = 0; u < USERS; u++) {
    const id = randomUUID();
    await prisma.user.create({ data: { id, email: `measure-${id}@example.test`, name: `user ${u}` } });
    await prisma.task.createMany({ data: Array.from({ length: TASKS_PER_USER }, (_, i) => ({ title: `task ${i}`, ownerId: id })) });
    tokens.push(await mintToken(id, { claims: { exp: Math.floor(Date.now() / 1000) + 3600 } }));
  }

  const apis = {
    on: createApi({ prisma, jwt, graphiql: false, logging: false, rowLevelSecurity: true }),
    off: createApi({ prisma, jwt, graphiql: false, logging: false, rowLevelSecurity: false }),
  };

  // Same work in both modes: every page has 20 tasks, all the caller's.
  const requestPage = async (api: Api, token: string) => {
    const response = await api.fetch('http://taskgate.measure/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: PAGE }),
    });
    const body = (await response.json()) as { data?: { tasks: { edges: unknown[] } }; errors?: unknown };
    if (response.status !== 200 || body.errors || body.data?.tasks.edges.length !== 20) {
      throw new Error(`unexpected response ${response.status}: ${JSON.stringify(body).slice(0, 300)}`);
    }
  };

  /** Seconds taken by `requests` pages, CONCURRENCY at a time. */
  const run = async (api: Api, requests: number): Promise<number> => {
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < requests) {
          const index = next++;
          await requestPage(api, tokens[index % tokens.length]!);
        }
      }),
    );
    return (performance.now() - started) / 1000;
  };

  await run(apis.off, 500); // warm-up: JIT, query plans, pool
  await run(apis.on, 500);

  const seconds = { on: 0, off: 0 };
  const cpuMicros = { on: 0, off: 0 }; // this process's CPU: less swayed by other load than wall time
  const blockCosts: number[] = [];
  for (let block = 0; block < BLOCKS; block++) {
    // Alternate which mode goes first so drift in machine load hits both alike.
    const blockSeconds = { on: 0, off: 0 };
    for (const mode of block % 2 === 0 ? (['off', 'on'] as const) : (['on', 'off'] as const)) {
      const cpuBefore = process.cpuUsage();
      blockSeconds[mode] = await run(apis[mode], BLOCK_REQUESTS);
      const cpu = process.cpuUsage(cpuBefore);
      cpuMicros[mode] += cpu.user + cpu.system;
      seconds[mode] += blockSeconds[mode];
    }
    blockCosts.push(1 - blockSeconds.off / blockSeconds.on);
  }

  // What building a user's client ($extends) costs; the API reuses one per user instead.
  const builds = 100_000;
  const buildStarted = performance.now();
  for (let i = 0; i < builds; i++) withRowLevelSecurity(prisma, 'user');
  const buildMicros = ((performance.now() - buildStarted) * 1000) / builds;

  const sorted = [...blockCosts].sort((a, b) => a - b);
  const percent = (value: number) => `${(value * 100).toFixed(1)}%`;
  const off = (BLOCKS * BLOCK_REQUESTS) / seconds.off;
  const on = (BLOCKS * BLOCK_REQUESTS) / seconds.on;
  console.log(
    `tasks(first: 20) through api.fetch: ${BLOCKS} blocks of ${BLOCK_REQUESTS} requests per mode, concurrency ${CONCURRENCY}, ` +
      `pool 10, ${availableParallelism()} CPUs, load average ${loadavg()[0]!.toFixed(1)} at the end`,
  );
  const cpuPerRequest = (mode: 'on' | 'off') => (cpuMicros[mode] / (BLOCKS * BLOCK_REQUESTS)).toFixed(0);
  console.log(`DATABASE_RLS=off: ${off.toFixed(0)} req/s, API process CPU ${cpuPerRequest('off')} µs/request`);
  console.log(`DATABASE_RLS=on:  ${on.toFixed(0)} req/s, API process CPU ${cpuPerRequest('on')} µs/request`);
  console.log(
    `cost of row-level security: ${percent(1 - on / off)} of throughput ` +
      `(per block: median ${percent(sorted[Math.floor(sorted.length / 2)]!)}, ` +
      `middle half ${percent(sorted[Math.floor(sorted.length / 4)]!)} to ${percent(sorted[Math.floor((sorted.length * 3) / 4)]!)})`,
  );
  console.log(`building a user's client ($extends), avoided by reusing it: ${buildMicros.toFixed(1)} µs`);
} finally {
  await prisma.$disconnect();
  await database.teardown();
}
