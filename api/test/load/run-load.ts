// `pnpm test:load`: the isolation workload for a minute (LOAD_DURATION) on a fresh database — a new
// database on TEST_DATABASE_URL / DATABASE_URL's PostgreSQL server when set (dropped afterwards),
// otherwise an in-memory embedded PGlite — printing a summary. Exits 1 when any check failed.
//   LOAD_DURATION (60s: "<n>s", "<n>m" or milliseconds), LOAD_USERS (100), LOAD_SEED (random),
//   LOAD_POOL_SIZE (10, the API's DATABASE_POOL_SIZE default), LOAD_RLS (off | on: DATABASE_RLS)
import { createTestDatabase } from '../../../test/test-database.ts';
import { formatScenarioSummary, runIsolationScenario } from './isolation-scenario.ts';

function parseDuration(raw: string | undefined, fallbackMs: number): number {
  if (!raw) return fallbackMs;
  const match = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(raw.trim());
  if (!match) throw new Error(`LOAD_DURATION must look like 60s, 2m or 5000, got "${raw}"`);
  const value = Number(match[1]);
  return match[2] === 'm' ? value * 60_000 : match[2] === 's' ? value * 1000 : value;
}

function parseCount(name: string, fallback: number): number {
  const raw = process.env[name];
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return value;
}

const durationMs = parseDuration(process.env.LOAD_DURATION, 60_000);
const users = parseCount('LOAD_USERS', 100);
const poolSize = parseCount('LOAD_POOL_SIZE', 10);
const seed = process.env.LOAD_SEED ? parseCount('LOAD_SEED', 1) : undefined;
const rowLevelSecurity = (process.env.LOAD_RLS ?? 'off').trim().toLowerCase() === 'on';

const database = await createTestDatabase();
console.log(`load: ${users} users for ${durationMs / 1000} s on ${database.description} (API pool ${poolSize}, DATABASE_RLS=${rowLevelSecurity ? 'on' : 'off'})`);
let passed = false;
try {
  const result = await runIsolationScenario({ databaseUrl: database.url, durationMs, users, poolSize, seed, rowLevelSecurity, preparedStatements: database.kind === 'postgresql' });
  console.log(formatScenarioSummary(result, database.kind === 'postgresql' ? 'PostgreSQL' : 'embedded PGlite'));
  passed = result.passed;
} finally {
  await database.teardown();
}
process.exit(passed ? 0 : 1);
