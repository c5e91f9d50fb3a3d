// The whole isolation-under-load scenario on one database: users with their own tokens, the API on a
// real HTTP port, the workload for a bounded time, then the database compared with the union of the
// ledgers. The vitest file runs it for a few seconds; `pnpm test:load` (run-load.ts) for a minute.
import { randomBytes, randomUUID } from 'node:crypto';
import { createPrismaClient } from '../../src/db.ts';
import { createApi } from '../../src/yoga.ts';
import { mintToken, testJwtSettings } from '../support/tokens.ts';
import type { PrismaClient } from '@taskgate/prisma/client';
import { userGlobalId, type Mismatch, type UserLedger } from './ledger.ts';
import { postGraphQL } from './graphql-client.ts';
import { listen } from './listening-api.ts';
import { runIsolationWorkload, type LoadUser, type WorkloadReport } from './workload.ts';

export interface IsolationScenarioOptions {
  databaseUrl: string;
  durationMs: number;
  /** See WorkloadOptions.minOperationsPerUser. */
  minOperationsPerUser?: number;
  users: number;
  /** The API's connection pool, as DATABASE_POOL_SIZE sets it (default 10). */
  poolSize?: number;
  /** DATABASE_RLS (default off, as in production). */
  rowLevelSecurity?: boolean;
  /** Named statements for the query builder, as serve.ts uses them on a real PostgreSQL (default off). */
  preparedStatements?: boolean;
  seed?: number;
}

export interface IsolationScenarioResult extends Omit<WorkloadReport, 'ledgers'> {
  storedRows: number;
  /** Acknowledged creates/updates/deletes the database does not reflect at the end. */
  lostWritesInDatabase: number;
  /** Rows of these users the ledgers know nothing of. */
  phantomRows: number;
  /** Problems found comparing the database with the ledgers (the first few). */
  databaseProblems: string[];
  passed: boolean;
}

export async function runIsolationScenario(options: IsolationScenarioOptions): Promise<IsolationScenarioResult> {
  const prisma = createPrismaClient({ url: options.databaseUrl, poolSize: options.poolSize ?? 10, preparedStatements: options.preparedStatements ?? false });
  const api = createApi({ prisma, jwt: testJwtSettings, graphiql: false, logging: false, rowLevelSecurity: options.rowLevelSecurity ?? false });
  const server = await listen(api);
  try {
    const users = await createLoadUsers(prisma, options.users);
    await warmUp(server.endpoint, users);
    const workload = await runIsolationWorkload({
      endpoint: server.endpoint,
      users,
      durationMs: options.durationMs,
      minOperationsPerUser: options.minOperationsPerUser ?? 0,
      seed: options.seed ?? Math.floor(Math.random() * 2 ** 31),
    });

    const { ledgers, ...report } = workload;
    const result = { ...report, ...(await compareDatabaseWithLedgers(prisma, users, ledgers)) };
    return { ...result, passed: passes(result) };
  } finally {
    await server.close();
    await prisma.$disconnect();
  }
}

export interface DatabaseComparison {
  storedRows: number;
  lostWritesInDatabase: number;
  phantomRows: number;
  databaseProblems: string[];
}

/** The final state, read as the tables' owner (not through the API), against the union of the ledgers. */
export async function compareDatabaseWithLedgers(prisma: PrismaClient, users: LoadUser[], ledgers: UserLedger[]): Promise<DatabaseComparison> {
  const rows = await prisma.task.findMany({
    where: { ownerId: { in: users.map((user) => user.id) } },
    select: { id: true, ownerId: true, title: true, description: true, completed: true },
  });
  const mismatches: Mismatch[] = ledgers.flatMap((ledger) => ledger.checkStoredRows(rows.filter((row) => row.ownerId === ledger.userId)));
  return {
    storedRows: rows.length,
    lostWritesInDatabase: mismatches.filter((mismatch) => mismatch.kind !== 'phantom').length,
    phantomRows: mismatches.filter((mismatch) => mismatch.kind === 'phantom').length,
    databaseProblems: mismatches.slice(0, 25).map((mismatch) => `${mismatch.kind}: ${mismatch.detail}`),
  };
}

function passes(result: Omit<IsolationScenarioResult, 'passed'>): boolean {
  return (
    result.requests > 0 &&
    result.crossUserRows === 0 &&
    result.serverErrors === 0 &&
    result.transportErrors === 0 &&
    result.unexpectedResponses === 0 &&
    result.lostWrites === 0 &&
    result.staleReads === 0 &&
    result.lostWritesInDatabase === 0 &&
    result.phantomRows === 0
  );
}

/** `count` users with their own tokens (minted with the test secret), created in the database. */
export async function createLoadUsers(prisma: PrismaClient, count: number): Promise<LoadUser[]> {
  const run = randomBytes(3).toString('hex');
  const data = Array.from({ length: count }, (_, index) => ({
    id: randomUUID(),
    email: `load-${run}-${index}@example.test`,
    name: `load user ${index}`,
  }));
  await prisma.user.createMany({ data });
  return Promise.all(
    data.map(async (user, index) => ({
      id: user.id,
      globalId: userGlobalId(user.id),
      token: await mintToken(user.id),
      // Fixed width and closed brackets, so no user's marker is a substring of another's.
      tag: `<u${String(index).padStart(3, '0')}:${run}>`,
    })),
  );
}

/**
 * One `me` per user, ten at a time, before the clock starts: the first request of each kind compiles
 * Prisma's query plans and fills Yoga's caches, which is start-up cost, not load.
 */
export async function warmUp(endpoint: string, users: LoadUser[]): Promise<void> {
  for (let start = 0; start < users.length; start += 10) {
    await Promise.all(
      users.slice(start, start + 10).map(async (user) => {
        const response = await postGraphQL(endpoint, { query: '{ me { id } tasks(first: 1) { edges { node { id } } } }', token: user.token });
        if (response.status !== 200) throw new Error(`warm-up failed: HTTP ${response.status} ${response.text.slice(0, 200)}`);
      }),
    );
  }
}

export function formatScenarioSummary(result: IsolationScenarioResult, database: string): string {
  const seconds = result.durationMs / 1000;
  const lines = [
    `isolation under load — ${result.users} users, ${seconds.toFixed(1)} s, ${database}, seed ${result.seed}`,
    `  requests ${result.requests} (${(result.requests / seconds).toFixed(0)}/s), latency p50 ${result.latencyMs.p50.toFixed(1)} ms, p99 ${result.latencyMs.p99.toFixed(1)} ms, max ${result.latencyMs.max.toFixed(1)} ms`,
    `  operations ${Object.entries(result.operations).map(([kind, count]) => `${kind} ${count}`).join(', ')}`,
    `  checks ${result.checks}, acknowledged writes ${result.acknowledgedWrites}, rows at the end ${result.storedRows}`,
    `  cross-user rows ${result.crossUserRows}, 5xx ${result.serverErrors}, transport errors ${result.transportErrors}, unexpected ${result.unexpectedResponses}`,
    `  lost writes (reads) ${result.lostWrites}, stale reads ${result.staleReads}, lost writes (database) ${result.lostWritesInDatabase}, phantom rows ${result.phantomRows}`,
    `  ${result.passed ? 'PASS' : 'FAIL'}`,
    ...[...result.problems, ...result.databaseProblems].map((problem) => `    ${problem}`),
  ];
  return lines.join('\n');
}
