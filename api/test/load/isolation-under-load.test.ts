// The short run of `pnpm test:load` (see run-load.ts): 100 users, each with its own token, a few
// seconds of mixed writes and reads over real HTTP, every read checked against the user's own ledger,
// then the database compared with the union of the ledgers.
import { describe, expect, inject, it } from 'vitest';
import { preparedStatements, ROW_LEVEL_SECURITY_MODES } from '../support/api-harness.ts';
import { formatScenarioSummary, runIsolationScenario } from './isolation-scenario.ts';

// Both locks under concurrency: the resolvers' own filters (DATABASE_RLS=off, the default), and with the
// database's policies behind them, where each operation is its own transaction setting the caller.
describe.each(ROW_LEVEL_SECURITY_MODES)('DATABASE_RLS=$mode', ({ rowLevelSecurity }) => {
  it('100 concurrent users see only their own tasks, and every acknowledged write is kept', { timeout: 120_000 }, async () => {
    // 3 s, and at least 6 operations per user however busy the machine is (the run then takes longer).
    const result = await runIsolationScenario({ databaseUrl: inject('databaseUrl'), durationMs: 3_000, minOperationsPerUser: 6, users: 100, rowLevelSecurity, preparedStatements: preparedStatements() });
    const summary = formatScenarioSummary(result, inject('databaseKind'));
    console.log(summary);

    // Every kind of operation ran, and reads were really compared.
    for (const [kind, count] of Object.entries(result.operations)) expect(count, kind).toBeGreaterThan(0);
    expect(result.checks).toBeGreaterThan(result.users);
    expect(result.acknowledgedWrites).toBeGreaterThan(result.users);

    expect({
      crossUserRows: result.crossUserRows,
      serverErrors: result.serverErrors,
      transportErrors: result.transportErrors,
      unexpectedResponses: result.unexpectedResponses,
      lostWrites: result.lostWrites,
      staleReads: result.staleReads,
      lostWritesInDatabase: result.lostWritesInDatabase,
      phantomRows: result.phantomRows,
    }, summary).toEqual({
      crossUserRows: 0,
      serverErrors: 0,
      transportErrors: 0,
      unexpectedResponses: 0,
      lostWrites: 0,
      staleReads: 0,
      lostWritesInDatabase: 0,
      phantomRows: 0,
    });
    expect(result.passed).toBe(true);
  });
});
