// The task contract for one user: create, read, update, delete, filter, search, paginate, and the
// validation that turns client mistakes into BAD_USER_INPUT without touching stored rows.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, ROW_LEVEL_SECURITY_MODES, type TestUser } from './support/api-harness.ts';

// Both modes: the contract must hold with row-level security off (the default) and on.
describe.each(ROW_LEVEL_SECURITY_MODES)('DATABASE_RLS=$mode', ({ rowLevelSecurity }) => {
  const harness = createHarness({ rowLevelSecurity });
  let carol: TestUser;

  const CREATE = 'mutation($input: CreateTaskInput!) { createTask(input: $input) { id title description completed createdAt updatedAt owner { email } } }';
  const UPDATE = 'mutation($id: ID!, $input: UpdateTaskInput!) { updateTask(id: $id, input: $input) { id title description completed updatedAt } }';
  const LIST = 'query($first: Int, $after: String, $last: Int, $before: String, $filter: TaskFilter) { tasks(first: $first, after: $after, last: $last, before: $before, filter: $filter) { edges { cursor node { id title completed } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }';

  async function create(user: TestUser, input: Record<string, unknown>) {
    const response = await harness.graphql(CREATE, { token: user.token, variables: { input } });
    return response;
  }

  beforeAll(async () => {
    carol = await harness.createUser('carol');
  });
  afterAll(() => harness.close());

  describe('create, read, update, delete', () => {
    it('creates a task owned by the caller, trimmed, incomplete', async () => {
      const response = await create(carol, { title: '  Buy milk  ', description: 'semi-skimmed' });
      expect(response.status).toBe(200);
      const task = response.body.data!.createTask;
      expect(task).toMatchObject({ title: 'Buy milk', description: 'semi-skimmed', completed: false, owner: { email: carol.email } });
      expect(Date.parse(task.createdAt)).not.toBeNaN();
      const read = await harness.graphql('query($id: ID!) { task(id: $id) { id title } }', { token: carol.token, variables: { id: task.id } });
      expect(read.body.data!.task).toEqual({ id: task.id, title: 'Buy milk' });
    });

    it('updates only the fields given, and null/blank description clears it', async () => {
      const { id } = (await create(carol, { title: 'Draft', description: 'keep me' })).body.data!.createTask;
      const toggled = await harness.graphql(UPDATE, { token: carol.token, variables: { id, input: { completed: true } } });
      expect(toggled.body.data!.updateTask).toMatchObject({ title: 'Draft', description: 'keep me', completed: true });
      const renamed = await harness.graphql(UPDATE, { token: carol.token, variables: { id, input: { title: 'Final', description: '   ' } } });
      expect(renamed.body.data!.updateTask).toMatchObject({ title: 'Final', description: null, completed: true });
    });

    it('deletes a task and returns its id; a second delete is NOT_FOUND', async () => {
      const { id } = (await create(carol, { title: 'Temporary' })).body.data!.createTask;
      const deleted = await harness.graphql('mutation($id: ID!) { deleteTask(id: $id) }', { token: carol.token, variables: { id } });
      expect(deleted.body.data).toEqual({ deleteTask: id });
      const again = await harness.graphql('mutation($id: ID!) { deleteTask(id: $id) }', { token: carol.token, variables: { id } });
      expect(again.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    });

    it('node(id:) returns the caller\'s own task and user', async () => {
      const { id } = (await create(carol, { title: 'Via node' })).body.data!.createTask;
      const response = await harness.graphql('query($id: ID!) { node(id: $id) { __typename id ... on Task { title } } me { id } }', { token: carol.token, variables: { id } });
      expect(response.body.data!.node).toEqual({ __typename: 'Task', id, title: 'Via node' });
      const me = await harness.graphql('query($id: ID!) { node(id: $id) { ... on User { email } } }', { token: carol.token, variables: { id: response.body.data!.me.id } });
      expect(me.body.data!.node).toEqual({ email: carol.email });
    });

    it('node(id:) with a well-formed id of a type that is no Node, or a malformed id, is BAD_USER_INPUT', async () => {
      const { id } = (await create(carol, { title: 'Typed' })).body.data!.createTask;
      const taskId = Buffer.from(id, 'base64').toString().split(':')[1]!;
      for (const typename of ['Nope', 'Query', 'TaskConnection']) {
        const response = await harness.graphql('query($id: ID!) { node(id: $id) { id } }', { token: carol.token, variables: { id: Buffer.from(`${typename}:${taskId}`).toString('base64') } });
        expect(response.body.data!.node).toBeNull();
        expect(response.body.errors?.[0]?.extensions, typename).toEqual({ code: 'BAD_USER_INPUT', field: 'id' });
        expect(response.body.errors?.[0]?.message).toBe('id: not the ID of a Task or a User');
      }
      const malformed = await harness.graphql('query { node(id: "@@@") { id } }', { token: carol.token });
      expect(malformed.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    });
  });

  describe('validation: BAD_USER_INPUT naming the field, nothing stored', () => {
    const cases: [string, Record<string, unknown>, string][] = [
      ['an empty title', { title: '' }, 'input.title'],
      ['a blank title', { title: '   \t ' }, 'input.title'],
      ['a 201-character title', { title: 'x'.repeat(201) }, 'input.title'],
      ['a title with a NUL character', { title: 'a\u0000b' }, 'input.title'],
      ['a 2001-character description', { title: 'ok', description: 'd'.repeat(2001) }, 'input.description'],
    ];
    for (const [name, input, field] of cases) {
      it(`refuses ${name}`, async () => {
        const before = await harness.prisma.task.count({ where: { ownerId: carol.id } });
        const response = await create(carol, input);
        expect(response.status).toBe(200);
        expect(response.body.data ?? null).toBeNull();
        expect(response.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
        expect(response.body.errors?.[0]?.message).toContain(field);
        expect(await harness.prisma.task.count({ where: { ownerId: carol.id } })).toBe(before);
      });
    }

    it('accepts the limits exactly: 200-character title (counted in characters), 2000-character description', async () => {
      const title = '😀'.repeat(200);
      const response = await create(carol, { title, description: 'd'.repeat(2000) });
      expect(response.body.errors).toBeUndefined();
      expect(response.body.data!.createTask.title).toBe(title);
    });

    it('refuses an update with a bad title and leaves the stored task as it was', async () => {
      const { id } = (await create(carol, { title: 'Stable' })).body.data!.createTask;
      const before = await harness.prisma.task.findMany({ where: { ownerId: carol.id }, orderBy: { id: 'asc' } });
      for (const input of [{ title: '' }, { title: null }, { completed: null }, { title: 'y'.repeat(300) }]) {
        const response = await harness.graphql(UPDATE, { token: carol.token, variables: { id, input } });
        expect(response.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      }
      expect(await harness.prisma.task.findMany({ where: { ownerId: carol.id }, orderBy: { id: 'asc' } })).toEqual(before);
    });

    it('refuses a malformed id with BAD_USER_INPUT, not a 500', async () => {
      for (const id of ['%%%', 'bm90LWEtZ2xvYmFsLWlk', Buffer.from('User:abc').toString('base64')]) {
        const response = await harness.graphql('query($id: ID!) { task(id: $id) { id } }', { token: carol.token, variables: { id } });
        expect(response.status).toBe(200);
        expect(response.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      }
    });

    it('refuses variables of the wrong type with a 400 and a clear message', async () => {
      const response = await harness.graphql(CREATE, { token: carol.token, variables: { input: { title: 42 } } });
      expect(response.status).toBe(400);
      expect(response.body.errors?.[0]?.message).toMatch(/title/);
    });
  });

  describe('filter and search', () => {
    let dave: TestUser;
    beforeAll(async () => {
      dave = await harness.createUser('dave');
      for (const title of ['Write report', 'Read 100% of the book', 'Water plants']) await create(dave, { title });
      const list = await harness.graphql(LIST, { token: dave.token, variables: { first: 10 } });
      const water = list.body.data!.tasks.edges.find((edge: any) => edge.node.title === 'Water plants');
      await harness.graphql(UPDATE, { token: dave.token, variables: { id: water.node.id, input: { completed: true } } });
    });
    const titles = async (filter: Record<string, unknown>) => {
      const response = await harness.graphql(LIST, { token: dave.token, variables: { first: 10, filter } });
      return response.body.data!.tasks.edges.map((edge: any) => edge.node.title).sort();
    };

    it('filters by completed', async () => {
      expect(await titles({ completed: true })).toEqual(['Water plants']);
      expect(await titles({ completed: false })).toEqual(['Read 100% of the book', 'Write report']);
    });
    it('searches title case-insensitively', async () => {
      expect(await titles({ search: 'WRITE' })).toEqual(['Write report']);
    });
    it('treats % and _ in a search as text, not wildcards', async () => {
      expect(await titles({ search: '100%' })).toEqual(['Read 100% of the book']);
      expect(await titles({ search: '%' })).toEqual(['Read 100% of the book']);
      expect(await titles({ search: '_' })).toEqual([]);
    });
    it('combines filters', async () => {
      expect(await titles({ search: 'w', completed: false })).toEqual(['Write report']);
    });
    it('refuses a search over 200 characters', async () => {
      const response = await harness.graphql(LIST, { token: dave.token, variables: { filter: { search: 's'.repeat(201) } } });
      expect(response.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.search' });
    });
  });

  describe('pagination', () => {
    let erin: TestUser;
    beforeAll(async () => {
      erin = await harness.createUser('erin');
      for (let i = 1; i <= 25; i++) await create(erin, { title: `Task ${String(i).padStart(2, '0')}` });
    });
    const page = (variables: Record<string, unknown>) => harness.graphql(LIST, { token: erin.token, variables });

    it('defaults to 20, newest first', async () => {
      const response = await page({});
      const edges = response.body.data!.tasks.edges;
      expect(edges).toHaveLength(20);
      expect(edges[0].node.title).toBe('Task 25');
      expect(response.body.data!.tasks.pageInfo.hasNextPage).toBe(true);
    });

    it('walks forward with after and covers every task exactly once', async () => {
      const seen: string[] = [];
      let after: string | null = null;
      for (;;) {
        const response = await page({ first: 7, after });
        const connection = response.body.data!.tasks;
        seen.push(...connection.edges.map((edge: any) => edge.node.title));
        if (!connection.pageInfo.hasNextPage) break;
        after = connection.pageInfo.endCursor;
      }
      expect(seen).toHaveLength(25);
      expect(new Set(seen).size).toBe(25);
      expect(seen[0]).toBe('Task 25');
      expect(seen.at(-1)).toBe('Task 01');
    });

    it('walks backward with last and before', async () => {
      const first = await page({ first: 5 });
      const cursor = first.body.data!.tasks.edges[3].cursor;
      const back = await page({ last: 2, before: cursor });
      expect(back.body.data!.tasks.edges.map((edge: any) => edge.node.title)).toEqual(['Task 24', 'Task 23']);
    });

    it('accepts first: 1 and first: 100', async () => {
      expect((await page({ first: 1 })).body.data!.tasks.edges).toHaveLength(1);
      expect((await page({ first: 100 })).body.data!.tasks.edges).toHaveLength(25);
    });

    for (const variables of [{ first: 0 }, { first: 101 }, { first: -1 }, { last: 0 }, { last: 101 }]) {
      it(`refuses ${JSON.stringify(variables)} with BAD_USER_INPUT naming the argument`, async () => {
        const response = await page(variables);
        const [name] = Object.keys(variables);
        expect(response.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: name });
      });
    }

    it('applies the same bounds on User.tasks', async () => {
      const response = await harness.graphql('{ me { tasks(first: 101) { edges { node { id } } } } }', { token: erin.token });
      expect(response.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
      const ok = await harness.graphql('{ me { tasks(first: 3) { edges { node { title } } pageInfo { hasNextPage } } } }', { token: erin.token });
      expect(ok.body.data!.me.tasks.edges).toHaveLength(3);
      expect(ok.body.data!.me.tasks.pageInfo.hasNextPage).toBe(true);
    });

    it('refuses a forged cursor with BAD_USER_INPUT', async () => {
      const response = await page({ first: 5, after: 'not-a-cursor' });
      expect(response.status).toBe(200);
      expect(response.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    });
  });
});
