// scratch: CPU time per request, in-process, for A/B decisions on a noisy machine.
import { createTestDatabase } from '../../../test/test-database.ts';
import { loadConfig } from '../../src/config.ts';
import { createPrismaClient } from '../../src/db.ts';
import { createApi } from '../../src/yoga.ts';
import { createAccessTokenVerifier } from '../../src/auth/verify.ts';
import { createLogger } from '../../src/observability/logger.ts';
import { newSigning, seed } from '../seed.ts';
import { QUERIES } from '../scenarios.ts';
import { openSync } from 'node:fs';
import { pino } from 'pino';

const db = await createTestDatabase({ TEST_DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/postgres' }, 'taskgate_bench_scratch');
try {
  const signing = newSigning();
  const config = loadConfig({ NODE_ENV: 'production', DATABASE_URL: db.url, JWT_SECRET: signing.secret, JWT_ISSUER: signing.issuer, JWT_AUDIENCE: signing.audience });
  const prisma = createPrismaClient({ url: db.url, poolSize: 10 });
  const data = await seed(prisma, signing, { users: 20, tasksPerUser: 50 });
  const logger = createLogger({ level: (process.env.LVL as any) ?? 'info', destination: pino.destination({ dest: '/dev/null', sync: true }) });
  const api = createApi({ prisma, jwt: config.jwt, graphiql: false, logger });
  const verify = createAccessTokenVerifier(config.jwt);
  // verifier alone
  for (let i = 0; i < 2000; i++) await verify(data.users[i % 20]!.token);
  let c0 = process.cpuUsage();
  const N = 20000;
  for (let i = 0; i < N; i++) await verify(data.users[i % 20]!.token);
  let c = process.cpuUsage(c0);
  console.log(`verify: ${((c.user + c.system) / N).toFixed(1)} µs cpu/op`);

  async function run(query: string, variables: object | undefined, n: number) {
    let i = 0;
    const worker = async () => {
      while (i < n) {
        const user = data.users[i++ % 20]!;
        const r = await api.fetch('http://x/graphql', { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${user.token}` }, body: JSON.stringify({ query, variables }) });
        const t = await r.text();
        if (r.status !== 200 || t.includes('"errors"')) throw new Error(t);
      }
    };
    await Promise.all(Array.from({ length: 10 }, worker));
  }
  for (const [name, q, v] of [['me', QUERIES.me, undefined], ['tasks', QUERIES.tasks, { first: 20 }]] as const) {
    await run(q, v, 1000);
    const samples: number[] = [];
    for (let k = 0; k < 5; k++) {
      c0 = process.cpuUsage();
      const t0 = performance.now();
      await run(q, v, 1500);
      c = process.cpuUsage(c0);
      samples.push((c.user + c.system) / 1500);
    }
    samples.sort((a, b) => a - b);
    console.log(`${name}: median ${samples[2]!.toFixed(0)} µs cpu/request (min ${samples[0]!.toFixed(0)}, max ${samples[4]!.toFixed(0)})`);
  }
  await prisma.$disconnect();
} finally {
  await db.teardown();
}
