// API_WORKERS > 1: one host's API as a node:cluster primary with that many worker processes on one
// port. Both workers serve; a worker that dies is replaced; SIGTERM drains them all and exits 0.
import { randomUUID } from 'node:crypto';
import { request } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { PrismaClient } from '@taskgate/prisma/client';
import { INSTANCE_HEADER } from '@taskgate/shared/instance-id';
import { createPrismaClient } from '../../src/db.ts';
import { graphqlHeaders } from '../load/graphql-client.ts';
import { mintToken } from '../support/tokens.ts';
import { startApiProcess, type ApiProcess } from './support/api-process.ts';
import { openFaultDatabase, type FaultDatabase } from './support/fault-database.ts';

let database: FaultDatabase;
let prisma: PrismaClient;
const processes: ApiProcess[] = [];

beforeAll(async () => {
  database = await openFaultDatabase();
  prisma = createPrismaClient({ url: database.url, poolSize: 2 });
});
afterEach(async () => {
  await Promise.all(processes.splice(0).map((api) => api.kill()));
});
afterAll(async () => {
  await prisma?.$disconnect();
  await database?.close();
});

/** Workers name themselves INSTANCE_ID-w<n>; the default INSTANCE_ID carries the process id. */
const pidOf = (instance: string) => Number(/-(\d+)-w\d+$/.exec(instance)?.[1]);

async function instancesAnswering(api: ApiProcess, token: string, requests: number): Promise<Set<string>> {
  const seen = new Set<string>();
  for (let i = 0; i < requests; i++) {
    const { status, instance } = await meOnNewConnection(api.endpoint, token);
    expect(status).toBe(200);
    seen.add(instance);
  }
  return seen;
}

/** The primary hands out connections, not requests: each request here gets a connection of its own. */
function meOnNewConnection(endpoint: string, token: string): Promise<{ status: number; instance: string }> {
  return new Promise((resolve, reject) => {
    const outgoing = request(endpoint, { method: 'POST', agent: false, timeout: 10_000, headers: graphqlHeaders(token) }, (incoming) => {
      incoming.resume();
      incoming.on('end', () => resolve({ status: incoming.statusCode ?? 0, instance: String(incoming.headers[INSTANCE_HEADER] ?? 'none') }));
    });
    outgoing.on('timeout', () => outgoing.destroy(new Error('no answer within 10 s')));
    outgoing.on('error', reject);
    outgoing.end(JSON.stringify({ query: '{ me { id } }' }));
  });
}

describe('API_WORKERS=2 (node:cluster)', () => {
  it('serves one port from two worker processes, replaces a worker killed with SIGKILL, and exits 0 on SIGTERM', { timeout: 90_000 }, async () => {
    const api = await startApiProcess({ databaseUrl: database.url, env: { API_WORKERS: '2' } });
    processes.push(api);
    const id = randomUUID();
    await prisma.user.create({ data: { id, email: `cluster-${id}@example.test`, name: 'cluster' } });
    const token = await mintToken(id);

    const before = await instancesAnswering(api, token, 40);
    expect(before.size, [...before].join(', ')).toBe(2);
    const workerPids = [...before].map(pidOf);
    expect(workerPids.every((pid) => Number.isInteger(pid) && pid !== api.child.pid)).toBe(true);

    process.kill(workerPids[0]!, 'SIGKILL');
    // A connection the primary hands to a worker as it dies is lost with it (node:cluster cannot take
    // it back), like a request in flight. Once the primary has seen the exit, the other worker serves
    // everything until the replacement it forks is up.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    let after = new Set<string>();
    for (let round = 0; round < 50 && !(after.size === 2 && ![...after].map(pidOf).includes(workerPids[0]!)); round++) {
      after = await instancesAnswering(api, token, 10);
    }
    expect([...after].map(pidOf)).not.toContain(workerPids[0]);
    expect(after.size).toBe(2);

    api.child.kill('SIGTERM');
    expect(await api.exited).toEqual({ code: 0, signal: null });
    for (const instance of after) expect(() => process.kill(pidOf(instance), 0), `worker ${instance} still running`).toThrow();
  });
});
