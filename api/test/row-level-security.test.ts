// The second lock on per-user isolation, inside PostgreSQL: the client a request's resolvers get runs
// every query as the role `taskgate_api` with `app.user_id` set to the verified caller, and the
// task/user policies hide and refuse everything else. Each test runs a query a buggy resolver could
// run (no owner filter at all) and shows the database itself confines it; with DATABASE_RLS=off the
// same query leaks, so the tests fail when the lock is gone.
import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { PrismaClient } from '@taskgate/prisma/client';
import { queryBuilderOf } from '@taskgate/prisma/connect';
import { applyMigrations } from '../../prisma/src/migrate.ts';
import { loadConfig } from '../src/config.ts';
import { createPrismaClient, requestDatabases } from '../src/db.ts';
import { API_DATABASE_ROLE, rowLevelSecurityClients } from '../src/row-level-security.ts';
import { createHarness, databaseUrl, type TestUser } from './support/api-harness.ts';
import { forgetfulQueryBuilder } from './support/forgetful-query-builder.ts';

const harness = createHarness();
const base = harness.prisma;
let alice: TestUser;
let bob: TestUser;
let aliceTaskId: string;
let bobTaskId: string;

const databasesWith = { on: requestDatabases(base, queryBuilderOf(base), true), off: requestDatabases(base, queryBuilderOf(base), false) };
/** The client yoga.ts puts in a request's context, for `user` (null: no verified caller). */
const requestDatabase = (user: TestUser | null, rowLevelSecurity = true) => databasesWith[rowLevelSecurity ? 'on' : 'off'](user?.id ?? null);
const requestClient = (user: TestUser | null, rowLevelSecurity = true) => requestDatabase(user, rowLevelSecurity).prisma;
const ownersOf = (rows: { ownerId: string }[]) => [...new Set(rows.map((row) => row.ownerId))];
const aliceRows = () => base.task.findMany({ where: { ownerId: alice.id }, orderBy: { id: 'asc' } });
const globalId = (id: string) => Buffer.from(`Task:${id}`).toString('base64');

beforeAll(async () => {
  alice = await harness.createUser('alice');
  bob = await harness.createUser('bob');
  aliceTaskId = (await base.task.create({ data: { title: 'Alice secret plan', ownerId: alice.id } })).id;
  await base.task.create({ data: { title: 'Alice second', ownerId: alice.id } });
  bobTaskId = (await base.task.create({ data: { title: 'Bob task', ownerId: bob.id } })).id;
});
afterAll(() => harness.close());

describe('an unfiltered query through the request\'s client', () => {
  it('findMany with no where returns only the caller\'s tasks', async () => {
    const rows = await requestClient(bob).task.findMany();
    expect(rows.map((row) => row.id)).toEqual([bobTaskId]);
  });

  it('with DATABASE_RLS=off the same query sees every user\'s tasks (the control)', async () => {
    const rows = await requestClient(bob, false).task.findMany();
    expect(ownersOf(rows)).toEqual(expect.arrayContaining([alice.id, bob.id]));
  });

  it('a raw SELECT * FROM task returns only the caller\'s tasks, as taskgate_api', async () => {
    const rows = await requestClient(bob).$queryRaw<{ id: string; ownerId: string }[]>`SELECT * FROM task`;
    expect(rows.map((row) => row.id)).toEqual([bobTaskId]);
    const [who] = await requestClient(bob).$queryRawUnsafe<{ role: string }[]>('SELECT current_user AS role');
    expect(who?.role).toBe(API_DATABASE_ROLE);
  });

  it('count and findUnique by another user\'s id see nothing of theirs', async () => {
    expect(await requestClient(bob).task.count()).toBe(1);
    expect(await requestClient(bob).task.findUnique({ where: { id: aliceTaskId } })).toBeNull();
  });

  it('a client with no caller sees no task and no user', async () => {
    expect(await requestClient(null).task.findMany()).toEqual([]);
    expect(await requestClient(null).user.findMany()).toEqual([]);
  });

  it('user findMany with no where returns only the caller', async () => {
    const users = await requestClient(bob).user.findMany();
    expect(users.map((user) => user.id)).toEqual([bob.id]);
  });

  it('a fluent relation call (user.findUnique().tasks()) is confined too, and keeps its result shape', async () => {
    const own = await requestClient(bob).user.findUnique({ where: { id: bob.id } }).tasks();
    expect(own?.map((task) => task.id)).toEqual([bobTaskId]);
    expect(await requestClient(bob).user.findUnique({ where: { id: alice.id } }).tasks()).toBeNull();
    // Control: the shared client follows the same call to Alice's tasks.
    expect(await requestClient(bob, false).user.findUnique({ where: { id: alice.id } }).tasks()).toHaveLength(2);
  });

  it('the tables the API never needs are out of reach: session, account, verification, jwks', async () => {
    for (const table of ['session', 'account', 'verification', 'jwks']) {
      await expect(requestClient(bob).$queryRawUnsafe(`SELECT * FROM "${table}"`), table).rejects.toThrow(/permission denied/);
    }
  });
});

describe('writes to another user\'s rows through the request\'s client', () => {
  it('updateMany and deleteMany on A\'s task affect 0 rows; A\'s rows unchanged', async () => {
    const before = await aliceRows();
    const client = requestClient(bob);
    expect(await client.task.updateMany({ where: { id: aliceTaskId }, data: { title: 'changed by bob' } })).toEqual({ count: 0 });
    expect(await client.task.updateMany({ data: { completed: true } })).toEqual({ count: 1 }); // Bob's own only
    expect(await client.task.deleteMany({ where: { id: aliceTaskId } })).toEqual({ count: 0 });
    expect(await client.$executeRaw`DELETE FROM task`).toBe(1); // Bob's own only
    expect(await aliceRows()).toEqual(before);
    bobTaskId = (await base.task.create({ data: { title: 'Bob task', ownerId: bob.id } })).id;
  });

  it('creating a task owned by A, or handing B\'s task to A, is refused by the policy', async () => {
    const client = requestClient(bob);
    await expect(client.task.create({ data: { title: 'planted', ownerId: alice.id } })).rejects.toThrow(/row-level security/);
    await expect(client.task.update({ where: { id: bobTaskId }, data: { ownerId: alice.id } })).rejects.toThrow(/row-level security/);
    expect((await aliceRows()).map((row) => row.title)).not.toContain('planted');
    expect((await base.task.findUniqueOrThrow({ where: { id: bobTaskId } })).ownerId).toBe(bob.id);
  });
});

describe('transactions on the request\'s client keep both the lock and atomicity', () => {
  it('a batch $transaction sees only the caller\'s rows', async () => {
    const client = requestClient(bob);
    const [rows, count] = await client.$transaction([client.task.findMany(), client.task.count()]);
    expect(rows.map((row) => row.id)).toEqual([bobTaskId]);
    expect(count).toBe(1);
  });

  it('a batch $transaction rolls back as a whole when one statement is refused', async () => {
    const client = requestClient(bob);
    const title = `batch-${randomUUID()}`;
    await expect(
      client.$transaction([
        client.task.create({ data: { title, ownerId: bob.id } }),
        client.task.create({ data: { title, ownerId: alice.id } }),
      ]),
    ).rejects.toThrow(/row-level security/);
    expect(await base.task.count({ where: { title } })).toBe(0);
  });

  it('an interactive $transaction sees only the caller\'s rows and rolls back on error', async () => {
    const client = requestClient(bob);
    const title = `interactive-${randomUUID()}`;
    await expect(
      client.$transaction(async (transaction) => {
        await transaction.task.create({ data: { title, ownerId: bob.id } });
        const rows = await transaction.task.findMany();
        expect(ownersOf(rows)).toEqual([bob.id]);
        expect(rows.map((row) => row.title)).toContain(title);
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect(await base.task.count({ where: { title } })).toBe(0);
  });
});

describe('the settings never outlive their transaction', () => {
  it('a pooled connection is back to the connecting role with no caller after a request\'s query', async () => {
    // One connection, so the request's query and the check below share it.
    const single = createPrismaClient({ url: databaseUrl(), poolSize: 1 });
    try {
      const [before] = await single.$queryRaw<{ role: string }[]>`SELECT current_user AS role`;
      expect(await requestDatabases(single, queryBuilderOf(single), true)(bob.id).prisma.task.count()).toBe(1);
      const [after] = await single.$queryRaw<{ role: string; caller: string | null }[]>`
        SELECT current_user AS role, current_setting('app.user_id', true) AS caller`;
      expect(after?.role).toBe(before?.role);
      expect(after?.role).not.toBe(API_DATABASE_ROLE);
      expect(after?.caller ?? '').toBe('');
    } finally {
      await single.$disconnect();
    }
  });

  it('a request\'s query waits for a busy pool as long as a plain query (5 s), not Prisma\'s 2 s for transactions', async () => {
    const single = createPrismaClient({ url: databaseUrl(), poolSize: 1 });
    try {
      let started!: () => void;
      const holding = new Promise<void>((resolve) => (started = resolve));
      // Holds the only connection for 2.5 s.
      const held = single.$transaction(async () => {
        started();
        await new Promise((resolve) => setTimeout(resolve, 2_500));
      }, { timeout: 10_000 });
      await holding;
      const waitStarted = performance.now();
      expect(await requestDatabases(single, queryBuilderOf(single), true)(bob.id).prisma.task.count()).toBe(1);
      expect(performance.now() - waitStarted).toBeGreaterThan(2_000);
      await held;
    } finally {
      await single.$disconnect();
    }
  });

  it('per-user clients are reused for that user only, and the least recently used is dropped', () => {
    const clientFor = rowLevelSecurityClients(base, 2);
    const aliceClient = clientFor(alice.id);
    expect(clientFor(alice.id)).toBe(aliceClient);
    expect(clientFor(bob.id)).not.toBe(aliceClient);
    expect(clientFor(null)).not.toBe(aliceClient);
    expect(clientFor(alice.id)).not.toBe(aliceClient); // dropped when the third user arrived
  });

  it('interleaved requests of two users each see only their own rows', async () => {
    const users = Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? alice : bob));
    const results = await Promise.all(users.map((user) => requestClient(user).task.findMany()));
    results.forEach((rows, i) => expect(ownersOf(rows)).toEqual([users[i]!.id]));
  });
});

describe('through the API: a resolver that forgot the owner filter', () => {
  // A client that drops `ownerId` from every task query's where: the future resolver bug RLS is for.
  const forgetful = base.$extends({
    query: {
      task: {
        $allOperations({ args, query }) {
          const { where } = args as { where?: Record<string, unknown> };
          if (!where || !('ownerId' in where)) return query(args);
          const { ownerId: _forgotten, ...rest } = where;
          return query({ ...args, where: rest } as typeof args);
        },
      },
    },
  }) as unknown as PrismaClient;
  // The same bug in the query builder, which reads the tasks page.
  const forgetfulReads = forgetfulQueryBuilder(base);
  // Not closed: they share `base`, which the main harness disconnects.
  const guarded = createHarness({ prisma: forgetful, queryBuilder: forgetfulReads, rowLevelSecurity: true });
  const unguarded = createHarness({ prisma: forgetful, queryBuilder: forgetfulReads, rowLevelSecurity: false });

  it('tasks lists only B\'s own tasks', async () => {
    const response = await guarded.graphql('{ tasks(first: 100) { edges { node { id title } } } }', { token: bob.token });
    expect(response.body.errors).toBeUndefined();
    expect(response.body.data!.tasks.edges.map((edge: any) => edge.node.id)).toEqual([globalId(bobTaskId)]);
  });

  it('control: with DATABASE_RLS=off the forgetful tasks page reads A\'s rows (the Task scope then refuses them)', async () => {
    const response = await unguarded.graphql('{ tasks(first: 100) { edges { node { id title } } } }', { token: bob.token });
    expect(response.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(JSON.stringify(response.body)).not.toContain('Alice secret');
  });

  it('task(id: A\'s task) is null, with no error', async () => {
    const response = await guarded.graphql('query($id: ID!) { task(id: $id) { title } }', { token: bob.token, variables: { id: globalId(aliceTaskId) } });
    expect(response.body).toEqual({ data: { task: null } });
  });

  it('updateTask and deleteTask on A\'s task are NOT_FOUND and change nothing', async () => {
    const before = await aliceRows();
    const update = await guarded.graphql('mutation($id: ID!) { updateTask(id: $id, input: { title: "changed by bob" }) { id } }', {
      token: bob.token,
      variables: { id: globalId(aliceTaskId) },
    });
    expect(update.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const deletion = await guarded.graphql('mutation($id: ID!) { deleteTask(id: $id) }', { token: bob.token, variables: { id: globalId(aliceTaskId) } });
    expect(deletion.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(await aliceRows()).toEqual(before);
  });

  it('control: with DATABASE_RLS=off the same bug really writes A\'s row', async () => {
    const victim = await base.task.create({ data: { title: 'Alice control', ownerId: alice.id } });
    const response = await unguarded.graphql('mutation($id: ID!) { updateTask(id: $id, input: { title: "changed by bob" }) { id } }', {
      token: bob.token,
      variables: { id: globalId(victim.id) },
    });
    // The Task scope still keeps the row out of the response, but the write has happened.
    expect(response.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await base.task.findUniqueOrThrow({ where: { id: victim.id } })).title).toBe('changed by bob');
    await base.task.delete({ where: { id: victim.id } });
  });

  it('/readyz still answers 200 (it uses the shared client)', async () => {
    expect((await guarded.api.fetch('http://taskgate.test/readyz')).status).toBe(200);
  });
});

describe('DATABASE_RLS', () => {
  const env = { JWT_SECRET: 'a-real-random-secret-of-more-than-32-bytes-0123456789' };
  it('is off by default, on only when asked, and anything else stops the boot', () => {
    expect(loadConfig(env).databaseRowLevelSecurity).toBe(false);
    expect(loadConfig({ ...env, DATABASE_RLS: 'off' }).databaseRowLevelSecurity).toBe(false);
    expect(loadConfig({ ...env, DATABASE_RLS: 'on' }).databaseRowLevelSecurity).toBe(true);
    expect(loadConfig({ ...env, DATABASE_RLS: 'OFF' }).databaseRowLevelSecurity).toBe(false);
    expect(() => loadConfig({ ...env, DATABASE_RLS: 'maybe' })).toThrow(/DATABASE_RLS: must be on or off/);
  });
});

// PGlite has a single user, and the suite connects to PostgreSQL as the superuser `postgres`; this
// proves the lock also holds for a deployment whose DATABASE_URL is the tables' owner (not a
// superuser), which bypasses RLS by owning the table. Needs a PostgreSQL server to create a role on.
const serverUrl = process.env.TEST_DATABASE_URL?.trim() || process.env.DATABASE_URL?.trim();
describe.skipIf(inject('databaseKind') !== 'postgresql' || !serverUrl)('connecting as the tables\' owner (PostgreSQL only)', () => {
  const suffix = randomBytes(4).toString('hex');
  const owner = `taskgate_owner_${suffix}`;
  const database = `taskgate_rls_owner_${suffix}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  let ownerUrl: string;
  let prisma: PrismaClient;

  beforeAll(async () => {
    await admin.connect();
    // What the migration's hint asks a DBA to do when the owner may not create roles.
    await admin.query(`CREATE ROLE ${owner} LOGIN NOSUPERUSER NOCREATEROLE`);
    await admin.query(`GRANT ${API_DATABASE_ROLE} TO ${owner}`);
    await admin.query(`CREATE DATABASE ${database} OWNER ${owner}`);
    const url = new URL(serverUrl!);
    url.username = owner;
    url.password = '';
    url.pathname = `/${database}`;
    ownerUrl = url.toString();
    // The database's public schema belongs to pg_database_owner, so the owner may create tables.
    await applyMigrations(ownerUrl);
    prisma = createPrismaClient({ url: ownerUrl, poolSize: 2 });
  });
  afterAll(async () => {
    await prisma?.$disconnect();
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.query(`DROP ROLE IF EXISTS ${owner}`);
    await admin.end();
  });

  it('the owner sees every row itself, the request\'s client only the caller\'s', async () => {
    await prisma.user.createMany({ data: [{ id: 'a', email: 'a@example.test', name: 'a' }, { id: 'b', email: 'b@example.test', name: 'b' }] });
    await prisma.task.createMany({ data: [{ title: 'A', ownerId: 'a' }, { title: 'B', ownerId: 'b' }] });
    const [who] = await prisma.$queryRaw<{ role: string }[]>`SELECT current_user AS role`;
    expect(who?.role).toBe(owner);
    expect(ownersOf(await prisma.task.findMany()).sort()).toEqual(['a', 'b']);
    const clientFor = (userId: string | null) => requestDatabases(prisma, queryBuilderOf(prisma), true)(userId).prisma;
    expect(ownersOf(await clientFor('b').task.findMany())).toEqual(['b']);
    expect(await clientFor('b').task.deleteMany()).toEqual({ count: 1 });
    expect(ownersOf(await prisma.task.findMany())).toEqual(['a']);
  });
});
