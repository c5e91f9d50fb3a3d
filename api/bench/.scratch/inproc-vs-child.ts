// scratch: same scenario, server in the autocannon process vs in its own process.
import { createServer } from 'node:http';
import { join } from 'node:path';
import { createSchema, createYoga } from 'graphql-yoga';
import { freePort } from '../../../test/test-database.ts';
import { loadConfig } from '../../src/config.ts';
import { createPrismaClient } from '../../src/db.ts';
import { createLogger } from '../../src/observability/logger.ts';
import { createApi } from '../../src/yoga.ts';
import { openBenchDatabase } from '../database.ts';
import { runLoad } from '../load.ts';
import { REPO_ROOT, startServer } from '../processes.ts';
import { scenarios } from '../scenarios.ts';
import { newSigning, seed } from '../seed.ts';
import { pino } from 'pino';

const database = await openBenchDatabase();
try {
  const signing = newSigning();
  const apiEnv = { NODE_ENV: 'production', DATABASE_URL: database.url, JWT_MODE: 'hs256', JWT_SECRET: signing.secret, JWT_ISSUER: signing.issuer, JWT_AUDIENCE: signing.audience, GRAPHIQL: 'false', LOG_LEVEL: 'info', API_HOST: '127.0.0.1' };
  const config = loadConfig({ ...process.env, ...apiEnv });
  const prisma = createPrismaClient({ url: database.url, poolSize: 10 });
  const data = await seed(prisma, signing, { users: 100, tasksPerUser: 50 });
  const [hello, me] = [scenarios(data.users)[0]!, scenarios(data.users)[1]!];

  const inHello = createServer(createYoga({ schema: createSchema({ typeDefs: 'type Query { hello: String! }', resolvers: { Query: { hello: () => 'world' } } }), logging: false, graphiql: false, landingPage: false }));
  const inApi = createServer(createApi({ prisma, jwt: config.jwt, graphiql: false, rowLevelSecurity: config.databaseRowLevelSecurity, logger: createLogger({ level: 'info', destination: pino.destination({ dest: '/dev/null', sync: true }) }) }));
  const hp = await freePort(); const ap = await freePort();
  await new Promise<void>((r) => inHello.listen(hp, '127.0.0.1', r));
  await new Promise<void>((r) => inApi.listen(ap, '127.0.0.1', r));
  const childHello = await startServer({ name: 'hello', entry: join(REPO_ROOT, 'api/bench/hello-server.ts'), port: hp + 1, env: { BENCH_PORT: String(hp + 1) } });
  const childApi = await startServer({ name: 'api', entry: join(REPO_ROOT, 'api/src/main.ts'), port: ap + 1, env: { ...apiEnv, API_PORT: String(ap + 1) } });
  const settings = { durationSeconds: Number(process.env.D ?? 5), warmupSeconds: 1 };
  for (let round = 0; round < 2; round++) {
    for (const [name, sc, origin] of [
      ['hello in-process', hello, `http://127.0.0.1:${hp}`], ['hello child', hello, childHello.origin],
      ['me in-process', me, `http://127.0.0.1:${ap}`], ['me child', me, childApi.origin],
    ] as const) {
      for (const c of [100, 10]) {
        const r = await runLoad(sc, origin, c, settings);
        console.log(`${name.padEnd(18)} @${c}: ${r.requestsPerSecond.toFixed(0)} req/s p50 ${r.latencyP50Ms} p99 ${r.latencyP99Ms} failures ${r.failures}`);
      }
    }
  }
  inHello.close(); inApi.closeAllConnections(); inApi.close(); await childHello.stop(); await childApi.stop(); await prisma.$disconnect();
} finally {
  await database.close();
}
