// scratch: sequential request wall time vs time inside SQL statements
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '@taskgate/prisma/client';
import { loadConfig } from '../../src/config.ts';
import { createApi } from '../../src/yoga.ts';
import { openBenchDatabase } from '../database.ts';
import { QUERIES } from '../scenarios.ts';
import { newSigning, seed } from '../seed.ts';

const database = await openBenchDatabase();
try {
  const signing = newSigning();
  const config = loadConfig({ ...process.env, NODE_ENV: 'production', DATABASE_URL: database.url, JWT_SECRET: signing.secret, JWT_ISSUER: signing.issuer, JWT_AUDIENCE: signing.audience });
  let sqlMs = 0; let statements = 0;
  const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: database.url, max: 10 }), log: [{ emit: 'event', level: 'query' }] });
  prisma.$on('query', (e) => { sqlMs += Number(e.duration); statements++; });
  const data = await seed(prisma, signing, { users: 20, tasksPerUser: 50 });
  const api = createApi({ prisma, jwt: config.jwt, graphiql: false, logging: false, rowLevelSecurity: config.databaseRowLevelSecurity });
  for (const [name, q, v] of [['me', QUERIES.me, undefined], ['tasks', QUERIES.tasks, { first: 20 }]] as const) {
    const walls: number[] = [];
    for (let i = 0; i < 300; i++) {
      if (i === 100) { sqlMs = 0; statements = 0; }
      const t0 = performance.now();
      const r = await api.fetch('http://x/graphql', { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${data.users[i % 20]!.token}` }, body: JSON.stringify({ query: q, variables: v }) });
      await r.text();
      if (i >= 100) walls.push(performance.now() - t0);
    }
    walls.sort((a, b) => a - b);
    console.log(`${name}: wall p50 ${walls[100]!.toFixed(2)} ms p90 ${walls[180]!.toFixed(2)} p99 ${walls[197]!.toFixed(2)}; sql ${(sqlMs / 200).toFixed(2)} ms/request over ${(statements / 200).toFixed(1)} statements`);
  }
  await prisma.$disconnect();
} finally {
  await database.close();
}
