// Scope-auth's per-request cache is dropped once an operation's result is complete, so no request's
// context outlives it through the WeakMap the cache lives in (src/scope-cache-release.ts).
import { RequestCache } from '@pothos/plugin-scope-auth';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { builder } from '../src/schema/builder.ts';
import { createHarness, type TestUser } from './support/api-harness.ts';

describe('scope-auth request cache', () => {
  const harness = createHarness();
  let dana: TestUser;

  beforeAll(async () => {
    dana = await harness.createUser('dana');
    const created = await harness.graphql('mutation { createTask(input: { title: "Checked" }) { id } }', { token: dana.token });
    expect(created.status).toBe(200);
  });
  afterEach(() => vi.restoreAllMocks());
  afterAll(() => harness.close());

  /** Every cache scope-auth looked up during `run`, by the context it was looked up for. */
  async function cachesUsedBy(run: () => Promise<void>): Promise<Map<object, Set<object>>> {
    const used = new Map<object, Set<object>>();
    const original = RequestCache.fromContext.bind(RequestCache);
    vi.spyOn(RequestCache, 'fromContext').mockImplementation((context, from) => {
      const cache = original(context, from);
      if (!used.has(context)) used.set(context, new Set());
      used.get(context)!.add(cache);
      return cache;
    });
    await run();
    vi.restoreAllMocks();
    return used;
  }

  it.each([
    ['a tasks page with owners', '{ tasks(first: 5) { edges { node { id title owner { email } } } } }'],
    ['me', '{ me { id email } }'],
    ['a refused task read', 'query { task(id: "VGFzazpub3QtYS10YXNr") { id } }'],
  ])('is gone once %s has been answered', async (_name, query) => {
    const used = await cachesUsedBy(async () => {
      const response = await harness.graphql(query, { token: dana.token });
      expect(response.status).toBe(200);
    });
    // One request, one context, one cache while it ran (the scopes were checked through it).
    expect(used.size).toBe(1);
    const [context, caches] = [...used][0]!;
    expect(caches.size).toBe(1);
    // Looked up again, the context finds no cache: a new, empty one is made.
    const after = RequestCache.fromContext(context, builder as never);
    expect(caches.has(after)).toBe(false);
  });
});
