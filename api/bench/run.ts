// `pnpm bench`: seeds a fresh database, starts the API (as production runs it), the same API with
// token verification bypassed, the API with DATABASE_RLS=on and a bare Yoga server, each in its own
// process, and, when HAProxy is installed, HAProxy in front of 1 and of 2 API processes (the scaling
// ratio), drives them with autocannon side by side, counts SQL statements per page, records what the
// tasks page's slowest requests waited for (tail-pass.ts), and writes docs/benchmarks.md. Scenarios
// take turns in rounds (each round in another order) and every figure is the median over rounds;
// ratios are taken within a round first, so a machine whose speed drifts (a shared VM) slows both
// sides of a ratio alike.
// BENCH_BASELINE=<commit> adds that commit's API (api/bench/baseline.ts), measured in the same rounds.
// Settings (env): BENCH_ROUNDS (5), BENCH_DURATION (s per run, default 5), BENCH_WARMUP (s, 3),
// BENCH_CONNECTIONS (100), BENCH_LATENCY_CONNECTIONS (10), BENCH_USERS (100), BENCH_TASKS_PER_USER
// (50), BENCH_LOG_LEVEL (info), BENCH_OUTPUT (docs/benchmarks.md), BENCH_CPU_PROF=1 (write CPU
// profiles of the API), BENCH_STREAMS (1000) and BENCH_STREAM_EVENTS (200): open SSE streams (streams.ts).
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { API_NODE_FLAGS } from '@taskgate/shared/node-flags';
import { haproxyBinary } from '../../test/scale-out/support/prerequisites.ts';
import { freePort } from '../../test/test-database.ts';
import { loadConfig } from '../src/config.ts';
import { createPrismaClient } from '../src/db.ts';
import { openBenchDatabase } from './database.ts';
import { startBaseline } from './baseline.ts';
import { startLoadBalancer } from './load-balancer.ts';
import { medianOf, runLoad, type LoadResult, type LoadSettings } from './load.ts';
import { preflight } from './preflight.ts';
import { profilerFor, profileScenarios } from './profile-pass.ts';
import { profileBreakdown, summarizeProfile } from './profile-summary.ts';
import { killAllChildren, REPO_ROOT, startServer, type ChildServer } from './processes.ts';
import { ratiosOf, renderMarkdown, renderProfileSection, type BenchReport } from './report.ts';
import { scenarios, writeFailures, type ServerName } from './scenarios.ts';
import { newSigning, seed } from './seed.ts';
import { countStatementsPerPage } from './sql-statements.ts';
import { describeStreams, measureStreams } from './streams.ts';
import { describeTail, probeTail, tailProbeFor } from './tail-pass.ts';

function setting(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) throw new Error(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  return value;
}

const warmupSeconds = setting('BENCH_WARMUP', 3, 0, 600);
// Every measured run starts with a second at its own connection count, after the warm-up pass below.
const load: LoadSettings = { durationSeconds: setting('BENCH_DURATION', 5, 1, 3600), warmupSeconds: Math.min(1, warmupSeconds) };
const rounds = setting('BENCH_ROUNDS', 5, 1, 100);
const connections = setting('BENCH_CONNECTIONS', 100, 1, 10_000);
const latencyConnections = setting('BENCH_LATENCY_CONNECTIONS', 10, 1, 10_000);
const userCount = setting('BENCH_USERS', 100, 1, 100_000);
const tasksPerUser = setting('BENCH_TASKS_PER_USER', 50, 20, 10_000);
const logLevel = process.env.BENCH_LOG_LEVEL?.trim() || 'info';
const output = resolve(REPO_ROOT, process.env.BENCH_OUTPUT?.trim() || 'docs/benchmarks.md');
const profileDir = process.env.BENCH_CPU_PROF === '1' ? join(tmpdir(), `taskgate-bench-profiles-${Date.now()}`) : undefined;

const cleanups: (() => Promise<void>)[] = [];
async function cleanUp(): Promise<void> {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch((error: unknown) => console.error('cleanup:', error));
}
let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    interrupted = true;
    console.error(`\n${signal}: stopping servers, dropping the benchmark database`);
    killAllChildren();
    void cleanUp().finally(() => process.exit(130));
  });
}

try {
  const started = Date.now();
  const database = await openBenchDatabase();
  cleanups.push(database.close);
  console.log(`database: ${database.description}`);

  const signing = newSigning();
  const poolSize = process.env.DATABASE_POOL_SIZE?.trim() || '10';
  const apiEnv = {
    NODE_ENV: 'production',
    DATABASE_URL: database.url,
    DATABASE_POOL_SIZE: poolSize,
    JWT_MODE: 'hs256',
    JWT_SECRET: signing.secret,
    JWT_ISSUER: signing.issuer,
    JWT_AUDIENCE: signing.audience,
    // The default; the `apiRls` process below turns it on.
    DATABASE_RLS: 'off',
    GRAPHIQL: 'false',
    LOG_LEVEL: logLevel,
    API_HOST: '127.0.0.1',
    // One process per server: the figures (and CPU per request, read from that process) are per process.
    API_WORKERS: '1',
  };
  // What the API processes see too (they also get this environment, plus their port).
  const config = loadConfig({ ...process.env, ...apiEnv });

  const seeding = createPrismaClient({ url: database.url, poolSize: 4 });
  const data = await seed(seeding, signing, { users: userCount, tasksPerUser }).finally(() => seeding.$disconnect());
  console.log(`seeded ${data.users.length} users × ${tasksPerUser} tasks (${data.tasks} tasks)`);

  const mainEntry = join(REPO_ROOT, 'api/src/main.ts');
  // Every API process runs with production's Node flags; the baseline with none, as it shipped.
  // BENCH_CPU_PROF=1: the API and the baseline carry a profiler that samples only after the rounds.
  const profilers = profileDir ? { api: profilerFor(profileDir, 'api'), baseline: profilerFor(profileDir, 'baseline') } : undefined;
  // The API also carries the tail probe, idle until the tail pass after the rounds (tail-pass.ts).
  const tailProbe = tailProbeFor(join(tmpdir(), `taskgate-bench-tail-${Date.now()}`));
  const [ceiling, api, bypass, apiRls] = await Promise.all([
    freePort().then((port) => startServer({ name: 'bare Yoga', entry: join(REPO_ROOT, 'api/bench/hello-server.ts'), port, env: { BENCH_PORT: String(port) } })),
    freePort().then((port) => startServer({ name: 'API', entry: mainEntry, port, env: { ...apiEnv, ...profilers?.api.env, ...tailProbe.env, API_PORT: String(port) }, nodeArgs: [...API_NODE_FLAGS, ...(profilers?.api.nodeArgs ?? []), ...tailProbe.nodeArgs] })),
    freePort().then((port) =>
      startServer({
        name: 'API (verification bypassed)',
        entry: mainEntry,
        port,
        env: { ...apiEnv, API_PORT: String(port) },
        nodeArgs: [...API_NODE_FLAGS],
        imports: [join(REPO_ROOT, 'api/bench/verification-bypass/register.mjs')],
      }),
    ),
    freePort().then((port) => startServer({ name: 'API (DATABASE_RLS=on)', entry: mainEntry, port, env: { ...apiEnv, DATABASE_RLS: 'on', API_PORT: String(port) }, nodeArgs: [...API_NODE_FLAGS] })),
  ]);
  for (const server of [ceiling, api, bypass, apiRls]) cleanups.push(server.stop);
  // Scale-out: the tasks page through HAProxy to `api` alone, and to `api` plus a second API process.
  const haproxy = haproxyBinary();
  const loadBalanced = haproxy
    ? await (async () => {
        const second = await freePort().then((port) => startServer({ name: 'API (second process)', entry: mainEntry, port, env: { ...apiEnv, API_PORT: String(port) }, nodeArgs: [...API_NODE_FLAGS] }));
        cleanups.push(second.stop);
        const lb1 = await startLoadBalancer(haproxy, 'HAProxy → 1 API process', [api]);
        cleanups.push(lb1.stop);
        const lb2 = await startLoadBalancer(haproxy, 'HAProxy → 2 API processes', [api, second]);
        cleanups.push(lb2.stop);
        return { lb1, lb2 };
      })()
    : undefined;
  if (!loadBalanced) console.log('HAProxy is not installed: no scale-out scenarios (Debian: apt-get install -y haproxy)');
  const baselineRevision = process.env.BENCH_BASELINE?.trim();
  const baseline = baselineRevision ? await startBaseline(baselineRevision, { ...apiEnv, ...profilers?.baseline.env }, await freePort(), profilers?.baseline.nodeArgs) : undefined;
  if (baseline) cleanups.push(baseline.server.stop);
  const servers = { ceiling, api, bypass, apiRls, ...loadBalanced, ...(baseline ? { baseline: baseline.server } : {}) } as Record<ServerName, ChildServer>;
  const scenarioOptions = { loadBalanced: loadBalanced !== undefined, baseline: baseline?.commit.slice(0, 12) };

  await preflight({ ceiling: ceiling.origin, api: api.origin, bypass: bypass.origin, apiRls: apiRls.origin, baseline: baseline?.server.origin }, signing, data.users[0]!);
  const statements = await countStatementsPerPage(config, data.pageCountUser, false);
  const statementsRls = await countStatementsPerPage(config, data.pageCountUser, true);
  for (const [mode, counts] of [['off', statements], ['on', statementsRls]] as const) {
    console.log(`SQL statements per tasks page (first: ${counts.map((count) => count.pageSize).join(', ')}), DATABASE_RLS=${mode}: ${counts.map((count) => count.total).join(', ')}`);
  }

  // Warm-up pass: JIT, connection pools, Prisma's query compiler and PostgreSQL's caches in every
  // process, so the first scenario measured is not the one that pays for a cold start.
  if (warmupSeconds > 0) {
    console.log(`warming up (${warmupSeconds} s per scenario)`);
    for (const scenario of scenarios(data.users, scenarioOptions)) {
      await runLoad(scenario, servers[scenario.server], connections, { durationSeconds: warmupSeconds, warmupSeconds: 0 });
    }
  }

  const all = scenarios(data.users, scenarioOptions);
  const measured = all.map(() => ({ throughput: [] as LoadResult[], latency: [] as LoadResult[] }));
  for (let round = 0; round < rounds; round++) {
    console.log(`round ${round + 1} of ${rounds}`);
    // Each round starts at another scenario, so none is always measured first or last.
    for (let step = 0; step < all.length; step++) {
      const index = (round + step) % all.length;
      const scenario = all[index]!;
      const server = servers[scenario.server];
      const throughput = await runLoad(scenario, server, connections, load);
      const latency = await runLoad(scenario, server, latencyConnections, load);
      measured[index]!.throughput.push(throughput);
      measured[index]!.latency.push(latency);
      console.log(`  ${scenario.title.padEnd(50)} ${describeRun(throughput)}  ${describeRun(latency)}`);
    }
  }
  const results: BenchReport['results'] = all.map((scenario, index) => ({
    scenario,
    throughput: medianOf(measured[index]!.throughput),
    latency: medianOf(measured[index]!.latency),
    rounds: measured[index]!,
  }));
  console.log(`medians over ${rounds} rounds:`);
  for (const { scenario, throughput, latency } of results) console.log(`  ${scenario.title.padEnd(50)} ${describeRun(throughput)}  ${describeRun(latency)}`);

  // Where the tasks page's p99 at the latency connection count goes: one more run, recorded (before any profiler samples).
  const tail = await probeTail(api, tailProbe, all.find((scenario) => scenario.key === 'tasks')!, latencyConnections, load);
  console.log(`tasks page's tail @${latencyConnections}: ${describeTail(tail)}`);

  // BENCH_CPU_PROF=1: the API's and the baseline's scenarios once more, with their profilers sampling.
  const profiles = profilers
    ? {
        api: await profileScenarios(api, profilers.api, all, connections, load),
        baseline: baseline && (await profileScenarios(baseline.server, profilers.baseline, all, connections, load)),
      }
    : undefined;

  // Live updates: open streams on an API process of their own, started now so its memory is its own.
  const streamsServer = await freePort().then((port) => startServer({ name: 'API (streams)', entry: mainEntry, port, env: { ...apiEnv, API_PORT: String(port), SUBSCRIPTIONS_PER_USER: '10' }, nodeArgs: [...API_NODE_FLAGS] }));
  cleanups.push(streamsServer.stop);
  const streams = await measureStreams({
    origin: streamsServer.origin,
    pid: streamsServer.pid!,
    signing,
    owner: data.users[0]!,
    streams: setting('BENCH_STREAMS', 1000, 2, 9000),
    events: setting('BENCH_STREAM_EVENTS', 200, 1, 100_000),
  });
  console.log(`live updates: ${describeStreams(streams)}`);

  const report: BenchReport = {
    date: new Date(),
    database: database.description,
    databaseKind: database.kind,
    settings: { ...load, rounds, warmupSeconds, connections, latencyConnections, users: userCount, tasksPerUser, logLevel, poolSize },
    results,
    statements,
    statementsRls,
    writeFailures: writeFailures.graphqlErrors,
    ...(baseline ? { baseline: { commit: baseline.commit, subject: baseline.subject } } : {}),
    streams,
    tail,
  };
  const markdown = renderMarkdown(report);
  mkdirSync(join(output, '..'), { recursive: true });
  writeFileSync(output, markdown);

  const ratios = ratiosOf(report);
  console.log(`\nauth overhead ratio ${ratios.authOverhead.toFixed(3)} (target ≥ 0.95; by server CPU per request ${ratios.authOverheadByCpu?.toFixed(3) ?? 'n/a'}); tasks ÷ ceiling ${ratios.tasksToCeiling.toFixed(3)} (≥ 0.5); tasks p99 @${latencyConnections} ${ratios.tasksP99Ms} ms (≤ 25)`);
  console.log(`row-level security costs ${(100 * ratios.rowLevelSecurityCost).toFixed(1)} % of the tasks page's throughput (budget for on-by-default: 15 %)`);
  if (ratios.baseline) console.log(`against ${baseline?.commit.slice(0, 12)}: tasks page ×${ratios.baseline.tasksSpeedup.toFixed(2)} req/s (target ≥ 2.5), ×${ratios.baseline.tasksCpuSpeedup?.toFixed(2) ?? 'n/a'} by CPU per request; me ×${ratios.baseline.meSpeedup.toFixed(2)}`);
  if (ratios.scaling) console.log(`through HAProxy: 2 API processes ÷ 1 = ${ratios.scaling.twoToOne.toFixed(2)} (tasks page req/s); 1 process behind HAProxy ÷ direct = ${ratios.scaling.balancerToDirect.toFixed(2)}`);
  console.log(`${relative(REPO_ROOT, output)} written (${database.kind === 'postgresql' ? 'PostgreSQL' : 'embedded PGlite'}); ${((Date.now() - started) / 1000).toFixed(0)} s`);
  await cleanUp();
  if (profiles?.api) {
    console.log(`\nAPI process CPU by package (busy time, its scenarios in the profiling pass):\n${summarizeProfile(profiles.api)}`);
    console.log(`profile: ${profiles.api} (open in Chrome DevTools → Performance, or speedscope)`);
    appendFileSync(output, renderProfileSection(profileBreakdown(profiles.api), profiles.baseline ? profileBreakdown(profiles.baseline) : undefined, baseline?.commit.slice(0, 12)));
  }
} catch (error) {
  // After an interrupt, requests to the servers just stopped fail: not worth a message.
  if (!interrupted) console.error(error instanceof Error ? error.message : error);
  killAllChildren();
  await cleanUp();
  process.exitCode = 1;
}

function describeRun(result: LoadResult): string {
  return `${result.requestsPerSecond.toFixed(0).padStart(6)} req/s @${result.connections} (p50 ${result.latencyP50Ms} ms, p99 ${result.latencyP99Ms} ms)` +
    (result.serverCpuMsPerRequest !== undefined ? ` CPU ${result.serverCpuMsPerRequest.toFixed(2)} ms/req` : '') +
    (result.failures > 0 ? `  FAILED REQUESTS: ${result.failures}` : '');
}
