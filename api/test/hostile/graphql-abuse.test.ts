// Hostile GraphQL documents (OWASP GraphQL cheat sheet): too deep, too many aliases, directives or
// tokens, too costly, or probing the schema through "Did you mean" suggestions. Each limit of
// api/src/graphql-limits.ts is shown at its boundary: an operation exactly at the limit runs, one just
// past it is refused with HTTP 400 and the limit's stable code, before any resolver runs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GRAPHQL_LIMITS, LIMIT_ERROR_CODES } from '../../src/graphql-limits.ts';
import { MAX_PAGE_SIZE } from '../../src/schema/pagination.ts';
import { createHarness, type TestUser } from '../support/api-harness.ts';
import { measureOperation } from '../support/operation-metrics.ts';
import { expectRefused } from '../support/refusals.ts';

const harness = createHarness();
let alice: TestUser;

beforeAll(async () => {
  alice = await harness.createUser('alice');
  await harness.prisma.task.create({ data: { title: 'Alice task', ownerId: alice.id } });
});
afterAll(() => harness.close());

/** What Apollo Client sends: under this media type a refused document is HTTP 400. */
function post(query: string, variables?: Record<string, unknown>, accept = 'application/graphql-response+json, application/json;q=0.9') {
  return harness.api.fetch('http://taskgate.test/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept, authorization: `Bearer ${alice.token}` },
    body: JSON.stringify({ query, variables }),
  });
}

async function expectRuns(query: string) {
  const response = await post(query);
  const body = (await response.json()) as { data?: unknown; errors?: unknown };
  expect(body.errors).toBeUndefined();
  expect(response.status).toBe(200);
  expect(body.data).toBeTruthy();
}

const aliceTaskCount = () => harness.prisma.task.count({ where: { ownerId: alice.id } });

/** Refused before execution with HTTP 400 and only `code`, and not one task written. */
async function expectMutationRefused(mutation: string, code: string) {
  const before = await aliceTaskCount();
  const response = await post(mutation);
  const body = (await response.json()) as { data?: unknown; errors?: { extensions?: { code?: string } }[] };
  expect({ status: response.status, codes: body.errors?.map((error) => error.extensions?.code) }).toEqual({ status: 400, codes: [code] });
  expect(body.data ?? null).toBeNull();
  expect(await aliceTaskCount()).toBe(before);
}

// Builders of operations measuring exactly n for one limit (checked with the limits' own counters).

/** The schema's cycle tasks → edges → node → owner → tasks …, n levels deep, ending in __typename. */
function nestedOperation(depth: number): string {
  const cycle = ['tasks(first: 1)', 'edges', 'node', 'owner'];
  const path = Array.from({ length: depth - 1 }, (_, i) => cycle[i % cycle.length]);
  return `{ ${path.map((field) => `${field} { `).join('')}__typename${' }'.repeat(depth - 1)} }`;
}
const aliasedOperation = (n: number) => `{ me { ${Array.from({ length: n }, (_, i) => `a${i}: id`).join(' ')} } }`;
const directivesOperation = (n: number) => `{ me { ${'id @skip(if: false) '.repeat(n)}} }`;
/**
 * `{ me { … } }` is 5 tokens plus one per field. The fields vary: a thousand copies of one field would
 * exhaust graphql-js's own budget for comparing same-named fields (400 "Validation aborted.").
 */
const USER_FIELDS = ['id', 'email', 'name', 'createdAt', '__typename'];
const tokensOperation = (n: number) => `{ me { ${Array.from({ length: n - 5 }, (_, i) => USER_FIELDS[i % USER_FIELDS.length]).join(' ')} } }`;
/**
 * A page of 100 whose pageInfo repeats a field k times costs (5 + 2.25k) × 100; each root __typename
 * adds 1. Together they reach any whole cost exactly.
 */
function costlyOperation(cost: number): string {
  const repeats = Math.floor((cost / 100 - 5) / 2.25);
  const rest = cost - (500 + 225 * repeats);
  return `{ tasks(first: 100) { pageInfo { ${'hasNextPage '.repeat(repeats)}} } ${'__typename '.repeat(rest)}}`;
}

const boundaries = [
  { limit: 'maxDepth', attack: 'a query nested one level too deep', build: nestedOperation },
  { limit: 'maxAliases', attack: 'an alias flood', build: aliasedOperation },
  { limit: 'maxDirectives', attack: 'a directive flood', build: directivesOperation },
  { limit: 'maxTokens', attack: 'a document one token too long', build: tokensOperation },
  { limit: 'maxCost', attack: 'a query one point too costly', build: costlyOperation },
] as const;

describe('each limit at its boundary', () => {
  for (const { limit, attack, build } of boundaries) {
    const n = GRAPHQL_LIMITS[limit];
    it(`${limit} = ${n}: an operation measuring exactly ${n} runs`, async () => {
      const inside = build(n);
      expect(measureOperation(inside)[limit]).toBe(n);
      await expectRuns(inside);
    });
    it(`refuses ${attack} (${limit} ${n} + 1) with 400 ${LIMIT_ERROR_CODES[limit]}`, async () => {
      const message = await expectRefused(await post(build(n + 1)), 400, LIMIT_ERROR_CODES[limit]);
      expect(message).not.toMatch(/^Syntax Error/);
    });
  }

  it('cost counts page sizes passed in variables: exactly the limit runs, one more is refused with 400 QUERY_TOO_COSTLY', async () => {
    const n = GRAPHQL_LIMITS.maxCost;
    const withVariable = (cost: number) => costlyOperation(cost).replace('{ tasks(first: 100)', 'query($size: Int) { tasks(first: $size)');
    expect(measureOperation(withVariable(n), { size: 100 }).maxCost).toBe(n);
    const inside = await post(withVariable(n), { size: 100 });
    expect(inside.status).toBe(200);
    expect(((await inside.json()) as { errors?: unknown }).errors).toBeUndefined();
    await expectRefused(await post(withVariable(n + 1), { size: 100 }), 400, LIMIT_ERROR_CODES.maxCost);
  });

  it('answers a limit error with the same code, not masked, to a client accepting only application/json (status 200, as GraphQL over HTTP prescribes)', async () => {
    const response = await post(nestedOperation(GRAPHQL_LIMITS.maxDepth + 1), undefined, 'application/json');
    const body = (await response.json()) as { errors: { extensions: { code: string } }[] };
    expect(response.status).toBe(200);
    expect(body.errors.map((error) => error.extensions.code)).toEqual([LIMIT_ERROR_CODES.maxDepth]);
  });
});

describe('attacks the limits stop', () => {
  it('refuses the owner → tasks cycle nesting a page of tasks in a page of tasks, page sizes hidden in variables from the cost limit', async () => {
    const query = 'query($outer: Int, $inner: Int) { tasks(first: $outer) { edges { node { owner { tasks(first: $inner) { edges { node { id title } } } } } } } }';
    await expectRefused(await post(query, { outer: 100, inner: 100 }), 400, LIMIT_ERROR_CODES.maxDepth);
  });

  it('refuses an owner/tasks cycle a hundred levels deep (as too deep and too costly)', async () => {
    const response = await post(nestedOperation(100));
    const body = (await response.json()) as { data?: unknown; errors: { extensions: { code: string } }[] };
    expect(response.status).toBe(400);
    expect(body.data).toBeUndefined();
    expect(body.errors.map((error) => error.extensions.code).sort()).toEqual([LIMIT_ERROR_CODES.maxCost, LIMIT_ERROR_CODES.maxDepth]);
  });

  it('refuses a page of cursors nested in a page of tasks (depth 7) as too costly, page sizes hidden in variables', async () => {
    const query = 'query($n: Int) { tasks(first: $n) { edges { node { owner { tasks(first: $n) { edges { cursor } } } } } } }';
    await expectRefused(await post(query, { n: 100 }), 400, LIMIT_ERROR_CODES.maxCost);
  });

  it('checks the same query again for other page sizes: small pages run, then large ones are refused', async () => {
    const page = 'tasks(first: $n) { edges { node { id title description completed createdAt updatedAt owner { id email name } } } }';
    const query = `query($n: Int) { a: ${page} b: ${page} }`;
    expect(measureOperation(query, { n: 5 }).maxCost).toBeLessThan(GRAPHQL_LIMITS.maxCost);
    expect(() => measureOperation(query, { n: 100 })).toThrow(/Cost limit/);
    const small = await post(query, { n: 5 });
    expect(small.status).toBe(200);
    expect(((await small.json()) as { errors?: unknown }).errors).toBeUndefined();
    await expectRefused(await post(query, { n: 100 }), 400, LIMIT_ERROR_CODES.maxCost);
  });

  it('refuses nested pages whose sizes are left out: each counts as the default 20', async () => {
    await expectRefused(await post('{ tasks { edges { node { owner { tasks { edges { cursor } } } } } } }'), 400, LIMIT_ERROR_CODES.maxCost);
  });

  it('still answers an out-of-range page size in a variable with BAD_USER_INPUT naming it, not a cost error', async () => {
    // Costed at the 1000 asked for, this page would be over the limit; the resolver refuses it anyway.
    const response = await post('query($n: Int) { tasks(first: $n) { edges { cursor node { id title } } } }', { n: 1000 });
    const body = (await response.json()) as { errors: { extensions: { code: string; field: string } }[] };
    expect(body.errors[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
  });

  it('refuses a batch of aliased createTask mutations and writes nothing', async () => {
    const before = await aliceTaskCount();
    const mutation = `mutation { ${Array.from({ length: 50 }, (_, i) => `t${i}: createTask(input: { title: "spam ${i}" }) { id }`).join(' ')} }`;
    await expectRefused(await post(mutation), 400, LIMIT_ERROR_CODES.maxAliases);
    expect(await aliceTaskCount()).toBe(before);
  });

  it('refuses ten aliased pages of 100 tasks as too costly, page sizes literal or in variables', async () => {
    const pages = Array.from({ length: 10 }, (_, i) => `p${i}: tasks(first: 100) { edges { node { id title description completed } } }`);
    await expectRefused(await post(`{ ${pages.join(' ')} }`), 400, LIMIT_ERROR_CODES.maxCost);
    const query = `query($n: Int) { ${pages.join(' ').replaceAll('first: 100', 'first: $n')} }`;
    await expectRefused(await post(query, { n: 100 }), 400, LIMIT_ERROR_CODES.maxCost);
  });

  it('refuses a 90 KB document of repeated fields as too many tokens', async () => {
    const query = `{ me { ${'email '.repeat(15_000)}} }`;
    expect(query.length).toBeGreaterThan(90_000);
    await expectRefused(await post(query), 400, LIMIT_ERROR_CODES.maxTokens);
  });

  it('refuses a mutation one level too deep and writes nothing', async () => {
    // createTask → owner → tasks → edges → node → owner → tasks → __typename: 8 levels.
    const deep = 'mutation { createTask(input: { title: "deep" }) { owner { tasks(first: 1) { edges { node { owner { tasks(first: 1) { __typename } } } } } } } }';
    expect(() => measureOperation(deep)).toThrow(`depth limit of ${GRAPHQL_LIMITS.maxDepth} exceeded, found ${GRAPHQL_LIMITS.maxDepth + 1}`);
    await expectMutationRefused(deep, LIMIT_ERROR_CODES.maxDepth);
  });

  it('refuses a mutation one token too long and writes nothing', async () => {
    const TASK_FIELDS = ['id', 'title', 'description', 'completed', 'createdAt', 'updatedAt', '__typename'];
    // `mutation { createTask(input: { title: "long" }) { … } }` is 15 tokens plus one per field.
    const longMutation = (tokens: number) => {
      const fields = Array.from({ length: tokens - 15 }, (_, i) => TASK_FIELDS[i % TASK_FIELDS.length]);
      return `mutation { createTask(input: { title: "long" }) { ${fields.join(' ')} } }`;
    };
    expect(measureOperation(longMutation(GRAPHQL_LIMITS.maxTokens)).maxTokens).toBe(GRAPHQL_LIMITS.maxTokens);
    await expectMutationRefused(longMutation(GRAPHQL_LIMITS.maxTokens + 1), LIMIT_ERROR_CODES.maxTokens);
  });

  it('refuses a mutation selecting two pages of 100 tasks under its owner as too costly, and writes nothing', async () => {
    const page = 'tasks(first: 100) { edges { node { id title description completed createdAt updatedAt } } }';
    await expectMutationRefused(`mutation { createTask(input: { title: "costly" }) { owner { a: ${page} b: ${page} } } }`, LIMIT_ERROR_CODES.maxCost);
  });

  it('refuses a directive flood on a mutation and writes nothing', async () => {
    const before = await aliceTaskCount();
    const mutation = `mutation { createTask(input: { title: "x" }) { ${'id @include(if: true) '.repeat(GRAPHQL_LIMITS.maxDirectives + 5)}} }`;
    await expectRefused(await post(mutation), 400, LIMIT_ERROR_CODES.maxDirectives);
    expect(await aliceTaskCount()).toBe(before);
  });
});

describe('page sizes: first and last at most MAX_PAGE_SIZE', () => {
  const pages = {
    'tasks(first:)': (n: number) => `{ tasks(first: ${n}) { edges { cursor } } }`,
    'tasks(last:)': (n: number) => `{ tasks(last: ${n}) { edges { cursor } } }`,
    'me { tasks(first:) }': (n: number) => `{ me { tasks(first: ${n}) { edges { cursor } } } }`,
  };
  for (const [field, page] of Object.entries(pages)) {
    const argument = field.includes('last') ? 'last' : 'first';
    it(`${field} ${MAX_PAGE_SIZE} runs`, async () => {
      await expectRuns(page(MAX_PAGE_SIZE));
    });
    for (const outside of [MAX_PAGE_SIZE + 1, 0]) {
      it(`refuses ${field} ${outside} with 200 BAD_USER_INPUT naming ${argument}, and no data`, async () => {
        const response = await post(page(outside));
        const body = (await response.json()) as { data?: unknown; errors?: { extensions?: Record<string, unknown> }[] };
        expect(response.status).toBe(200);
        expect(body.errors?.map((error) => error.extensions)).toEqual([{ code: 'BAD_USER_INPUT', field: argument }]);
        expect(body.data).toBeNull();
      });
    }
  }
});

describe('schema probing through suggestions', () => {
  it('hides "Did you mean" for a misspelt field', async () => {
    const response = await post('{ me { emial } }');
    const text = await response.text();
    expect(response.status).toBe(400);
    expect(text).toContain('[Suggestion hidden]');
    expect(text).not.toMatch(/Did you mean|"email"/);
  });

  it('hides "Did you mean" for a misspelt argument', async () => {
    const text = await (await post('{ tasks(frist: 1) { edges { cursor } } }')).text();
    expect(text).not.toMatch(/Did you mean|"first"/);
  });

  it('hides "Did you mean" for a misspelt input field inside variables, and writes nothing', async () => {
    const before = await aliceTaskCount();
    const response = await post('mutation($input: CreateTaskInput!) { createTask(input: $input) { id } }', { input: { title: 'x', descriptoin: 'probe' } });
    const text = await response.text();
    expect(text).toContain('[Suggestion hidden]');
    expect(text).not.toMatch(/Did you mean|"description"/);
    expect(await aliceTaskCount()).toBe(before);
  });
});
