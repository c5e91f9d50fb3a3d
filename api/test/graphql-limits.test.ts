// The GraphQL abuse limits (api/src/graphql-limits.ts) leave the web app room: every operation it ships
// is sent by the web app's own Apollo client (same links, same __typename additions, same headers) to
// the real API and must pass, using at most MARGIN of each limit. The boundary of each limit, and the
// attacks it stops, are in api/test/hostile/graphql-abuse.test.ts.
import { getIntrospectionQuery, type DocumentNode, type OperationDefinitionNode } from 'graphql';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { graphiqlUrl } from '../../web/src/features/api-access/graphiql.ts';
import * as webDocuments from '../../web/src/gql/graphql.ts';
import { createAccessTokenStore } from '../../web/src/lib/access-token.ts';
import { createApiClient, CSRF_HEADER as WEB_CSRF_HEADER } from '../../web/src/lib/apollo.ts';
import { CSRF_HEADER } from '../src/csrf-prevention.ts';
import { GRAPHQL_LIMITS, type Limit } from '../src/graphql-limits.ts';
import { createHarness, type TestUser } from './support/api-harness.ts';
import { measureOperation, type OperationMetrics } from './support/operation-metrics.ts';

/** The web app's operations may use at most this share of any limit. */
const MARGIN = 0.6;
const API_URL = 'http://taskgate.test/graphql';

const harness = createHarness();
let user: TestUser;

beforeAll(async () => {
  user = await harness.createUser('limits');
});
afterEach(() => vi.unstubAllGlobals());
afterAll(() => harness.close());

interface SentRequest {
  operationName: string;
  variables: Record<string, unknown>;
  headers: Headers;
  query: string;
  status: number;
  body: { errors?: unknown[] };
}

/** Routes the Apollo client's fetch calls to the in-process API and records each exchange. */
function routeFetchToApi(sent: SentRequest[]): void {
  vi.stubGlobal('fetch', async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    const { query, operationName, variables } = (await request.clone().json()) as Omit<SentRequest, 'headers' | 'status' | 'body'>;
    const response = await harness.api.fetch(request);
    // An event stream's errors arrive as events: the subscription's run checks those.
    const stream = response.headers.get('content-type')?.startsWith('text/event-stream');
    sent.push({ operationName, variables, headers: request.headers, query, status: response.status, body: stream ? {} : await response.clone().json() });
    return response;
  });
}

function webOperations(): Map<string, DocumentNode> {
  const operations = new Map<string, DocumentNode>();
  for (const value of Object.values(webDocuments)) {
    const document = value as DocumentNode;
    const operation = document?.definitions?.find((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition');
    if (operation?.name) operations.set(operation.name.value, document);
  }
  return operations;
}

function expectWithinMargin(label: string, metrics: OperationMetrics): void {
  for (const [limit, measured] of Object.entries(metrics) as [Limit, number][]) {
    expect(measured, `${label}: ${limit}`).toBeLessThanOrEqual(GRAPHQL_LIMITS[limit] * MARGIN);
  }
}

const table: string[] = [];
afterAll(() => {
  console.log(`limits ${JSON.stringify(GRAPHQL_LIMITS)}\n${table.join('\n')}`);
});

describe('the web app under the limits', () => {
  it('every operation in web/src/gql, sent by the web app\'s Apollo client, passes with margin and carries the CSRF header', async () => {
    const operations = webOperations();
    const client = createApiClient({
      apiUrl: API_URL,
      accessTokens: createAccessTokenStore(async () => user.token),
      onSessionEnded: () => {
        throw new Error('the API refused the token');
      },
    });
    const sent: SentRequest[] = [];
    routeFetchToApi(sent);

    let taskId = '';
    const events: unknown[] = [];
    let taskEvents: { unsubscribe(): void } | undefined;
    // One run per operation the web app ships, with variables as its components send them; a new
    // operation without a run here fails the test below.
    const runs: Record<string, () => Promise<unknown>> = {
      // First, and open until the end: the writes below are its events.
      TaskEvents: () =>
        new Promise<void>((opened) => {
          taskEvents = client
            .subscribe({ query: operations.get('TaskEvents')!, context: { onStreamOpen: () => opened() } })
            .subscribe((result) => events.push(result));
        }),
      TaskList: () => client.query({ query: operations.get('TaskList')!, variables: { first: 20, filter: { completed: false, search: 'plan' } } }),
      CreateTask: async () => {
        const result = await client.mutate({ mutation: operations.get('CreateTask')!, variables: { input: { title: 'Plan', description: 'Details' } } });
        taskId = (result.data as { createTask: { id: string } }).createTask.id;
      },
      UpdateTask: () => client.mutate({ mutation: operations.get('UpdateTask')!, variables: { id: taskId, input: { completed: true } } }),
      DeleteTask: () => client.mutate({ mutation: operations.get('DeleteTask')!, variables: { id: taskId } }),
    };
    expect(Object.keys(runs).sort()).toEqual([...operations.keys()].sort());

    for (const run of Object.values(runs)) await run();
    await vi.waitFor(() => expect(events).toHaveLength(3));
    taskEvents?.unsubscribe();
    expect(events.map((event) => (event as { data?: { taskEvents: { kind: string } } }).data?.taskEvents.kind)).toEqual(['CREATED', 'UPDATED', 'DELETED']);

    expect(sent.map((request) => request.operationName).sort()).toEqual([...operations.keys()].sort());
    for (const request of sent) {
      expect(request.status, request.operationName).toBe(200);
      expect(request.body.errors, request.operationName).toBeUndefined();
      expect(request.headers.has(CSRF_HEADER), `${request.operationName} sends ${CSRF_HEADER}`).toBe(true);
      const metrics = measureOperation(request.query, request.variables);
      table.push(`web ${request.operationName}: ${JSON.stringify(metrics)}`);
      expectWithinMargin(request.operationName, metrics);
    }
    expect(WEB_CSRF_HEADER).toBe(CSRF_HEADER);
  });

  it('the starter query the web app opens GraphiQL with passes with margin', async () => {
    const query = new URL(graphiqlUrl(API_URL, user.token)).searchParams.get('query')!;
    const response = await harness.graphql(query, { token: user.token });
    expect(response.status).toBe(200);
    expect(response.body.errors).toBeUndefined();
    const metrics = measureOperation(query);
    table.push(`GraphiQL starter query: ${JSON.stringify(metrics)}`);
    expectWithinMargin('GraphiQL starter query', metrics);
  });

  it('GraphiQL\'s schema introspection passes (depth and cost limits skip __schema)', async () => {
    const query = getIntrospectionQuery({ descriptions: true, specifiedByUrl: true, directiveIsRepeatable: true, inputValueDeprecation: true });
    const response = await harness.graphql(query, { token: user.token });
    expect(response.status).toBe(200);
    expect(response.body.errors).toBeUndefined();
    const metrics = measureOperation(query);
    table.push(`GraphiQL introspection: ${JSON.stringify(metrics)}`);
    expectWithinMargin('introspection', metrics);
  });
});
