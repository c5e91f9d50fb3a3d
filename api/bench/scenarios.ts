// What the benchmark sends. Each scenario names the server it targets and builds the request
// sequence of one connection; a connection keeps one user's token for its whole life.
import type { Request as LoadRequest } from 'autocannon';
import type { BenchUser } from './seed.ts';

/** lb1 / lb2: HAProxy (deploy/haproxy/haproxy.cfg) in front of 1 / 2 API processes; baseline: BENCH_BASELINE's API. */
export type ServerName = 'ceiling' | 'api' | 'bypass' | 'apiRls' | 'lb1' | 'lb2' | 'baseline';

export interface Scenario {
  key: 'hello' | 'me' | 'meBypass' | 'tasks' | 'tasksRls' | 'writes' | 'tasksLb1' | 'tasksLb2' | 'tasksBaseline' | 'meBaseline';
  title: string;
  server: ServerName;
  /** What one connection sends, in a loop; `connection` numbers connections from 0. */
  requestsFor(connection: number): LoadRequest[];
}

export const QUERIES = {
  hello: 'query Hello { hello }',
  me: 'query Me { me { id email } }',
  tasks: 'query TasksPage($first: Int) { tasks(first: $first) { edges { node { id title completed owner { email } } } } }',
  createTask: 'mutation CreateTask($input: CreateTaskInput!) { createTask(input: $input) { id } }',
  updateTask: 'mutation UpdateTask($id: ID!, $input: UpdateTaskInput!) { updateTask(id: $id, input: $input) { id completed } }',
} as const;

/** What the write loop keeps between its two requests (autocannon resets it every loop). */
interface WriteContext {
  taskId?: string;
}

/** Counted by the write scenario's response hooks: a request can fail inside a 200. */
export const writeFailures = { graphqlErrors: 0 };

function post(body: unknown, token?: string): LoadRequest {
  return {
    method: 'POST',
    path: '/graphql',
    headers: {
      'content-type': 'application/json',
      // What Apollo Client sends.
      accept: 'application/graphql-response+json, application/json;q=0.9',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify(body),
  };
}

export interface ScenarioOptions {
  /** The tasks page through HAProxy with 1 and 2 API processes (HAProxy installed). */
  loadBalanced: boolean;
  /** `me` and the tasks page on BENCH_BASELINE's API, beside today's. */
  baseline?: string;
}

export function scenarios(users: BenchUser[], options: ScenarioOptions): Scenario[] {
  const { loadBalanced, baseline } = options;
  const userFor = (connection: number) => users[connection % users.length]!;
  const tasksPage = (connection: number) => [post({ query: QUERIES.tasks, operationName: 'TasksPage', variables: { first: 20 } }, userFor(connection).token)];
  return [
    {
      key: 'hello',
      title: 'bare Yoga `hello` (ceiling)',
      server: 'ceiling',
      requestsFor: () => [post({ query: QUERIES.hello, operationName: 'Hello' })],
    },
    {
      key: 'me',
      title: '`me` (token verified)',
      server: 'api',
      requestsFor: (connection) => [post({ query: QUERIES.me, operationName: 'Me' }, userFor(connection).token)],
    },
    {
      key: 'meBypass',
      title: '`me` (verification bypassed)',
      server: 'bypass',
      requestsFor: (connection) => [post({ query: QUERIES.me, operationName: 'Me' }, userFor(connection).token)],
    },
    {
      key: 'tasks',
      title: '`tasks(first: 20)` with owners',
      server: 'api',
      requestsFor: tasksPage,
    },
    {
      key: 'tasksRls',
      title: '`tasks(first: 20)` with owners, `DATABASE_RLS=on`',
      server: 'apiRls',
      requestsFor: tasksPage,
    },
    {
      key: 'writes',
      title: '`createTask` + `updateTask`',
      server: 'api',
      requestsFor: (connection) => writeLoop(userFor(connection).token, connection),
    },
    ...(baseline
      ? ([
          { key: 'meBaseline', title: `\`me\` at ${baseline}`, server: 'baseline', requestsFor: (connection) => [post({ query: QUERIES.me, operationName: 'Me' }, userFor(connection).token)] },
          { key: 'tasksBaseline', title: `\`tasks(first: 20)\` with owners at ${baseline}`, server: 'baseline', requestsFor: tasksPage },
        ] satisfies Scenario[])
      : []),
    ...(loadBalanced
      ? ([
          { key: 'tasksLb1', title: '`tasks` page through HAProxy, 1 API process', server: 'lb1', requestsFor: tasksPage },
          { key: 'tasksLb2', title: '`tasks` page through HAProxy, 2 API processes', server: 'lb2', requestsFor: tasksPage },
        ] satisfies Scenario[])
      : []),
  ];
}

/** Create a task, then update the task just created (its id comes from the create's response). */
function writeLoop(token: string, connection: number): LoadRequest[] {
  const create = post({ query: QUERIES.createTask, operationName: 'CreateTask', variables: { input: { title: `Bench task from connection ${connection}` } } }, token);
  const update = post({}, token);
  let sequence = 0;
  return [
    {
      ...create,
      onResponse: (status, body, context) => {
        const id = status === 200 ? (JSON.parse(body) as { data?: { createTask?: { id?: string } } }).data?.createTask?.id : undefined;
        if (id) (context as WriteContext).taskId = id;
        else writeFailures.graphqlErrors += 1;
      },
    },
    {
      ...update,
      setupRequest: (request, context) => ({
        ...request,
        body: JSON.stringify({
          query: QUERIES.updateTask,
          operationName: 'UpdateTask',
          variables: { id: (context as WriteContext).taskId, input: { completed: true, title: `Updated ${(sequence += 1)}` } },
        }),
      }),
      onResponse: (status, body) => {
        if (status !== 200 || body.includes('"errors"')) writeFailures.graphqlErrors += 1;
      },
    },
  ];
}
