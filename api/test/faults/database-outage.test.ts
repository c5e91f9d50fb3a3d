// The database goes away under a running API, and comes back. The API reaches the database through a
// TCP proxy the test controls: 'refuse' is a stopped server (connections refused, open ones dropped),
// 'blackhole' a network partition (connections hang). Meanwhile GraphQL answers SERVICE_UNAVAILABLE
// with HTTP 503 and no driver text, /readyz fails and /healthz does not; afterwards the same API
// process serves requests again, with no restart.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import type { PrismaClient } from '@taskgate/prisma/client';
import { createPrismaClient } from '../../src/db.ts';
import { createApi } from '../../src/yoga.ts';
import { postGraphQL, type GraphQLHttpResponse } from '../load/graphql-client.ts';
import { listen, type ListeningApi } from '../load/listening-api.ts';
import { mintToken, testJwtSettings } from '../support/tokens.ts';
import { openFaultDatabase, type FaultDatabase } from './support/fault-database.ts';
import { startDatabaseProxy, type DatabaseProxy } from './support/tcp-proxy.ts';

let database: FaultDatabase;
let proxy: DatabaseProxy;
let prisma: PrismaClient;
let server: ListeningApi;
let token: string;
let taskId: string;

const APPLICATION_NAME = `taskgate-outage-${process.pid}`;
const LIST = 'query { tasks(first: 5) { edges { node { id title } } } }';
const READ = 'query Read($id: ID!) { task(id: $id) { id title } }';
const CREATE = 'mutation { createTask(input: { title: "written while the database is down" }) { id } }';

// What must never reach a client: driver, Prisma or network detail.
const DRIVER_TEXT = /prisma|postgres|pg-pool|ECONN|terminated|timeout|127\.0\.0\.1|P10\d\d|P20\d\d|invocation|\bat .*:\d+:\d+/i;

function expectServiceUnavailable(response: GraphQLHttpResponse) {
  expect(response.status, response.text).toBe(503);
  expect(response.body?.errors?.map((error) => error.extensions?.code)).toEqual(['SERVICE_UNAVAILABLE']);
  expect(response.headers.get('retry-after')).toBe('5');
  expect(response.text).not.toMatch(DRIVER_TEXT);
}

beforeAll(async () => {
  database = await openFaultDatabase();
  proxy = await startDatabaseProxy(database.url);
  // Named, so the PostgreSQL-only test below can find this API's sessions in pg_stat_activity.
  const apiUrl = new URL(proxy.url);
  apiUrl.searchParams.set('application_name', APPLICATION_NAME);
  prisma = createPrismaClient({ url: apiUrl.toString(), poolSize: 4 });
  server = await listen(createApi({ prisma, jwt: testJwtSettings, graphiql: false, logging: false }));
  const userId = randomUUID();
  await prisma.user.create({ data: { id: userId, email: `outage-${userId}@example.test`, name: 'outage' } });
  token = await mintToken(userId);
  const created = await postGraphQL(server.endpoint, { query: 'mutation { createTask(input: { title: "before the outage" }) { id } }', token });
  taskId = created.body!.data.createTask.id;
});

afterAll(async () => {
  await server?.close();
  await prisma?.$disconnect();
  await proxy?.close();
  await database?.close();
});

beforeEach(async () => {
  await proxy.setMode('forward');
});

describe('database stopped (connections refused, open ones dropped)', () => {
  it('a query answers 503 SERVICE_UNAVAILABLE with no driver text, on dropped and on refused connections', async () => {
    // Warm the pool, so the first request after the cut meets a dead pooled connection.
    expect((await postGraphQL(server.endpoint, { query: LIST, token })).status).toBe(200);
    await proxy.setMode('refuse');
    expectServiceUnavailable(await postGraphQL(server.endpoint, { query: LIST, token })); // pooled connection dropped
    expectServiceUnavailable(await postGraphQL(server.endpoint, { query: LIST, token })); // new connection refused
  });

  it('a nullable field and a mutation answer 503 too, and the mutation wrote nothing', async () => {
    await proxy.setMode('refuse');
    const read = await postGraphQL(server.endpoint, { query: READ, variables: { id: taskId }, token });
    expectServiceUnavailable(read);
    expectServiceUnavailable(await postGraphQL(server.endpoint, { query: CREATE, token }));
    await proxy.setMode('forward');
    const tasks = await postGraphQL(server.endpoint, { query: 'query { tasks(first: 100) { edges { node { title } } } }', token });
    expect(tasks.body!.data.tasks.edges.map((edge: any) => edge.node.title)).not.toContain('written while the database is down');
  });

  it('/readyz fails with 503 while /healthz stays 200', async () => {
    expect((await fetch(`${server.origin}/readyz`)).status).toBe(200);
    await proxy.setMode('refuse');
    const ready = await fetch(`${server.origin}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.text()).not.toMatch(DRIVER_TEXT);
    expect((await fetch(`${server.origin}/healthz`)).status).toBe(200);
  });

  it('when the database returns, the same API process serves again', async () => {
    await proxy.setMode('refuse');
    expectServiceUnavailable(await postGraphQL(server.endpoint, { query: LIST, token }));
    await proxy.setMode('forward');
    expect((await fetch(`${server.origin}/readyz`)).status).toBe(200);
    const read = await postGraphQL(server.endpoint, { query: READ, variables: { id: taskId }, token });
    expect(read.status).toBe(200);
    expect(read.body).toEqual({ data: { task: { id: taskId, title: 'before the outage' } } });
    const created = await postGraphQL(server.endpoint, { query: 'mutation { createTask(input: { title: "after the outage" }) { title } }', token });
    expect(created.body).toEqual({ data: { createTask: { title: 'after the outage' } } });
  });
});

describe('database unreachable (connections hang)', () => {
  it('answers 503 once the connection timeout runs out, then recovers', { timeout: 30_000 }, async () => {
    await proxy.setMode('blackhole');
    // The first request may meet a pooled connection the cut dropped; a later one waits for a new
    // connection until the pool's connectionTimeoutMillis (5 s, prisma/src/connect.ts).
    expectServiceUnavailable(await postGraphQL(server.endpoint, { query: LIST, token }));
    const started = performance.now();
    expectServiceUnavailable(await postGraphQL(server.endpoint, { query: LIST, token }));
    console.log(`database unreachable: 503 after ${Math.round(performance.now() - started)} ms`);
    await proxy.setMode('forward');
    expect((await postGraphQL(server.endpoint, { query: LIST, token })).status).toBe(200);
  });
});

describe.runIf(inject('databaseKind') === 'postgresql')('PostgreSQL ends the sessions (restart, failover, admin)', () => {
  it('never answers 500 when its sessions are terminated, and serves again at once', async () => {
    expect((await postGraphQL(server.endpoint, { query: LIST, token })).status).toBe(200);
    const admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    try {
      const { rowCount } = await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [APPLICATION_NAME]);
      expect(rowCount).toBeGreaterThan(0);
    } finally {
      await admin.end();
    }
    const during = await postGraphQL(server.endpoint, { query: LIST, token });
    // node-postgres drops idle sessions the server ended, so this usually just works; a request that
    // meets a dying session gets 503 (57P01, see database-errors.test.ts), never 500.
    if (during.status !== 200) expectServiceUnavailable(during);
    expect((await postGraphQL(server.endpoint, { query: LIST, token })).status).toBe(200);
  });
});
