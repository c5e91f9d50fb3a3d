// Hostile requests without a usable Authorization header: each ends in HTTP 401 with code
// UNAUTHENTICATED and RFC 6750's WWW-Authenticate header, before the operation is parsed or executed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type TestUser } from '../support/api-harness.ts';
import { expectUnauthenticated } from '../support/refusals.ts';
import { testJwtSettings } from '../support/tokens.ts';

const harness = createHarness();
let alice: TestUser;
const ME = '{ me { id email } }';

beforeAll(async () => {
  alice = await harness.createUser('alice');
});
afterAll(() => harness.close());

function post(headers: Record<string, string>, query = ME) {
  return harness.api.fetch('http://taskgate.test/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query }),
  });
}

const bearer = (token: string) => post({ authorization: `Bearer ${token}` });

describe('requests without a usable Authorization header', () => {
  it('rejects a request with no Authorization header', async () => {
    expect(await expectUnauthenticated(await post({}))).toMatch(/Authentication required/);
  });
  it('rejects an empty Authorization header', async () => {
    await expectUnauthenticated(await post({ authorization: '' }));
  });
  it('rejects "Bearer" with no token', async () => {
    await expectUnauthenticated(await post({ authorization: 'Bearer ' }));
  });
  it('rejects a non-Bearer scheme carrying a valid token', async () => {
    await expectUnauthenticated(await post({ authorization: `Basic ${alice.token}` }));
  });
  it('rejects a valid token sent without a scheme', async () => {
    await expectUnauthenticated(await post({ authorization: alice.token }));
  });
  it('rejects garbage', async () => {
    await expectUnauthenticated(await bearer('not-a-jwt'));
  });
  it('rejects a token over the size bound before parsing it', async () => {
    const oversized = `${'a'.repeat(testJwtSettings.maxTokenBytes)}.b.c`;
    expect(await expectUnauthenticated(await bearer(oversized))).toBe('Access token is too large');
  });
  it('does not take a token from the query string', async () => {
    const response = await harness.api.fetch(`http://taskgate.test/graphql?query=${encodeURIComponent(ME)}&access_token=${alice.token}`, {
      headers: { accept: 'application/json' },
    });
    await expectUnauthenticated(response);
  });
  it('does not take a token from a cookie', async () => {
    await expectUnauthenticated(await post({ cookie: `token=${alice.token}; access_token=${alice.token}` }));
  });
});

describe('what the 401 protects', () => {
  it('refuses introspection without a token', async () => {
    await expectUnauthenticated(await post({}, '{ __schema { types { name } } }'));
  });
  it('allows introspection with a valid token', async () => {
    const response = await post({ authorization: `Bearer ${alice.token}` }, '{ __schema { queryType { name } } }');
    expect(response.status).toBe(200);
  });
  it('refuses a GET operation without a token', async () => {
    const response = await harness.api.fetch(`http://taskgate.test/graphql?query=${encodeURIComponent(ME)}`, {
      headers: { accept: 'application/graphql-response+json' },
    });
    await expectUnauthenticated(response);
  });
  it('answers 401, not 400, to an unparsable body without a token (auth runs before parsing)', async () => {
    const response = await harness.api.fetch('http://taskgate.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{ this is not json',
    });
    await expectUnauthenticated(response);
  });
  it('does not execute a mutation sent without a token', async () => {
    const before = await harness.prisma.task.count({ where: { ownerId: alice.id } });
    await expectUnauthenticated(await post({}, 'mutation { createTask(input: { title: "sneaky" }) { id } }'));
    expect(await harness.prisma.task.count({ where: { ownerId: alice.id } })).toBe(before);
  });
});
