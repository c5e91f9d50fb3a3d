// scratch: concurrent requests in-process against the bench database
import { loadConfig } from '../../src/config.ts';
import { createPrismaClient } from '../../src/db.ts';
import { createApi } from '../../src/yoga.ts';
import { openBenchDatabase } from '../database.ts';
import { QUERIES } from '../scenarios.ts';
import { newSigning, seed } from '../seed.ts';

const database = await openBenchDatabase();
try {
  const signing = newSigning();
  const config = loadConfig({ ...process.env, NODE_ENV: 'production', DATABASE_URL: database.url, JWT_SECRET: signing.secret, JWT_ISSUER: signing.issuer, JWT_AUDIENCE: signing.audience });
  const prisma = createPrismaClient({ url: database.url, poolSize: 10 });
  const data = await seed(prisma, signing, { users: 100, tasksPerUser: 50 });
  const api = createApi({ prisma, jwt: config.jwt, graphiql: false, logging: false, rowLevelSecurity: config.databaseRowLevelSecurity });
  for (const conc of [1, 2, 5, 10, 100]) {
    for (const [name, q, v] of [['me', QUERIES.me, undefined], ['tasks', QUERIES.tasks, { first: 20 }]] as const) {
      let stop = false; const walls: number[] = []; let errors = 0;
      setTimeout(() => (stop = true), 3000);
      const t0 = performance.now();
      await Promise.all(Array.from({ length: conc }, async (_, w) => {
        while (!stop) {
          const s = performance.now();
          const r = await api.fetch('http://x/graphql', { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${data.users[w % 100]!.token}` }, body: JSON.stringify({ query: q, variables: v }) });
          const t = await r.text();
          if (r.status !== 200 || t.includes('"errors"')) { errors++; if (errors < 3) console.log(t.slice(0, 300)); }
          walls.push(performance.now() - s);
        }
      }));
      walls.sort((a, b) => a - b);
      console.log(`${name} conc ${conc}: ${(walls.length / ((performance.now() - t0) / 1000)).toFixed(0)} req/s p50 ${walls[Math.floor(walls.length / 2)]?.toFixed(1)} max ${walls.at(-1)?.toFixed(0)} errors ${errors}`);
    }
  }
  await prisma.$disconnect();
} finally {
  await database.close();
}
