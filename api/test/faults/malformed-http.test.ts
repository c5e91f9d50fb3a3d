// Requests a real client should never send, sent over real HTTP with a valid token (the token check
// comes first): each gets a 4xx with a message that says what is wrong — never a 500, never a stack.
import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_REQUEST_BODY_BYTES } from '../../src/graphql-limits.ts';
import { APOLLO_ACCEPT, readResponse, type GraphQLHttpResponse } from '../load/graphql-client.ts';
import { listen, type ListeningApi } from '../load/listening-api.ts';
import { createHarness, type TestUser } from '../support/api-harness.ts';
import { STACK_TRACE } from './support/leaks.ts';

const harness = createHarness();
let server: ListeningApi;
let user: TestUser;


async function send(body: string | Uint8Array, headers: Record<string, string> = { 'content-type': 'application/json' }, method = 'POST'): Promise<GraphQLHttpResponse> {
  const response = await fetch(server.endpoint, {
    method,
    headers: { accept: APOLLO_ACCEPT, authorization: `Bearer ${user.token}`, ...headers },
    body: typeof body === 'string' ? body : new Uint8Array(body),
  });
  return readResponse(response);
}

const json = (value: unknown) => JSON.stringify(value);

function expectClearClientError(response: GraphQLHttpResponse, status: number, code: string, message: RegExp) {
  expect(response.status, response.text).toBe(status);
  expect(response.body?.errors?.[0]?.extensions?.code, response.text).toBe(code);
  expect(response.body?.errors?.[0]?.message, response.text).toMatch(message);
  expect(response.text).not.toMatch(STACK_TRACE);
}

async function countTasks() {
  return harness.prisma.task.count({ where: { ownerId: user.id } });
}

beforeAll(async () => {
  server = await listen(harness.api);
  user = await harness.createUser('malformed');
});
afterAll(async () => {
  await server.close();
  await harness.close();
});

describe('body', () => {
  it('refuses JSON that does not parse', async () => {
    expectClearClientError(await send('{"query": "{ me { id } }"'), 400, 'BAD_REQUEST', /invalid JSON/);
  });

  it('refuses an empty body', async () => {
    expectClearClientError(await send(''), 400, 'BAD_REQUEST', /invalid JSON/);
  });

  it('refuses JSON that is not an object', async () => {
    expectClearClientError(await send('"{ me { id } }"'), 400, 'BAD_REQUEST', /expected to be object/);
    expectClearClientError(await send('null'), 400, 'BAD_REQUEST', /expected to be object/);
  });

  it('refuses an array (batching is off)', async () => {
    expectClearClientError(await send(json([{ query: '{ me { id } }' }])), 400, 'BAD_REQUEST', /Batching is not supported/);
  });

  it('refuses invalid UTF-8 in a variable, and stores nothing', async () => {
    const before = await countTasks();
    const body = Buffer.concat([
      Buffer.from('{"query": "mutation($input: CreateTaskInput!) { createTask(input: $input) { id } }", "variables": {"input": {"title": "bad '),
      Buffer.from([0xff, 0xfe, 0xc3]),
      Buffer.from('"}}}'),
    ]);
    expectClearClientError(await send(body), 400, 'BAD_REQUEST', /not valid UTF-8/);
    expect(await countTasks()).toBe(before);
  });

  it('refuses invalid UTF-8 in the query text', async () => {
    const body = Buffer.concat([Buffer.from('{"query": "{ me { id '), Buffer.from([0xc0, 0xaf]), Buffer.from(' } }"}')]);
    expectClearClientError(await send(body), 400, 'BAD_REQUEST', /not valid UTF-8/);
  });

  it('refuses a body over the size limit (413), announced by Content-Length', async () => {
    const body = json({ query: '{ me { id } }', variables: { padding: 'x'.repeat(MAX_REQUEST_BODY_BYTES) } });
    expectClearClientError(await send(body), 413, 'REQUEST_ENTITY_TOO_LARGE', /too large/);
  });

  it('refuses a body over the size limit (413) sent chunked, without Content-Length', async () => {
    const padding = Array.from({ length: Math.ceil(MAX_REQUEST_BODY_BYTES / 16_384) + 1 }, () => 'x'.repeat(16_384));
    const response = await sendChunked(['{"query": "{ me { id } }", "variables": {"padding": "', ...padding, '"}}']);
    expectClearClientError(response, 413, 'REQUEST_ENTITY_TOO_LARGE', /too large/);
  });

  it('answers a body under the limit sent chunked, without Content-Length', async () => {
    const response = await sendChunked(['{"query": "{ me', ' { email } }", "variables": {"padding": "', 'x'.repeat(16_384), '"}}']);
    expect(response.status, response.text).toBe(200);
    expect(response.body).toEqual({ data: { me: { email: user.email } } });
  });
});

/** POSTs a body in chunks (Transfer-Encoding: chunked, no Content-Length), on a connection of its own. */
function sendChunked(chunks: string[]): Promise<GraphQLHttpResponse> {
  return new Promise<GraphQLHttpResponse>((resolve, reject) => {
    const request = httpRequest(server.endpoint, {
      method: 'POST',
      agent: false,
      headers: { 'content-type': 'application/json', accept: APOLLO_ACCEPT, authorization: `Bearer ${user.token}`, 'transfer-encoding': 'chunked' },
    });
    request.once('response', async (answer) => {
      let text = '';
      for await (const chunk of answer) text += chunk;
      resolve({ status: answer.statusCode!, headers: new Headers(), text, body: JSON.parse(text) });
    });
    request.once('error', reject);
    for (const chunk of chunks.slice(0, -1)) request.write(chunk);
    request.end(chunks.at(-1));
  });
}

describe('content type and method', () => {
  it('refuses an unsupported content type with 415 and says what to send', async () => {
    const response = await send(json({ query: '{ me { id } }' }), { 'content-type': 'application/xml' });
    expectClearClientError(response, 415, 'UNSUPPORTED_MEDIA_TYPE', /Unsupported Content-Type "application\/xml".*application\/json/);
  });

  it('refuses text/plain (a cross-site form could send it) with a 4xx and a message', async () => {
    const response = await send(json({ query: '{ me { id } }' }), { 'content-type': 'text/plain' });
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    expect(response.body?.errors?.[0]?.message).toBeTruthy();
  });

  it('refuses a body with no content type with a 4xx and a message', async () => {
    const response = await send(json({ query: '{ me { id } }' }), {});
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    expect(response.body?.errors?.[0]?.message).toBeTruthy();
  });

  it('refuses PUT with 405', async () => {
    expectClearClientError(await send(json({ query: '{ me { id } }' }), { 'content-type': 'application/json' }, 'PUT'), 405, 'BAD_REQUEST', /only supports GET and POST/);
  });
});

describe('GraphQL parameters', () => {
  it('refuses a missing query', async () => {
    expectClearClientError(await send(json({ variables: {} })), 400, 'BAD_REQUEST', /Must provide query string/);
  });

  it('refuses a query that is not a string', async () => {
    expectClearClientError(await send(json({ query: 42 })), 400, 'BAD_REQUEST', /"query" param to be a string/);
  });

  it('refuses an unknown operation name', async () => {
    expectClearClientError(await send(json({ query: 'query Mine { me { id } }', operationName: 'Theirs' })), 400, 'OPERATION_RESOLUTION_FAILURE', /Could not determine what operation to execute/);
  });

  it('refuses variables of the wrong type, and writes nothing', async () => {
    const before = await countTasks();
    expectClearClientError(
      await send(json({ query: 'query($first: Int) { tasks(first: $first) { edges { node { id } } } }', variables: { first: 'ten' } })),
      400,
      'BAD_USER_INPUT',
      /Variable "\$first" got invalid value "ten"/,
    );
    expectClearClientError(
      await send(json({ query: 'mutation($input: CreateTaskInput!) { createTask(input: $input) { id } }', variables: { input: { title: 7 } } })),
      400,
      'BAD_USER_INPUT',
      /Variable "\$input" got invalid value 7 at "input.title"/,
    );
    expect(await countTasks()).toBe(before);
  });

  it('refuses variables that are not an object', async () => {
    expectClearClientError(await send(json({ query: '{ me { id } }', variables: 'first=10' })), 400, 'BAD_REQUEST', /"variables" param to be empty or an object/);
  });

  it('refuses a syntax error', async () => {
    expectClearClientError(await send(json({ query: '{ me { id ' })), 400, 'GRAPHQL_PARSE_FAILED', /Syntax Error/);
  });

  it('refuses an unknown field without suggesting real ones', async () => {
    const response = await send(json({ query: '{ taks { id } }' }));
    expectClearClientError(response, 400, 'GRAPHQL_VALIDATION_FAILED', /Cannot query field "taks" on type "Query"/);
    expect(response.text).not.toContain('Did you mean');
  });
});

it('with a legacy Accept: application/json, none of these is a 5xx', async () => {
  const bodies = ['{"query": ', '', 'null', json({ variables: {} }), json({ query: '{ me { id ' }), json({ query: 'query A { me { id } }', operationName: 'B' })];
  for (const body of bodies) {
    const response = await fetch(server.endpoint, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json', authorization: `Bearer ${user.token}` }, body });
    expect(response.status, body).toBeLessThan(500);
    expect(await response.text()).not.toMatch(STACK_TRACE);
  }
});

it('keeps answering well-formed requests after all of the above', async () => {
  const response = await send(json({ query: '{ me { id } }', variables: { unused: randomUUID() } }));
  expect(response.status).toBe(200);
  expect(response.body?.data?.me?.id).toBeTruthy();
});
