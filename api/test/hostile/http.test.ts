// Hostile HTTP around the GraphQL endpoint: oversized bodies, batches, mutations over GET, cross-site
// requests a browser sends without a CORS preflight (CSRF), preflights from other origins, and the
// GraphiQL page when it is switched off. Every write attack is checked to have written nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CSRF_HEADER } from '../../src/csrf-prevention.ts';
import { MAX_REQUEST_BODY_BYTES } from '../../src/graphql-limits.ts';
import { createApi, type Api } from '../../src/yoga.ts';
import { createHarness, type TestUser } from '../support/api-harness.ts';
import { expectRefused, expectUnauthenticated } from '../support/refusals.ts';
import { testJwtSettings } from '../support/tokens.ts';

const harness = createHarness();
let alice: TestUser;
const ENDPOINT = 'http://taskgate.test/graphql';
const WEB_ORIGIN = 'http://localhost:3000'; // the default WEB_ORIGIN, which the harness's API uses
const CREATE = 'mutation { createTask(input: { title: "forged" }) { id } }';

beforeAll(async () => {
  alice = await harness.createUser('alice');
});
afterAll(() => harness.close());

const aliceTaskCount = () => harness.prisma.task.count({ where: { ownerId: alice.id } });
const authorized = () => ({ authorization: `Bearer ${alice.token}`, accept: 'application/graphql-response+json' });

/** Runs `attack` and checks that alice's tasks are exactly as many afterwards. */
async function expectNothingWritten(attack: () => Promise<void>) {
  const before = await aliceTaskCount();
  await attack();
  expect(await aliceTaskCount()).toBe(before);
}

describe('request bodies', () => {
  const paddedTo = (bytes: number) => {
    const json = JSON.stringify({ query: '{ me { id } }' });
    return `${json.slice(0, -1)}${' '.repeat(bytes - json.length)}}`;
  };

  it(`reads a body of exactly ${MAX_REQUEST_BODY_BYTES} bytes (control)`, async () => {
    const body = paddedTo(MAX_REQUEST_BODY_BYTES);
    const response = await harness.api.fetch(ENDPOINT, { method: 'POST', headers: { ...authorized(), 'content-type': 'application/json' }, body });
    expect(response.status).toBe(200);
  });

  it('refuses a body one byte over the limit with 413 REQUEST_ENTITY_TOO_LARGE, and writes nothing', async () => {
    await expectNothingWritten(async () => {
      const body = JSON.stringify({ query: CREATE, variables: { padding: 'x'.repeat(MAX_REQUEST_BODY_BYTES) } }).slice(0, MAX_REQUEST_BODY_BYTES + 1);
      const response = await harness.api.fetch(ENDPOINT, { method: 'POST', headers: { ...authorized(), 'content-type': 'application/json' }, body });
      expect(await expectRefused(response, 413, 'REQUEST_ENTITY_TOO_LARGE')).toMatch(/too large/i);
    });
  });

  it('refuses an oversized body sent in chunks without Content-Length, and writes nothing', async () => {
    await expectNothingWritten(async () => {
      const chunk = new TextEncoder().encode(' '.repeat(16 * 1024));
      let sent = 0;
      const stream = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (sent === 0) controller.enqueue(new TextEncoder().encode(JSON.stringify({ query: CREATE }).slice(0, -1)));
          if (sent > MAX_REQUEST_BODY_BYTES * 2) return controller.close();
          controller.enqueue(chunk);
          sent += chunk.length;
        },
      });
      const request = new Request(ENDPOINT, { method: 'POST', headers: { ...authorized(), 'content-type': 'application/json' }, body: stream, duplex: 'half' } as RequestInit);
      expect(request.headers.get('content-length')).toBeNull();
      await expectRefused(await harness.api.fetch(request), 413, 'REQUEST_ENTITY_TOO_LARGE');
    });
  });

  it('refuses a batch (an array of operations) with 400 BAD_REQUEST, and writes nothing', async () => {
    await expectNothingWritten(async () => {
      const response = await harness.api.fetch(ENDPOINT, {
        method: 'POST',
        headers: { ...authorized(), 'content-type': 'application/json' },
        body: JSON.stringify([{ query: CREATE }, { query: CREATE }]),
      });
      expect(await expectRefused(response, 400, 'BAD_REQUEST')).toMatch(/batching/i);
    });
  });
});

describe('mutations over GET', () => {
  it('refuses a mutation in a GET query string with 405 and Allow: POST, and writes nothing', async () => {
    await expectNothingWritten(async () => {
      const response = await harness.api.fetch(`${ENDPOINT}?query=${encodeURIComponent(CREATE)}`, { headers: { ...authorized(), [CSRF_HEADER]: '1' } });
      expect(response.headers.get('allow')).toBe('POST');
      await expectRefused(response, 405, 'BAD_REQUEST');
    });
  });

  it('runs a query over GET that carries the CSRF header (control)', async () => {
    const response = await harness.api.fetch(`${ENDPOINT}?query=${encodeURIComponent('{ me { email } }')}`, { headers: { ...authorized(), [CSRF_HEADER]: '1' } });
    expect(response.status).toBe(200);
  });
});

describe('cross-site requests without a preflight (CSRF)', () => {
  // A page on another origin can send these without asking (no CORS preflight). A browser would not
  // even attach the Authorization header to them; the token here makes the attack as strong as it gets.
  const simple = (contentType: string, body: BodyInit) =>
    harness.api.fetch(ENDPOINT, {
      method: 'POST',
      headers: { ...authorized(), origin: 'https://evil.example', 'content-type': contentType },
      body,
    });

  it('refuses a text/plain POST of a mutation with 403 CSRF_HEADER_REQUIRED, and writes nothing', async () => {
    await expectNothingWritten(async () => {
      await expectRefused(await simple('text/plain', JSON.stringify({ query: CREATE })), 403, 'CSRF_HEADER_REQUIRED');
    });
  });

  it('refuses an HTML-form (x-www-form-urlencoded) POST of a mutation with 403, and writes nothing', async () => {
    await expectNothingWritten(async () => {
      await expectRefused(await simple('application/x-www-form-urlencoded', new URLSearchParams({ query: CREATE })), 403, 'CSRF_HEADER_REQUIRED');
    });
  });

  it('refuses a multipart/form-data POST of a mutation with 403, and writes nothing', async () => {
    await expectNothingWritten(async () => {
      const form = new FormData();
      form.set('operations', JSON.stringify({ query: CREATE }));
      form.set('map', '{}');
      const response = await harness.api.fetch(ENDPOINT, { method: 'POST', headers: { ...authorized(), origin: 'https://evil.example' }, body: form });
      await expectRefused(response, 403, 'CSRF_HEADER_REQUIRED');
    });
  });

  it('refuses a GET query without the CSRF header with 403', async () => {
    const response = await harness.api.fetch(`${ENDPOINT}?query=${encodeURIComponent('{ me { email } }')}`, { headers: { ...authorized(), origin: 'https://evil.example' } });
    await expectRefused(response, 403, 'CSRF_HEADER_REQUIRED');
  });

  it('with the header, the same form POST does execute (control: the 403 above came from the missing header)', async () => {
    const before = await aliceTaskCount();
    const response = await harness.api.fetch(ENDPOINT, {
      method: 'POST',
      headers: { ...authorized(), 'content-type': 'application/x-www-form-urlencoded', [CSRF_HEADER]: '1' },
      body: new URLSearchParams({ query: CREATE }),
    });
    expect(response.status).toBe(200);
    expect(await aliceTaskCount()).toBe(before + 1);
  });

  it('a JSON POST needs no CSRF header: browsers preflight it (control)', async () => {
    const response = await harness.api.fetch(ENDPOINT, {
      method: 'POST',
      headers: { ...authorized(), 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ me { email } }' }),
    });
    expect(response.status).toBe(200);
  });
});

describe('CORS: only WEB_ORIGIN', () => {
  const preflight = (api: Api, origin: string) =>
    api.fetch(ENDPOINT, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': `authorization, content-type, ${CSRF_HEADER}` },
    });

  it('answers a preflight from WEB_ORIGIN with that origin and exactly the headers the web app sends', async () => {
    const response = await preflight(harness.api, WEB_ORIGIN);
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe(WEB_ORIGIN);
    expect(response.headers.get('access-control-allow-headers')?.split(/,\s*/).sort()).toEqual(['authorization', 'content-type', CSRF_HEADER].sort());
    expect(response.headers.get('access-control-allow-methods')).toBe('GET, POST');
    // The SPA sends a bearer token, never cookies: credentialed requests are not allowed.
    expect(response.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it('does not allow a preflight from another origin', async () => {
    for (const origin of ['https://evil.example', 'http://localhost:3001', 'http://127.0.0.1:3000', 'null']) {
      const response = await preflight(harness.api, origin);
      expect(response.headers.get('access-control-allow-origin'), origin).not.toBe(origin);
      expect(response.headers.get('access-control-allow-origin'), origin).not.toBe('*');
      expect(response.headers.get('access-control-allow-credentials'), origin).toBeNull();
    }
  });

  it('follows the WEB_ORIGIN it is given', async () => {
    const api = createApi({ prisma: harness.prisma, jwt: testJwtSettings, graphiql: false, logging: false, webOrigin: 'https://tasks.example.com' });
    expect((await preflight(api, 'https://tasks.example.com')).headers.get('access-control-allow-origin')).toBe('https://tasks.example.com');
    expect((await preflight(api, WEB_ORIGIN)).headers.get('access-control-allow-origin')).not.toBe(WEB_ORIGIN);
  });

  it('lets the web app read a 401 (its refresh-and-retry needs it)', async () => {
    const response = await harness.api.fetch(ENDPOINT, {
      method: 'POST',
      headers: { origin: WEB_ORIGIN, 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ me { id } }' }),
    });
    expect(response.headers.get('access-control-allow-origin')).toBe(WEB_ORIGIN);
    await expectUnauthenticated(response);
  });
});

describe('the GraphiQL page', () => {
  const page = (api: Api, headers: Record<string, string> = {}) => api.fetch(ENDPOINT, { headers: { accept: 'text/html', ...headers } });

  it('serves the GraphiQL page itself to a browser without a token, and runs nothing for it', async () => {
    const response = await harness.api.fetch(`${ENDPOINT}?query=${encodeURIComponent('{ me { id email } }')}`, {
      headers: { accept: 'text/html' },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/text\/html/);
    const html = await response.text();
    expect(html).toContain('Taskgate API');
    expect(html).not.toContain(alice.email);
  });

  it('is self-contained (no CDN) and reads headers only from the URL fragment', async () => {
    const html = await (await page(harness.api)).text();
    expect(html).not.toMatch(/<script[^>]+src=["']https?:/);
    expect(html).toContain('window.taskgateRenderGraphiQL(');
    expect(html).toContain('window.location.hash');
  });

  it('sends the CSRF header with every request it makes', async () => {
    const html = await (await page(harness.api)).text();
    expect(html).toContain(`"additionalHeaders":{"${CSRF_HEADER}":"graphiql"}`);
  });

  it('when switched off (GRAPHIQL=false), GET with Accept: text/html serves no page, with or without a token', async () => {
    const api = createApi({ prisma: harness.prisma, jwt: testJwtSettings, graphiql: false, logging: false });
    await expectUnauthenticated(await page(api));
    const withToken = await page(api, { authorization: `Bearer ${alice.token}`, [CSRF_HEADER]: '1' });
    // Not Acceptable: the API answers GraphQL media types only, and there is no page to answer with.
    expect(withToken.status).toBe(406);
    expect(withToken.headers.get('content-type') ?? '').not.toMatch(/text\/html/);
    expect(await withToken.text()).not.toMatch(/<html|GraphiQL/i);
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
