// scratch: only `me` or `tasks` requests in-process, for a CPU profile
import { loadConfig } from '../../src/config.ts';
import { createPrismaClient } from '../../src/db.ts';
import { createApi } from '../../src/yoga.ts';
import { openBenchDatabase } from '../database.ts';
import { QUERIES } from '../scenarios.ts';
import { newSigning, seed } from '../seed.ts';
import { createLogger } from '../../src/observability/logger.ts';
import { pino } from 'pino';

const database = await openBenchDatabase();
try {
  const signing = newSigning();
  const config = loadConfig({ ...process.env, NODE_ENV: 'production', DATABASE_URL: database.url, JWT_SECRET: signing.secret, JWT_ISSUER: signing.issuer, JWT_AUDIENCE: signing.audience });
  const prisma = createPrismaClient({ url: database.url, poolSize: 10 });
  const data = await seed(prisma, signing, { users: 100, tasksPerUser: 50 });
  const api = createApi({ prisma, jwt: config.jwt, graphiql: false, rowLevelSecurity: config.databaseRowLevelSecurity, logger: createLogger({ level: 'info', destination: pino.destination({ dest: '/dev/null', sync: true }) }) });
  const which = process.env.Q === 'tasks' ? { q: QUERIES.tasks, v: { first: 20 } } : { q: QUERIES.me, v: undefined };
  let i = 0; const N = Number(process.env.N ?? 4000);
  await Promise.all(Array.from({ length: 10 }, async () => {
    while (i < N) {
      const r = await api.fetch('http://x/graphql', { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${data.users[i++ % 100]!.token}` }, body: JSON.stringify({ query: which.q, variables: which.v }) });
      await r.text();
    }
  }));
  await prisma.$disconnect();
} finally {
  await database.close();
}
