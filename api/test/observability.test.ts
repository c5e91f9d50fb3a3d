// Structured logs: one JSON line per GraphQL request (request id, user id, operation, duration,
// outcome), the request id echoed to the caller, stacks only in the server log, and never a token or
// the signing secret in any line. Logs are captured from a pino destination; the database is real.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DestinationStream } from 'pino';
import { loadConfig } from '../src/config.ts';
import { createPrismaClient } from '../src/db.ts';
import { createLogger, type LogLevel } from '../src/observability/logger.ts';
import { MaskedErrorLog } from '../src/observability/masked-error-log.ts';
import { createApi, type Api } from '../src/yoga.ts';
import { createHarness, type TestUser } from './support/api-harness.ts';
import { mintToken, TEST_SECRET, testJwtSettings, withTamperedPayload } from './support/tokens.ts';

interface LogLine {
  level: number;
  msg: string;
  requestId?: string;
  userId?: string;
  operationName?: string;
  operationType?: string;
  status?: number;
  outcome?: string;
  errorCodes?: string[];
  durationMs?: number;
  err?: { message: string; stack: string };
  [field: string]: unknown;
}

/** An API whose logger writes into an array of raw lines. */
function apiWithCapturedLogs(level: LogLevel, prisma = harness.prisma) {
  const raw: string[] = [];
  const destination: DestinationStream = { write: (line: string) => void raw.push(line) };
  const api = createApi({ prisma, jwt: testJwtSettings, graphiql: false, logger: createLogger({ level, destination }) });
  return { api, raw, lines: () => raw.map((line) => JSON.parse(line) as LogLine) };
}

function post(api: Api, body: unknown, headers: Record<string, string> = {}) {
  return api.fetch('http://taskgate.test/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...headers },
    body: JSON.stringify(body),
  });
}

const harness = createHarness();
let alice: TestUser;
let bob: TestUser;

beforeAll(async () => {
  alice = await harness.createUser('alice');
  bob = await harness.createUser('bob');
});
afterAll(() => harness.close());

const requestLines = (lines: LogLine[]) => lines.filter((line) => line.msg === 'request completed');

describe('the request line', () => {
  it('has request id, user id, operation name and type, status, outcome and duration', async () => {
    const { api, lines } = apiWithCapturedLogs('info');
    const response = await post(api, { query: 'query MyProfile { me { id } }' }, { authorization: `Bearer ${alice.token}` });
    expect(response.status).toBe(200);

    const [line, ...others] = requestLines(lines());
    expect(others).toEqual([]);
    expect(line).toMatchObject({
      level: 30,
      requestId: response.headers.get('x-request-id'),
      method: 'POST',
      path: '/graphql',
      userId: alice.id,
      operationName: 'MyProfile',
      operationType: 'query',
      status: 200,
      outcome: 'ok',
    });
    expect(line!.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(line!.errorCodes).toBeUndefined();
    expect(line!.durationMs).toBeGreaterThan(0);
  });

  it('names the operation the request asked for, even when the document fails validation', async () => {
    const { api, lines } = apiWithCapturedLogs('info');
    await post(api, { query: 'query A { me { id } } query B { me { email } }', operationName: 'B' }, { authorization: `Bearer ${alice.token}` });
    const invalid = await post(api, { query: 'query Broken { me { noSuchField } }', operationName: 'Broken' }, { authorization: `Bearer ${alice.token}` });
    expect(invalid.status).toBe(400);
    expect(requestLines(lines())).toMatchObject([
      { operationName: 'B', outcome: 'ok' },
      { operationName: 'Broken', status: 400, outcome: 'error', errorCodes: ['GRAPHQL_VALIDATION_FAILED'] },
    ]);
  });

  it('records the error codes of a response with errors as its outcome', async () => {
    const { api, lines } = apiWithCapturedLogs('info');
    const bobGlobalId = Buffer.from(`User:${bob.id}`).toString('base64');
    const response = await post(api, { query: 'query($id: ID!) { user(id: $id) { email } }', variables: { id: bobGlobalId } }, { authorization: `Bearer ${alice.token}` });
    expect(response.status).toBe(200);
    expect(requestLines(lines())[0]).toMatchObject({ userId: alice.id, status: 200, outcome: 'error', errorCodes: ['FORBIDDEN'] });
  });

  it('records a refused token as 401 UNAUTHENTICATED with no user id', async () => {
    const { api, lines } = apiWithCapturedLogs('info');
    const response = await post(api, { query: '{ me { id } }' }, { authorization: 'Bearer not-a-jwt' });
    expect(response.status).toBe(401);
    const [line] = requestLines(lines());
    expect(line).toMatchObject({ status: 401, outcome: 'error', errorCodes: ['UNAUTHENTICATED'], requestId: response.headers.get('x-request-id') });
    expect(line).not.toHaveProperty('userId');
  });

  it('logs health checks at debug level only', async () => {
    const { api, lines } = apiWithCapturedLogs('info');
    expect((await api.fetch('http://taskgate.test/healthz')).status).toBe(200);
    expect(lines()).toEqual([]);
  });

  it('writes nothing at LOG_LEVEL=silent', async () => {
    const { api, raw } = apiWithCapturedLogs('silent');
    await post(api, { query: '{ me { id } }' }, { authorization: `Bearer ${alice.token}` });
    await post(api, { query: '{ me { id } }' }, { authorization: 'Bearer not-a-jwt' });
    expect(raw).toEqual([]);
  });
});

describe('request id', () => {
  it('echoes a valid incoming x-request-id and logs it', async () => {
    const { api, lines } = apiWithCapturedLogs('info');
    const response = await post(api, { query: '{ me { id } }' }, { authorization: `Bearer ${alice.token}`, 'x-request-id': 'edge-7f3a:42' });
    expect(response.headers.get('x-request-id')).toBe('edge-7f3a:42');
    expect(requestLines(lines())[0]!.requestId).toBe('edge-7f3a:42');
  });

  it.each([
    ['with spaces', 'two words'],
    ['too long', 'a'.repeat(129)],
    ['with quotes', 'id"},"userId":"forged'],
  ])('replaces an incoming id %s with a fresh one', async (_case, incoming) => {
    const { api, lines } = apiWithCapturedLogs('info');
    const response = await post(api, { query: '{ me { id } }' }, { authorization: `Bearer ${alice.token}`, 'x-request-id': incoming });
    const echoed = response.headers.get('x-request-id');
    expect(echoed).toMatch(/^[0-9a-f-]{36}$/);
    expect(requestLines(lines())[0]).toMatchObject({ requestId: echoed, userId: alice.id });
  });

  it('is echoed on responses that end before GraphQL (401, health check)', async () => {
    const { api } = apiWithCapturedLogs('silent');
    const refused = await post(api, { query: '{ me { id } }' }, { 'x-request-id': 'r-401' });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('x-request-id')).toBe('r-401');
    const health = await api.fetch('http://taskgate.test/healthz', { headers: { 'x-request-id': 'r-health' } });
    expect(health.headers.get('x-request-id')).toBe('r-health');
  });
});

describe('unexpected errors', () => {
  // A client for a database nobody listens on: every query fails inside Prisma, a real failure.
  const unreachable = createPrismaClient({ url: 'postgresql://taskgate:db-password-never-logged@127.0.0.1:1/taskgate', poolSize: 1 });
  afterAll(() => unreachable.$disconnect());

  it('logs the stack, tagged with the request id, while the response carries neither stack nor cause', async () => {
    const { api, lines, raw } = apiWithCapturedLogs('info', unreachable);
    const response = await post(api, { query: 'query MyProfile { me { id } }' }, { authorization: `Bearer ${alice.token}` });
    const requestId = response.headers.get('x-request-id');
    expect(response.status).toBeGreaterThanOrEqual(500);
    const body = await response.text();
    expect(body).not.toMatch(/stack|ECONNREFUSED|\.ts:\d+|at \w+ \(/);

    const errorLine = lines().find((line) => line.err !== undefined);
    expect(errorLine).toMatchObject({ level: 50, requestId });
    expect(errorLine!.err!.stack).toMatch(/\n\s+at /);
    const requestLine = requestLines(lines())[0];
    expect(requestLine).toMatchObject({ requestId, userId: alice.id, operationName: 'MyProfile', outcome: 'error', level: 50 });
    // Each line holds its own fields only: the error logged earlier in the request does not leak into it.
    expect(requestLine).not.toHaveProperty('err');
    expect(raw.join('')).not.toContain('db-password-never-logged');
  });

  it('writes each masked error once, with its own request id, when failing requests overlap', async () => {
    const { api, lines } = apiWithCapturedLogs('info', unreachable);
    const ids = ['overlap-1', 'overlap-2', 'overlap-3'];
    await Promise.all(
      ids.map(async (id) => {
        const response = await post(api, { query: 'query MyProfile { me { id } }' }, { authorization: `Bearer ${alice.token}`, 'x-request-id': id });
        return response.text();
      }),
    );
    const errorLines = lines().filter((line) => line.err !== undefined);
    expect(errorLines.map((line) => line.requestId).sort()).toEqual(ids);
    for (const line of errorLines) expect(line).toMatchObject({ level: 50, err: { stack: expect.stringMatching(/\n\s+at /) } });
  });
});

describe('the masked-error log', () => {
  it('writes an original nobody claimed on the next turn, without a request id, so none is lost', async () => {
    const raw: string[] = [];
    const log = new MaskedErrorLog(createLogger({ level: 'info', destination: { write: (line: string) => void raw.push(line) } }));
    const original = new Error('stream event failed');
    const masked = log.masking(() => new Error('Unexpected error.'))(original, 'Unexpected error.');
    expect(log.holds(original)).toBe(true);
    expect(raw).toEqual([]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(raw.map((line) => JSON.parse(line) as LogLine)).toEqual([expect.objectContaining({ level: 50, msg: 'stream event failed', err: expect.objectContaining({ message: 'stream event failed' }) })]);
    expect(JSON.parse(raw[0]!)).not.toHaveProperty('requestId');
    // Claimed later, it is not written twice.
    log.writeFor([masked], 'late');
    expect(raw).toHaveLength(1);
  });
});

describe('secrets', () => {
  it('never writes a token, the JWT secret or "Bearer " to the log, whatever the request', async () => {
    const { api, raw } = apiWithCapturedLogs('trace');
    const expired = await mintToken(alice.id, { claims: { iat: Math.floor(Date.now() / 1000) - 3600, exp: Math.floor(Date.now() / 1000) - 60 } });
    const tampered = withTamperedPayload(alice.token, { sub: bob.id });
    const tokens = [alice.token, expired, tampered];
    const query = 'query Page($first: Int) { tasks(first: $first) { edges { node { id title } } } }';

    for (const token of tokens) {
      await post(api, { query }, { authorization: `Bearer ${token}` });
      await post(api, { query }, { authorization: token });
    }
    // A failing query, a malformed one, and a token sent where the API echoes input back in its error.
    await post(api, { query: '{ tasks(first: 1000) { edges { node { id } } } }' }, { authorization: `Bearer ${alice.token}` });
    await post(api, { query: '{ me { id ' }, { authorization: `Bearer ${alice.token}` });
    await post(api, { query, variables: { first: alice.token } }, { authorization: `Bearer ${alice.token}` });
    const mutation = 'mutation($title: String!) { createTask(input: { title: $title }) { id } }';
    await post(api, { query: mutation, variables: { title: expired } }, { authorization: `Bearer ${tampered}` });

    const log = raw.join('');
    expect(raw.length).toBeGreaterThan(10);
    for (const token of tokens) {
      expect(log).not.toContain(token);
      // Not even the signature alone.
      expect(log).not.toContain(token.split('.')[2]);
    }
    expect(log).not.toContain(TEST_SECRET);
    expect(log).not.toContain('Bearer ');
  });

  it('redacts an authorization header should one ever be logged', () => {
    const raw: string[] = [];
    const logger = createLogger({ level: 'info', destination: { write: (line: string) => void raw.push(line) } });
    logger.info({ headers: { authorization: `Bearer ${alice.token}` } }, 'oops');
    logger.info({ req: { headers: { authorization: `Bearer ${alice.token}` } } }, 'oops');
    logger.info({ authorization: `Bearer ${alice.token}`, token: alice.token }, 'oops');
    expect(raw.join('')).not.toContain(alice.token);
    expect(raw.join('').match(/\[redacted\]/g)).toHaveLength(4);
  });
});

describe('LOG_LEVEL', () => {
  const valid = { JWT_SECRET: 'a-real-random-secret-of-more-than-32-bytes-0123456789' };
  it('defaults to info and accepts pino levels and silent', () => {
    expect(loadConfig(valid).logLevel).toBe('info');
    expect(loadConfig({ ...valid, LOG_LEVEL: 'DEBUG' }).logLevel).toBe('debug');
    expect(loadConfig({ ...valid, LOG_LEVEL: 'silent' }).logLevel).toBe('silent');
  });
  it('refuses an unknown level, naming the variable', () => {
    expect(() => loadConfig({ ...valid, LOG_LEVEL: 'loud' })).toThrow(/LOG_LEVEL: must be one of fatal, error, warn, info, debug, trace, silent, got "loud"/);
  });
});

