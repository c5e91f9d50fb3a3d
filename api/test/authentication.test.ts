// Every way a request can fail authentication ends in HTTP 401 with code UNAUTHENTICATED and
// RFC 6750's WWW-Authenticate header, before the operation is parsed or executed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type TestUser } from './support/api-harness.ts';
import { mintToken, testJwtSettings, unsignedToken, withTamperedPayload } from './support/tokens.ts';

const harness = createHarness();
let alice: TestUser;
const ME = '{ me { id email } }';

beforeAll(async () => {
  alice = await harness.createUser('alice');
});
afterAll(() => harness.close());

async function expectUnauthenticated(response: Response) {
  expect(response.status).toBe(401);
  expect(response.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
  const body = (await response.json()) as { data?: unknown; errors: { message: string; extensions: { code: string } }[] };
  expect(body.data).toBeUndefined();
  expect(body.errors).toHaveLength(1);
  expect(body.errors[0]?.extensions.code).toBe('UNAUTHENTICATED');
  expect(JSON.stringify(body)).not.toMatch(/stack|at \w+ \(/);
  return body.errors[0]!.message;
}

function post(headers: Record<string, string>, query = ME) {
  return harness.api.fetch('http://taskgate.test/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query }),
  });
}

const bearer = (token: string) => post({ authorization: `Bearer ${token}` });
const now = () => Math.floor(Date.now() / 1000);

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

describe('tokens that fail verification', () => {
  it('accepts a well-formed token (control)', async () => {
    const response = await bearer(alice.token);
    expect(response.status).toBe(200);
    expect(((await response.json()) as any).data.me.email).toBe(alice.email);
  });
  it('rejects a bad signature (wrong secret)', async () => {
    const token = await mintToken(alice.id, { key: new TextEncoder().encode('another-secret-that-is-also-32-bytes-long!!') });
    await expectUnauthenticated(await bearer(token));
  });
  it('rejects a tampered payload (sub swapped, signature kept)', async () => {
    await expectUnauthenticated(await bearer(withTamperedPayload(alice.token, { sub: 'someone-else' })));
  });
  for (const alg of ['none', 'None', 'NONE', 'nOnE']) {
    it(`rejects alg "${alg}" (unsigned token)`, async () => {
      await expectUnauthenticated(await bearer(unsignedToken(alice.id, alg)));
    });
  }
  for (const alg of ['HS384', 'HS512']) {
    it(`rejects ${alg} even when signed with the right secret`, async () => {
      await expectUnauthenticated(await bearer(await mintToken(alice.id, { alg })));
    });
  }
  it('rejects an expired token', async () => {
    const token = await mintToken(alice.id, { claims: { iat: now() - 3600, exp: now() - 60 } });
    expect(await expectUnauthenticated(await bearer(token))).toBe('Access token has expired');
  });
  it('rejects a token whose nbf is in the future', async () => {
    const token = await mintToken(alice.id, { claims: { nbf: now() + 120 } });
    await expectUnauthenticated(await bearer(token));
  });
  it('rejects a token issued in the future beyond the clock tolerance', async () => {
    const token = await mintToken(alice.id, { claims: { iat: now() + 120 } });
    await expectUnauthenticated(await bearer(token));
  });
  it('accepts a token issued within the clock tolerance (control)', async () => {
    const token = await mintToken(alice.id, { claims: { iat: now() + 2 } });
    expect((await bearer(token)).status).toBe(200);
  });
  it('rejects a token without exp', async () => {
    await expectUnauthenticated(await bearer(await mintToken(alice.id, { claims: { exp: undefined } })));
  });
  it('rejects a token without sub', async () => {
    await expectUnauthenticated(await bearer(await mintToken(alice.id, { claims: { sub: undefined } })));
  });
  it('rejects a token with an empty sub', async () => {
    await expectUnauthenticated(await bearer(await mintToken('', { claims: { sub: '' } })));
  });
  it('rejects a token with a non-string sub', async () => {
    await expectUnauthenticated(await bearer(await mintToken(alice.id, { claims: { sub: 42 } })));
  });
  it('rejects a token from another issuer', async () => {
    await expectUnauthenticated(await bearer(await mintToken(alice.id, { claims: { iss: 'https://evil.example' } })));
  });
  it('rejects a token for another audience', async () => {
    await expectUnauthenticated(await bearer(await mintToken(alice.id, { claims: { aud: 'some-other-api' } })));
  });
  it('rejects a token without iss or aud', async () => {
    await expectUnauthenticated(await bearer(await mintToken(alice.id, { claims: { iss: undefined } })));
    await expectUnauthenticated(await bearer(await mintToken(alice.id, { claims: { aud: undefined } })));
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
  it('serves the GraphiQL page itself to a browser without a token, and runs nothing for it', async () => {
    const response = await harness.api.fetch(`http://taskgate.test/graphql?query=${encodeURIComponent(ME)}`, {
      headers: { accept: 'text/html' },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/text\/html/);
    const html = await response.text();
    expect(html).toContain('Taskgate API');
    expect(html).not.toContain(alice.email);
  });
});

describe('a valid token whose user does not exist', () => {
  it('answers me with 401 UNAUTHENTICATED, never data and never a 500', async () => {
    const response = await bearer(await mintToken('no-such-user'));
    expect(response.status).toBe(401);
    const body = (await response.json()) as any;
    expect(body.data).toBeNull();
    expect(body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
  });
  it('refuses createTask with 401 and stores nothing', async () => {
    const token = await mintToken('ghost-user');
    const response = await post({ authorization: `Bearer ${token}` }, 'mutation { createTask(input: { title: "boo" }) { id } }');
    expect(response.status).toBe(401);
    expect(((await response.json()) as any).errors[0].extensions.code).toBe('UNAUTHENTICATED');
    expect(await harness.prisma.task.count({ where: { ownerId: 'ghost-user' } })).toBe(0);
  });
});

describe('unauthenticated routes', () => {
  it('/healthz answers 200 without a token', async () => {
    expect((await harness.api.fetch('http://taskgate.test/healthz')).status).toBe(200);
  });
  it('/readyz answers 200 when the database is reachable', async () => {
    expect((await harness.api.fetch('http://taskgate.test/readyz')).status).toBe(200);
  });
});

describe('the GraphiQL page', () => {
  it('is self-contained (no CDN) and reads headers only from the URL fragment', async () => {
    const response = await harness.api.fetch('http://taskgate.test/graphql', { headers: { accept: 'text/html' } });
    const html = await response.text();
    expect(html).not.toMatch(/<script[^>]+src=["']https?:/);
    expect(html).toContain('window.taskgateRenderGraphiQL(');
    expect(html).toContain('window.location.hash');
  });
});
