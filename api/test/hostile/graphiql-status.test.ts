// GET /graphiql-status, the one route added beside /healthz and /readyz that answers without a token:
// it must tell exactly whether the GraphiQL page is served, nothing about anyone, run no GraphQL, and
// let every request that is not a GET of exactly that path meet the default deny.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { fetchGraphiqlStatus, graphiqlStatusUrl } from '../../../web/src/features/api-access/graphiql-status.ts';
import { CSRF_HEADER } from '../../src/csrf-prevention.ts';
import { GRAPHIQL_STATUS_PATH } from '../../src/graphiql-status.ts';
import { createApi, type Api } from '../../src/yoga.ts';
import { createHarness, type TestUser } from '../support/api-harness.ts';
import { expectUnauthenticated } from '../support/refusals.ts';
import { testJwtSettings } from '../support/tokens.ts';

const harness = createHarness();
let alice: TestUser;
let graphiqlOff: Api;
const ORIGIN = 'http://taskgate.test';
const STATUS_URL = `${ORIGIN}${GRAPHIQL_STATUS_PATH}`;
const WEB_ORIGIN = 'http://localhost:3000'; // the default WEB_ORIGIN, which both APIs here use

beforeAll(async () => {
  alice = await harness.createUser('alice');
  graphiqlOff = createApi({ prisma: harness.prisma, jwt: testJwtSettings, graphiql: false, logging: false });
});
afterEach(() => vi.unstubAllGlobals());
afterAll(() => harness.close());

const graphiqlPage = (api: Api) => api.fetch(`${ORIGIN}/graphql`, { headers: { accept: 'text/html' } });

describe('what it says', () => {
  it('says true when the GraphiQL page is served, false when it is not, and the page agrees', async () => {
    const on = await harness.api.fetch(STATUS_URL);
    expect(on.status).toBe(200);
    expect(await on.json()).toEqual({ graphiql: true });
    expect((await graphiqlPage(harness.api)).headers.get('content-type')).toMatch(/text\/html/);

    const off = await graphiqlOff.fetch(STATUS_URL);
    expect(off.status).toBe(200);
    expect(await off.json()).toEqual({ graphiql: false });
    await expectUnauthenticated(await graphiqlPage(graphiqlOff));
  });

  it('is never cached, so a changed GRAPHIQL shows at the next check', async () => {
    expect((await harness.api.fetch(STATUS_URL)).headers.get('cache-control')).toBe('no-store');
  });

  it('lets the web app read it from its origin (CORS), and no other origin', async () => {
    const fromWebApp = await harness.api.fetch(STATUS_URL, { headers: { origin: WEB_ORIGIN } });
    expect(fromWebApp.headers.get('access-control-allow-origin')).toBe(WEB_ORIGIN);
    const fromElsewhere = await harness.api.fetch(STATUS_URL, { headers: { origin: 'https://evil.example' } });
    expect(fromElsewhere.headers.get('access-control-allow-origin')).not.toMatch(/evil\.example|\*/);
  });
});

describe('what it must not do', () => {
  it('reveals nothing about the caller: the same bytes with a valid token as without, and no cookie', async () => {
    const anonymous = await harness.api.fetch(STATUS_URL);
    const asAlice = await harness.api.fetch(STATUS_URL, { headers: { authorization: `Bearer ${alice.token}` } });
    const body = await asAlice.text();
    expect(body).toBe(await anonymous.text());
    expect(body).not.toContain(alice.id);
    expect(body).not.toContain(alice.email);
    expect(asAlice.headers.get('set-cookie')).toBeNull();
  });

  it('runs no GraphQL: a query in its query string is ignored', async () => {
    const response = await harness.api.fetch(`${STATUS_URL}?query=${encodeURIComponent('{ me { id email } }')}`, {
      headers: { [CSRF_HEADER]: '1' },
    });
    expect(await response.json()).toEqual({ graphiql: true });
  });

  it('refuses a POST to it with 401, and a mutation sent there writes nothing', async () => {
    const before = await harness.prisma.task.count({ where: { ownerId: alice.id } });
    const response = await harness.api.fetch(STATUS_URL, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'mutation { createTask(input: { title: "via status" }) { id } }' }),
    });
    await expectUnauthenticated(response);
    expect(await harness.prisma.task.count({ where: { ownerId: alice.id } })).toBe(before);
  });

  it('leaves look-alike paths to the default deny (no prefix, suffix or case games)', async () => {
    const lookAlikes = [
      `${STATUS_URL}/`,
      `${ORIGIN}/x${GRAPHIQL_STATUS_PATH}`,
      `${ORIGIN}${GRAPHIQL_STATUS_PATH.toUpperCase()}`,
      // Yoga would answer GraphQL here (any URL ending in /graphql): introspection must stay locked.
      `${STATUS_URL}/graphql?query=${encodeURIComponent('{ __schema { queryType { name } } }')}`,
    ];
    for (const url of lookAlikes) {
      await expectUnauthenticated(await harness.api.fetch(url, { headers: { accept: 'application/json', [CSRF_HEADER]: '1' } }));
    }
  });
});

describe('the web app\'s check (web/src/features/api-access/graphiql-status.ts)', () => {
  it('asks this route, beside the endpoint, also when the API is served under a path prefix', () => {
    expect(graphiqlStatusUrl(`${ORIGIN}/graphql`)).toBe(STATUS_URL);
    expect(graphiqlStatusUrl('https://example.com/api/graphql')).toBe(`https://example.com/api${GRAPHIQL_STATUS_PATH}`);
  });

  it('reads true and false from the real API, and fails rather than guess on any other answer', async () => {
    const routeTo = (api: Api) => vi.stubGlobal('fetch', (input: RequestInfo | URL, init?: RequestInit) => api.fetch(new Request(input, init)));
    routeTo(harness.api);
    expect(await fetchGraphiqlStatus(`${ORIGIN}/graphql`)).toBe(true);
    routeTo(graphiqlOff);
    expect(await fetchGraphiqlStatus(`${ORIGIN}/graphql`)).toBe(false);
    // An API without this route answers 401, which must not read as "GraphiQL off".
    await expect(fetchGraphiqlStatus(`${ORIGIN}/elsewhere/graphql`)).rejects.toThrow(/answered 401/);
  });
});
