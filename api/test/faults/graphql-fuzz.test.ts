// Property-based fuzzing over real HTTP with a valid token (fast-check): GraphQL-ish documents, the
// real operations with random variables, and random selections of the real schema with random
// arguments. Whatever is sent: no 5xx, no stack trace, every error carries an `extensions.code`, and
// another user's task is never touched.
// A bounded number of runs keeps it to seconds; a failure prints fast-check's seed to replay it.
import fc from 'fast-check';
import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  type GraphQLInputType,
  type GraphQLInterfaceType,
  type GraphQLObjectType,
} from 'graphql';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { schema } from '../../src/schema/index.ts';
import { postGraphQL, type GraphQLRequest } from '../load/graphql-client.ts';
import { listen, type ListeningApi } from '../load/listening-api.ts';
import { createHarness, type TestUser } from '../support/api-harness.ts';
import { STACK_TRACE } from './support/leaks.ts';

const RUNS = 200;
const harness = createHarness();
let server: ListeningApi;
let fuzzer: TestUser;
let other: TestUser;
/** Ids worth trying: the fuzzer's own, another user's, and malformed ones. */
let ids: string[];

const globalId = (type: string, id: string) => Buffer.from(`${type}:${id}`).toString('base64');
const otherUsersTasks = () => harness.prisma.task.findMany({ where: { ownerId: other.id }, orderBy: { id: 'asc' } });
let otherUsersTasksBefore: Awaited<ReturnType<typeof otherUsersTasks>>;

beforeAll(async () => {
  server = await listen(harness.api);
  fuzzer = await harness.createUser('fuzzer');
  other = await harness.createUser('fuzz-victim');
  const own = await harness.prisma.task.create({ data: { title: 'fuzzer task', ownerId: fuzzer.id } });
  const foreign = await harness.prisma.task.create({ data: { title: 'not yours', description: 'keep out', ownerId: other.id } });
  ids = [
    globalId('Task', own.id),
    globalId('Task', foreign.id),
    globalId('User', fuzzer.id),
    globalId('User', other.id),
    globalId('Task', 'not-a-uuid'),
    globalId('Nope', foreign.id),
    foreign.id,
    '',
    '@@@',
    'VGFzazo=',
  ];
  otherUsersTasksBefore = await otherUsersTasks();
});
afterAll(async () => {
  for (const [property, counts] of outcomes) {
    console.log(`${property}: ${[...counts].sort((a, b) => b[1] - a[1]).map(([outcome, count]) => `${outcome} ×${count}`).join(', ')}`);
  }
  await server.close();
  await harness.close();
});

/** Per property, how requests were answered ("200 data", "400 GRAPHQL_VALIDATION_FAILED", …). */
const outcomes = new Map<string, Map<string, number>>();
let currentProperty = '';

async function expectNoServerError(request: Omit<GraphQLRequest, 'token'>) {
  const response = await postGraphQL(server.endpoint, { ...request, token: fuzzer.token });
  const outcome = `${response.status} ${response.body?.errors?.[0]?.extensions?.code ?? (response.body?.errors ? 'error' : 'data')}`;
  const counts = outcomes.get(currentProperty) ?? new Map<string, number>();
  counts.set(outcome, (counts.get(outcome) ?? 0) + 1);
  outcomes.set(currentProperty, counts);
  expect(response.status, `${JSON.stringify(request).slice(0, 500)}\n→ ${response.text.slice(0, 500)}`).toBeLessThan(500);
  expect(response.text).not.toMatch(STACK_TRACE);
  expect(response.body?.data !== undefined || response.body?.errors !== undefined, response.text).toBe(true);
  for (const error of response.body?.errors ?? []) expect(error.extensions?.code, `${JSON.stringify(request).slice(0, 500)}\n→ ${response.text.slice(0, 500)}`).toEqual(expect.any(String));
}

// ---------- 1. GraphQL-ish documents ----------

const VOCABULARY = [
  '{', '}', '(', ')', ':', '$', '!', '[', ']', '=', '@', '...', ',', '|', '&',
  'query', 'mutation', 'subscription', 'fragment', 'on', 'true', 'false', 'null', 'schema', 'type',
  'me', 'user', 'task', 'tasks', 'node', 'createTask', 'updateTask', 'deleteTask', 'id', 'title',
  'description', 'completed', 'owner', 'edges', 'pageInfo', 'hasNextPage', 'endCursor', 'first', 'after',
  'last', 'before', 'filter', 'search', 'input', 'Task', 'User', 'Node', 'CreateTaskInput', '__typename',
  '__schema', '__type', 'types', 'name', 'fields', '@include(if: true)', '@skip(if: $x)', '$id', '$input',
  'ID!', 'Int', 'String', '"text"', '"""block"""', '0', '-1', '101', '2147483648', '1e3', '"\\u0000"',
];
const token = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...VOCABULARY) },
  { weight: 1, arbitrary: fc.string({ maxLength: 6 }) },
  { weight: 1, arbitrary: fc.integer().map(String) },
);
const document = fc.oneof(
  { weight: 4, arbitrary: fc.array(token, { maxLength: 40 }).map((tokens) => tokens.join(' ')) },
  { weight: 1, arbitrary: fc.string({ maxLength: 200, unit: 'binary' }) },
);

/** Requests of the current property whose outcome starts with `prefix` ('200 ': it executed, its fields ran). */
const answered = (prefix: string) => [...(outcomes.get(currentProperty) ?? [])].filter(([outcome]) => outcome.startsWith(prefix)).reduce((sum, [, count]) => sum + count, 0);

/**
 * The fuzz must reach the resolvers, not only the parser and the variable checks. Bounds chosen so
 * chance does not fail them: about 70 % of requests execute and 7–12 % return data (200 runs at 7.5 %
 * return data fewer than 2 times once in 300 000); a generator that stopped reaching them fails.
 */
function expectResolversReached() {
  expect(answered('200 '), 'requests that executed').toBeGreaterThanOrEqual(RUNS / 4);
  expect(answered('200 data'), 'requests that returned data').toBeGreaterThanOrEqual(2);
}

it(`GraphQL-ish documents (${RUNS} runs): never 5xx, never a stack`, { timeout: 120_000 }, async () => {
  currentProperty = 'documents';
  await fc.assert(
    fc.asyncProperty(
      document,
      fc.oneof(fc.constant(undefined), fc.dictionary(fc.string({ maxLength: 5 }), fc.jsonValue({ maxDepth: 2 })), fc.jsonValue({ maxDepth: 2 })),
      fc.option(fc.oneof(fc.string({ maxLength: 10 }), fc.constantFrom('A', 'Task', 'me')), { nil: undefined }),
      async (query, variables, operationName) => {
        await expectNoServerError({ query, variables: variables as Record<string, unknown> | undefined, operationName });
      },
    ),
    { numRuns: RUNS },
  );
});

// ---------- 2. The real operations with random variables ----------

const OPERATIONS: { query: string; variables: string[] }[] = [
  { query: 'query Task($id: ID!) { task(id: $id) { id title description completed owner { id } } }', variables: ['id'] },
  { query: 'query Node($id: ID!) { node(id: $id) { id ... on Task { title } ... on User { email } } }', variables: ['id'] },
  { query: 'query User($id: ID!) { user(id: $id) { id email tasks(first: 5) { edges { node { id } } } } }', variables: ['id'] },
  {
    query:
      'query Tasks($first: Int, $after: String, $last: Int, $before: String, $filter: TaskFilter) { tasks(first: $first, after: $after, last: $last, before: $before, filter: $filter) { edges { cursor node { id title completed } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }',
    variables: ['first', 'after', 'last', 'before', 'filter'],
  },
  { query: 'mutation Create($input: CreateTaskInput!) { createTask(input: $input) { id title description completed } }', variables: ['input'] },
  { query: 'mutation Update($id: ID!, $input: UpdateTaskInput!) { updateTask(id: $id, input: $input) { id title description completed } }', variables: ['id', 'input'] },
  { query: 'mutation Delete($id: ID!) { deleteTask(id: $id) }', variables: ['id'] },
];

const text = fc.oneof(
  fc.string({ maxLength: 40, unit: 'grapheme' }),
  fc.string({ maxLength: 40, unit: 'binary' }), // lone surrogates, control characters
  fc.constantFrom('', '   ', '\u0000', 'x'.repeat(201), 'é'.repeat(2001), '%_\\', '😀'.repeat(200)),
);
const anyValue = fc.oneof(fc.jsonValue({ maxDepth: 2 }), text, fc.integer(), fc.double(), fc.boolean(), fc.constant(null));
/** Mostly the right type (so requests reach the resolvers), sometimes anything at all. */
const mostly = <T,>(typed: fc.Arbitrary<T>) => fc.oneof({ weight: 9, arbitrary: typed }, { weight: 1, arbitrary: anyValue });
const id = fc.nat().map((n) => ids[n % ids.length]!); // ids is filled in beforeAll, read when generating
const pageSize = fc.oneof(fc.integer({ min: 1, max: 100 }), fc.integer({ min: -5, max: 150 }));
const VARIABLES: Record<string, fc.Arbitrary<unknown>> = {
  id: mostly(id),
  first: mostly(pageSize),
  last: mostly(pageSize),
  after: mostly(fc.oneof(id, fc.string({ maxLength: 20 }), fc.base64String({ maxLength: 24 }))),
  before: mostly(fc.oneof(id, fc.string({ maxLength: 20 }), fc.base64String({ maxLength: 24 }))),
  filter: mostly(fc.record({ completed: mostly(fc.boolean()), search: mostly(text) }, { requiredKeys: [] })),
  input: mostly(fc.record({ title: mostly(text), description: mostly(fc.option(text)), completed: mostly(fc.boolean()) }, { requiredKeys: [] })),
};

it(`real operations with random variables (${RUNS} runs): never 5xx, never a stack`, { timeout: 120_000 }, async () => {
  currentProperty = 'operations';
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom(...OPERATIONS).chain((operation) =>
        fc.record({ operation: fc.constant(operation), variables: fc.record(Object.fromEntries(operation.variables.map((name) => [name, VARIABLES[name]!])), { requiredKeys: [] }) }),
      ),
      async ({ operation, variables }) => {
        await expectNoServerError({ query: operation.query, variables });
      },
    ),
    { numRuns: RUNS },
  );
  expectResolversReached();
});

// ---------- 3. Random selections of the real schema, random arguments ----------

const MAX_DEPTH = 4;

function literal(g: fc.GeneratorValue, type: GraphQLInputType, depth: number): string {
  if (isNonNullType(type)) return g(fc.integer, { min: 0, max: 19 }) === 0 ? 'null' : literal(g, type.ofType, depth);
  if (isListType(type)) return `[${literal(g, type.ofType, depth + 1)}]`;
  if (isInputObjectType(type)) {
    if (depth > 2) return '{}';
    const fields = Object.values(type.getFields()).filter(() => g(fc.boolean));
    return `{ ${fields.map((field) => `${field.name}: ${literal(g, field.type, depth + 1)}`).join(', ')} }`;
  }
  if (isEnumType(type)) return g(fc.constantFrom, ...type.getValues().map((value) => value.name));
  switch (type.name) {
    case 'Int':
      return String(g(() => fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 1, max: 100 }) }, fc.integer({ min: -3, max: 120 }), fc.constantFrom(0, 2 ** 31, -(2 ** 31) - 1))));
    case 'Boolean':
      return String(g(fc.boolean));
    case 'ID':
      return JSON.stringify(g(() => fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...ids) }, fc.string({ maxLength: 12 }))));
    default:
      return JSON.stringify(g(() => text));
  }
}

function selection(g: fc.GeneratorValue, type: GraphQLObjectType | GraphQLInterfaceType, depth: number): string {
  const fields = Object.values(type.getFields());
  const parts: string[] = [];
  // Distinct fields: the same field twice with other arguments is a (boring) validation error.
  // Indexes, not the field objects: fast-check compares a generator's arguments, and these are cyclic.
  const chosen = g(fc.shuffledSubarray, fields.map((_, index) => index), { minLength: 1, maxLength: Math.min(3, fields.length) });
  for (const [index, fieldIndex] of chosen.entries()) {
    const field = fields[fieldIndex]!;
    const args = field.args
      .filter((arg) => isNonNullType(arg.type) || g(fc.boolean))
      .map((arg) => `${arg.name}: ${literal(g, arg.type, 0)}`);
    const named = getNamedType(field.type);
    let selectionSet = '';
    if (isObjectType(named) || isInterfaceType(named)) {
      if (depth >= MAX_DEPTH) {
        parts.push('__typename');
        continue;
      }
      const fragments = isInterfaceType(named)
        ? schema.getPossibleTypes(named).filter(() => g(fc.boolean)).map((possible) => ` ... on ${possible.name} { ${selection(g, possible, depth + 1)} }`)
        : [];
      selectionSet = ` { ${selection(g, named, depth + 1)}${fragments.join('')} }`;
    }
    const alias = g(fc.integer, { min: 0, max: 3 }) === 0 ? `a${index}: ` : '';
    parts.push(`${alias}${field.name}${args.length > 0 ? `(${args.join(', ')})` : ''}${selectionSet}`);
  }
  return parts.join(' ');
}

it(`random selections of the real schema (${RUNS} runs): never 5xx, never a stack`, { timeout: 120_000 }, async () => {
  currentProperty = 'selections';
  await fc.assert(
    fc.asyncProperty(fc.gen(), async (g) => {
      const mutation = g(fc.integer, { min: 0, max: 3 }) === 0;
      const root = mutation ? schema.getMutationType()! : schema.getQueryType()!;
      await expectNoServerError({ query: `${mutation ? 'mutation' : 'query'} { ${selection(g, root, 1)} }` });
    }),
    // Shrinking generated documents can take minutes; the failing one is reported as it is.
    { numRuns: RUNS, endOnFailure: true },
  );
  expectResolversReached();
});

it('after all the fuzzing, the other user\'s task is exactly as it was', async () => {
  expect(await otherUsersTasks()).toEqual(otherUsersTasksBefore);
});
