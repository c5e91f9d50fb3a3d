// Hostile user B against user A's data: every field and mutation B can reach is aimed at A's rows;
// B learns nothing and changes nothing. Writes are followed by a check that A's rows are exactly as
// before.
import { queryBuilderOf } from '@taskgate/prisma/connect';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, ROW_LEVEL_SECURITY_MODES, type TestUser } from '../support/api-harness.ts';
import { forgetfulQueryBuilder } from '../support/forgetful-query-builder.ts';

// Both modes: DATABASE_RLS=off (the default) proves the resolvers and scopes alone keep B out; on, the
// database's policies stand behind them (api/test/row-level-security.test.ts breaks the first lock).
describe.each(ROW_LEVEL_SECURITY_MODES)('DATABASE_RLS=$mode', ({ rowLevelSecurity }) => {
  const harness = createHarness({ rowLevelSecurity });
  let alice: TestUser;
  let bob: TestUser;
  let aliceUserId: string; // global ID as returned by me { id }
  let aliceTaskId: string;
  let bobTaskId: string;

  const snapshotAlice = () =>
    harness.prisma.task.findMany({ where: { ownerId: alice.id }, orderBy: { id: 'asc' } });
  const snapshotBob = () =>
    harness.prisma.task.findMany({ where: { ownerId: bob.id }, orderBy: { id: 'asc' } });

  beforeAll(async () => {
    alice = await harness.createUser('alice');
    bob = await harness.createUser('bob');
    const created = await harness.graphql(
      'mutation { createTask(input: { title: "Alice secret plan", description: "private" }) { id owner { id } } }',
      { token: alice.token },
    );
    aliceTaskId = created.body.data!.createTask.id;
    aliceUserId = created.body.data!.createTask.owner.id;
    const bobs = await harness.graphql('mutation { createTask(input: { title: "Bob task" }) { id } }', { token: bob.token });
    bobTaskId = bobs.body.data!.createTask.id;
  });
  afterAll(() => harness.close());

  describe('B reading A', () => {
    it('task(id: A task) is null for B, exactly as for a missing task', async () => {
      const foreign = await harness.graphql('query($id: ID!) { task(id: $id) { id title } }', { token: bob.token, variables: { id: aliceTaskId } });
      expect(foreign.status).toBe(200);
      expect(foreign.body).toEqual({ data: { task: null } });
      const missingId = Buffer.from('Task:00000000-0000-7000-8000-000000000000').toString('base64');
      const missing = await harness.graphql('query($id: ID!) { task(id: $id) { id title } }', { token: bob.token, variables: { id: missingId } });
      expect(missing.body).toEqual(foreign.body);
    });

    it('tasks lists only B\'s own tasks, whatever the filter', async () => {
      for (const filter of [undefined, { search: 'secret' }, { completed: false }, { search: 'Alice' }]) {
        const response = await harness.graphql('query($f: TaskFilter) { tasks(first: 100, filter: $f) { edges { node { id title } } } }', {
          token: bob.token,
          variables: { f: filter },
        });
        expect(response.status).toBe(200);
        expect(response.body.errors).toBeUndefined();
        const ids = response.body.data!.tasks.edges.map((edge: any) => edge.node.id);
        expect(ids).not.toContain(aliceTaskId);
        if (!filter?.search) expect(ids).toEqual([bobTaskId]);
      }
    });

    it('node(id: A task) is null for B', async () => {
      const response = await harness.graphql('query($id: ID!) { node(id: $id) { id ... on Task { title } } }', { token: bob.token, variables: { id: aliceTaskId } });
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ data: { node: null } });
    });

    it('node(id: A user) is FORBIDDEN for B', async () => {
      const response = await harness.graphql('query($id: ID!) { node(id: $id) { id ... on User { email } } }', { token: bob.token, variables: { id: aliceUserId } });
      expect(response.status).toBe(200);
      expect(response.body.data?.node ?? null).toBeNull();
      expect(response.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect(JSON.stringify(response.body)).not.toContain(alice.email);
    });

    it('user(id: A) is FORBIDDEN for B', async () => {
      const response = await harness.graphql('query($id: ID!) { user(id: $id) { email tasks { edges { node { title } } } } }', { token: bob.token, variables: { id: aliceUserId } });
      expect(response.status).toBe(200);
      expect(response.body.data?.user ?? null).toBeNull();
      expect(response.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect(JSON.stringify(response.body)).not.toMatch(/Alice secret|@example/);
    });

    it('user(id: a user that does not exist) is FORBIDDEN too: no existence oracle', async () => {
      const ghost = Buffer.from('User:does-not-exist').toString('base64');
      const response = await harness.graphql('query($id: ID!) { user(id: $id) { email } }', { token: bob.token, variables: { id: ghost } });
      expect(response.status).toBe(200);
      expect(response.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    });

    it('user(id: own id from me { id }) works', async () => {
      const me = await harness.graphql('{ me { id } }', { token: bob.token });
      const response = await harness.graphql('query($id: ID!) { user(id: $id) { email tasks(first: 5) { edges { node { id } } } } }', {
        token: bob.token,
        variables: { id: me.body.data!.me.id },
      });
      expect(response.status).toBe(200);
      expect(response.body.errors).toBeUndefined();
      expect(response.body.data!.user.email).toBe(bob.email);
      expect(response.body.data!.user.tasks.edges.map((e: any) => e.node.id)).toEqual([bobTaskId]);
    });

    it('nested owner { tasks } from B\'s own task never reaches A', async () => {
      // From a single task: the same path under a page of tasks is too deep (hostile/graphql-abuse.test.ts).
      const response = await harness.graphql('query($id: ID!) { task(id: $id) { owner { email tasks(first: 100) { edges { node { id title } } } } } }', {
        token: bob.token,
        variables: { id: bobTaskId },
      });
      expect(response.status).toBe(200);
      expect(response.body.errors).toBeUndefined();
      const text = JSON.stringify(response.body);
      expect(text).not.toContain(aliceTaskId);
      expect(text).not.toContain('Alice secret');
      expect(text).toContain(bob.email);
    });

    it('nested owner { tasks } through node(id: B\'s task) never reaches A', async () => {
      const response = await harness.graphql('query($id: ID!) { node(id: $id) { ... on Task { owner { email tasks(first: 100) { edges { node { id title } } } } } } }', {
        token: bob.token,
        variables: { id: bobTaskId },
      });
      expect(response.status).toBe(200);
      expect(response.body.errors).toBeUndefined();
      expect(response.body.data!.node.owner.tasks.edges.map((edge: any) => edge.node.id)).toEqual([bobTaskId]);
      expect(JSON.stringify(response.body)).not.toContain('Alice secret');
    });

    it('nested owner { tasks } through node(id: A\'s task) is null for B', async () => {
      const response = await harness.graphql('query($id: ID!) { node(id: $id) { ... on Task { owner { email tasks(first: 100) { edges { node { id title } } } } } } }', {
        token: bob.token,
        variables: { id: aliceTaskId },
      });
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ data: { node: null } });
    });
  });

  describe('B writing A', () => {
    it('updateTask on A\'s task is NOT_FOUND and A\'s task is unchanged', async () => {
      const before = await snapshotAlice();
      const response = await harness.graphql('mutation($id: ID!) { updateTask(id: $id, input: { title: "pwned", completed: true }) { id title } }', {
        token: bob.token,
        variables: { id: aliceTaskId },
      });
      expect(response.status).toBe(200);
      expect(response.body.data ?? null).toBeNull();
      expect(response.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
      expect(await snapshotAlice()).toEqual(before);
    });

    it('deleteTask on A\'s task is NOT_FOUND and A\'s task still exists', async () => {
      const before = await snapshotAlice();
      const response = await harness.graphql('mutation($id: ID!) { deleteTask(id: $id) }', { token: bob.token, variables: { id: aliceTaskId } });
      expect(response.status).toBe(200);
      expect(response.body.data ?? null).toBeNull();
      expect(response.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
      expect(await snapshotAlice()).toEqual(before);
    });

    it('the NOT_FOUND for A\'s task is the same as for a missing task', async () => {
      const missingId = Buffer.from('Task:00000000-0000-7000-8000-000000000000').toString('base64');
      const before = await snapshotAlice();
      const foreign = await harness.graphql('mutation($id: ID!) { deleteTask(id: $id) }', { token: bob.token, variables: { id: aliceTaskId } });
      const missing = await harness.graphql('mutation($id: ID!) { deleteTask(id: $id) }', { token: bob.token, variables: { id: missingId } });
      expect(foreign.body).toEqual(missing.body);
      expect(foreign.status).toBe(missing.status);
      expect(await snapshotAlice()).toEqual(before);
    });

    it('updateTask on A\'s task is answered exactly as for a missing task, and A\'s task is unchanged', async () => {
      const missingId = Buffer.from('Task:00000000-0000-7000-8000-000000000000').toString('base64');
      const before = await snapshotAlice();
      const update = 'mutation($id: ID!) { updateTask(id: $id, input: { completed: true }) { id } }';
      const foreign = await harness.graphql(update, { token: bob.token, variables: { id: aliceTaskId } });
      const missing = await harness.graphql(update, { token: bob.token, variables: { id: missingId } });
      expect(foreign.body).toEqual(missing.body);
      expect(foreign.status).toBe(missing.status);
      expect(await snapshotAlice()).toEqual(before);
    });

    it('createTask always belongs to the caller (no owner can be chosen)', async () => {
      const [aliceBefore, bobBefore] = [await snapshotAlice(), await snapshotBob()];
      const response = await harness.graphql('mutation($owner: String) { createTask(input: { title: "mine", ownerId: $owner }) { id } }', {
        token: bob.token,
        variables: { owner: alice.id },
      });
      expect(response.status).toBe(400);
      expect(response.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
      expect(response.body.errors?.[0]?.message).toMatch(/ownerId/);
      expect([await snapshotAlice(), await snapshotBob()]).toEqual([aliceBefore, bobBefore]);
    });
  });

  describe('scope checks behind the resolvers (second lock)', () => {
    it('if a resolver forgot the owner filter, the Task type-level scope still refuses A\'s task to B', async () => {
      // A Prisma client that drops `ownerId` from task lookups: the bug the scope must survive.
      const buggy = harness.prisma.$extends({
        query: {
          task: {
            findUnique({ args, query }) {
              const { ownerId: _dropped, ...where } = args.where as Record<string, unknown>;
              return query({ ...args, where: where as typeof args.where });
            },
          },
        },
      });
      // Row-level security off: it would hide the row itself (api/test/row-level-security.test.ts).
      const leaky = createHarness({ prisma: buggy as unknown as typeof harness.prisma, queryBuilder: queryBuilderOf(harness.prisma), rowLevelSecurity: false });
      const response = await leaky.graphql('query($id: ID!) { task(id: $id) { title description } }', { token: bob.token, variables: { id: aliceTaskId } });
      expect(response.status).toBe(200);
      expect(response.body.data?.task ?? null).toBeNull();
      expect(response.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect(JSON.stringify(response.body)).not.toContain('Alice secret');
      // Control: the same buggy client does return the row, so the refusal above came from the scope.
      expect(await buggy.task.findUnique({ where: { id: Buffer.from(aliceTaskId, 'base64').toString().split(':')[1]!, ownerId: bob.id } })).not.toBeNull();
    });

    it('if the tasks page query forgot the owner filter, the Task type-level scope still refuses A\'s tasks to B', async () => {
      const forgetful = forgetfulQueryBuilder(harness.prisma);
      const leaky = createHarness({ prisma: harness.prisma, queryBuilder: forgetful, rowLevelSecurity: false });
      const response = await leaky.graphql('{ tasks(first: 100) { edges { node { title description } } } }', { token: bob.token });
      expect(response.status).toBe(200);
      expect(response.body.data?.tasks ?? null).toBeNull();
      expect(response.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect(JSON.stringify(response.body)).not.toContain('Alice secret');
      // Control: the forgetful builder does read Alice's rows for Bob, so the refusal came from the scope.
      const read = await forgetful.selectFrom('task').select('title').where('task.ownerId', '=', bob.id).execute();
      expect(read.map((row) => row.title)).toContain('Alice secret plan');
    });
  });
});

