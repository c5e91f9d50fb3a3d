// Before any load: each server answers what the scenario expects, and the bypass really bypasses
// (it accepts a token signed with the wrong key, which the real API refuses). A benchmark of error
// responses would be fast and meaningless.
import { QUERIES } from './scenarios.ts';
import { mintAccessToken, type BenchSigning, type BenchUser } from './seed.ts';

type Body = { data?: Record<string, any> | null; errors?: unknown[] };

async function graphql(origin: string, query: string, token?: string, variables?: Record<string, unknown>) {
  const response = await fetch(`${origin}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, body: (await response.json()) as Body };
}

function expect(condition: boolean, what: string, got: unknown): void {
  if (!condition) throw new Error(`preflight: ${what}; got ${JSON.stringify(got).slice(0, 400)}`);
}

export async function preflight(origins: { ceiling: string; api: string; bypass: string; apiRls: string; baseline?: string }, signing: BenchSigning, user: BenchUser): Promise<void> {
  const hello = await graphql(origins.ceiling, QUERIES.hello);
  expect(hello.body.data?.hello === 'world', 'the ceiling server answers hello', hello);

  const me = await graphql(origins.api, QUERIES.me, user.token);
  expect(me.body.data?.me?.email === user.email, 'the API answers me for a valid token', me);

  const forged = await mintAccessToken(signing, user.id, `${signing.secret}-not-the-key`);
  const refused = await graphql(origins.api, QUERIES.me, forged);
  expect(refused.status === 401, 'the API refuses a token signed with another key', refused);
  const bypassed = await graphql(origins.bypass, QUERIES.me, forged);
  expect(bypassed.body.data?.me?.email === user.email, 'the bypass API skips verification (accepts a forged token as its subject)', bypassed);

  for (const origin of [origins.api, origins.apiRls, ...(origins.baseline ? [origins.baseline] : [])]) {
    const page = await graphql(origin, QUERIES.tasks, user.token, { first: 20 });
    const edges = (page.body.data?.tasks?.edges ?? []) as { node: { owner: { email: string } } }[];
    expect(edges.length === 20 && edges.every((edge) => edge.node.owner.email === user.email), 'a tasks page holds 20 of the user\'s own tasks', page);
  }

  const created = await graphql(origins.api, QUERIES.createTask, user.token, { input: { title: 'preflight' } });
  const id = created.body.data?.createTask?.id as string | undefined;
  expect(typeof id === 'string', 'createTask works', created);
  const updated = await graphql(origins.api, QUERIES.updateTask, user.token, { id, input: { completed: true } });
  expect(updated.body.data?.updateTask?.completed === true, 'updateTask works', updated);
}
