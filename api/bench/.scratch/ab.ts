// scratch: interleaved A/B CPU per operation in one process (cancels the drift of a noisy machine).
import { createTestDatabase } from '../../../test/test-database.ts';
import { loadConfig } from '../../src/config.ts';
import { createPrismaClient } from '../../src/db.ts';
import { createApi, type Api } from '../../src/yoga.ts';
import { createAccessTokenVerifier } from '../../src/auth/verify.ts';
import { withVerificationCache } from '../../src/auth/verification-cache.ts';
import { createLogger } from '../../src/observability/logger.ts';
import { newSigning, seed } from '../seed.ts';
import { QUERIES } from '../scenarios.ts';
import { pino } from 'pino';

const db = await createTestDatabase({ TEST_DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/postgres' }, 'taskgate_bench_scratch');
try {
  const signing = newSigning();
  const config = loadConfig({ NODE_ENV: 'production', DATABASE_URL: db.url, JWT_SECRET: signing.secret, JWT_ISSUER: signing.issuer, JWT_AUDIENCE: signing.audience });
  const prisma = createPrismaClient({ url: db.url, poolSize: 10 });
  const data = await seed(prisma, signing, { users: 20, tasksPerUser: 50 });
  const devnull = pino.destination({ dest: '/dev/null', sync: true });
  const apis: Record<string, Api> = {
    info: createApi({ prisma, jwt: config.jwt, graphiql: false, logger: createLogger({ level: 'info', destination: devnull }) }),
    silent: createApi({ prisma, jwt: config.jwt, graphiql: false, logger: createLogger({ level: 'silent' }) }),
    norls: createApi({ prisma, jwt: config.jwt, graphiql: false, rowLevelSecurity: false, logger: createLogger({ level: 'info', destination: devnull }) }),
    async: createApi({ prisma, jwt: config.jwt, graphiql: false, logger: createLogger({ level: 'info', destination: pino.destination({ dest: '/dev/null', sync: false, minLength: 4096 }) }) }),
  };
  const verify = createAccessTokenVerifier(config.jwt);
  const cached = withVerificationCache(createAccessTokenVerifier(config.jwt));
  const token = (i: number) => data.users[i % 20]!.token;

  async function requests(api: Api, query: string, variables: object | undefined, n: number) {
    let i = 0;
    const worker = async () => {
      while (i < n) {
        const r = await api.fetch('http://x/graphql', { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token(i++)}` }, body: JSON.stringify({ query, variables }) });
        const t = await r.text();
        if (r.status !== 200 || t.includes('"errors"')) throw new Error(t);
      }
    };
    await Promise.all(Array.from({ length: 10 }, worker));
  }
  const cases: Record<string, { n: number; run: (n: number) => Promise<unknown> }> = {
    'verify (jose)': { n: 500, run: async (n) => { for (let i = 0; i < n; i++) await verify(token(i)); } },
    'verify (cached)': { n: 500, run: async (n) => { for (let i = 0; i < n; i++) await cached(token(i)); } },
    'me (RLS on)': { n: 300, run: (n) => requests(apis.info!, QUERIES.me, undefined, n) },
    'me (RLS off)': { n: 300, run: (n) => requests(apis.norls!, QUERIES.me, undefined, n) },
    'me (RLS on, silent)': { n: 300, run: (n) => requests(apis.silent!, QUERIES.me, undefined, n) },
    'tasks (RLS on)': { n: 200, run: (n) => requests(apis.info!, QUERIES.tasks, { first: 20 }, n) },
    'tasks (RLS off)': { n: 200, run: (n) => requests(apis.norls!, QUERIES.tasks, { first: 20 }, n) },
  };

  const samples: Record<string, number[]> = {};
  for (const [name, c] of Object.entries(cases)) await c.run(c.n); // warm up
  for (let round = 0; round < Number(process.env.ROUNDS ?? 15); round++) {
    for (const [name, c] of Object.entries(cases)) {
      const c0 = process.cpuUsage();
      await c.run(c.n);
      const d = process.cpuUsage(c0);
      (samples[name] ??= []).push((d.user + d.system) / c.n);
    }
  }
  for (const [name, s] of Object.entries(samples)) {
    s.sort((a, b) => a - b);
    console.log(`${name.padEnd(20)} median ${s[Math.floor(s.length / 2)]!.toFixed(1).padStart(7)} µs cpu/op  (q1 ${s[Math.floor(s.length / 4)]!.toFixed(1)}, q3 ${s[Math.floor((3 * s.length) / 4)]!.toFixed(1)})`);
  }
  await prisma.$disconnect();
} finally {
  await db.teardown();
}
