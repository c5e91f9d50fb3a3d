// Hostile requests without a usable Authorization header: each ends in HTTP 401 with code
// UNAUTHENTICATED and RFC 6750's WWW-Authenticate header, before the operation is parsed or executed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CSRF_HEADER } from '../../src/csrf-prevention.ts';
import { createHarness, type TestUser } from '../support/api-harness.ts';
import { expectUnauthenticated } from '../support/refusals.ts';
import { mintToken, testJwtSettings, withTamperedPayload } from '../support/tokens.ts';

const harness = createHarness();
let alice: TestUser;
const ME = '{ me { id email } }';
const CREATE = 'mutation { createTask(input: { title: "sneaky" }) { id } }';
const INTROSPECTION = '{ __schema { queryType { name } } }';

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
const aliceTaskCount = () => harness.prisma.task.count({ where: { ownerId: alice.id } });

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
    // With the CSRF header, so that only the missing Authorization header can refuse this GET.
    const response = await harness.api.fetch(`http://taskgate.test/graphql?query=${encodeURIComponent(ME)}&access_token=${alice.token}`, {
      headers: { accept: 'application/json', [CSRF_HEADER]: '1' },
    });
    await expectUnauthenticated(response);
  });
  it('does not take a token from the query string of a POST: a mutation writes nothing', async () => {
    const before = await aliceTaskCount();
    const response = await harness.api.fetch(`http://taskgate.test/graphql?access_token=${alice.token}&token=${alice.token}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: CREATE }),
    });
    await expectUnauthenticated(response);
    expect(await aliceTaskCount()).toBe(before);
  });
  it('does not take a token from a cookie', async () => {
    await expectUnauthenticated(await post({ cookie: `token=${alice.token}; access_token=${alice.token}` }));
  });
  it('does not take a token from a cookie: a mutation writes nothing', async () => {
    const before = await aliceTaskCount();
    await expectUnauthenticated(await post({ cookie: `token=${alice.token}; access_token=${alice.token}` }, CREATE));
    expect(await aliceTaskCount()).toBe(before);
  });
});

describe('what the 401 protects', () => {
  it('refuses introspection without a token', async () => {
    await expectUnauthenticated(await post({}, '{ __schema { types { name } } }'));
  });
  it('refuses __type introspection without a token', async () => {
    await expectUnauthenticated(await post({}, '{ __type(name: "Task") { fields { name } } }'));
  });
  it('refuses introspection with an expired token', async () => {
    const now = Math.floor(Date.now() / 1000);
    const expired = await mintToken(alice.id, { claims: { iat: now - 3600, exp: now - 60 } });
    await expectUnauthenticated(await post({ authorization: `Bearer ${expired}` }, INTROSPECTION));
  });
  it('refuses introspection with a forged token (payload tampered, signature kept)', async () => {
    await expectUnauthenticated(await post({ authorization: `Bearer ${withTamperedPayload(alice.token, { sub: 'someone-else' })}` }, INTROSPECTION));
  });
  it('allows introspection with a valid token', async () => {
    const response = await post({ authorization: `Bearer ${alice.token}` }, INTROSPECTION);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: { __schema: { queryType: { name: 'Query' } } } });
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
    await expectUnauthenticated(await post({}, CREATE));
    expect(await harness.prisma.task.count({ where: { ownerId: alice.id } })).toBe(before);
  });
});

// graphql-yoga 5.24 serves GraphQL at any URL whose text ends in the endpoint (use-unhandled-route.js:
// `request.url.endsWith(graphqlEndpoint)`), not only at the path /graphql; each of these must need a
// token as /graphql does.
describe('other URLs Yoga answers as the GraphQL endpoint', () => {
  const ALIASES = ['//graphql', '/x/graphql', '/healthz/graphql', '/?/graphql'];
  const postTo = (path: string, query: string) =>
    harness.api.fetch(`http://taskgate.test${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
      body: JSON.stringify({ query }),
    });

  for (const path of ALIASES) {
    it(`refuses introspection without a token at ${path}`, async () => {
      await expectUnauthenticated(await postTo(path, INTROSPECTION));
    });
    it(`refuses a mutation without a token at ${path}, and writes nothing`, async () => {
      const before = await aliceTaskCount();
      const response = await postTo(path, CREATE);
      const body = (await response.json()) as { errors?: { extensions?: { code?: string } }[] };
      expect({ status: response.status, code: body.errors?.[0]?.extensions?.code }).toEqual({ status: 401, code: 'UNAUTHENTICATED' });
      expect(await aliceTaskCount()).toBe(before);
    });
  }
});
