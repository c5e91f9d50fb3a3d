// The benchmark's results as Markdown: printed to the terminal and written to docs/benchmarks.md.
import { cpus, totalmem, release } from 'node:os';
import { API_NODE_FLAGS } from '@taskgate/shared/node-flags';
import { pairedRatio, type LoadResult } from './load.ts';
import type { Scenario } from './scenarios.ts';
import type { StatementCount } from './sql-statements.ts';
import type { ProfileShare } from './profile-summary.ts';
import { renderStreamsMarkdown, type StreamsReport } from './streams.ts';
import { renderTailMarkdown, type TailReport } from './tail-pass.ts';

export interface BenchReport {
  date: Date;
  database: string;
  databaseKind: 'postgresql' | 'pglite';
  settings: {
    durationSeconds: number;
    rounds: number;
    warmupSeconds: number;
    connections: number;
    latencyConnections: number;
    users: number;
    tasksPerUser: number;
    logLevel: string;
    poolSize: string;
  };
  /** `throughput` and `latency` are medians over `rounds`. */
  results: { scenario: Scenario; throughput: LoadResult; latency: LoadResult; rounds: { throughput: LoadResult[]; latency: LoadResult[] } }[];
  /** DATABASE_RLS=off (the default), and on. */
  statements: StatementCount[];
  statementsRls: StatementCount[];
  writeFailures: number;
  /** BENCH_BASELINE: the commit whose API ran beside today's. */
  baseline?: { commit: string; subject: string };
  /** Open SSE streams on one API process (api/bench/streams.ts). */
  streams?: StreamsReport;
  /** The tasks page at the latency connection count, recorded by the tail probe (api/bench/tail-pass.ts). */
  tail?: TailReport;
}

export const TARGETS = {
  authOverheadRatio: 0.95,
  /** Issue 11's target now; 0.5 stays the long-term goal. */
  tasksToCeilingRatio: 0.3,
  tasksToCeilingGoal: 0.5,
  meToCeilingRatio: 0.5,
  tasksSpeedupOverBaseline: 2.5,
  tasksP99AtLatencyConnectionsMs: 25,
  rowLevelSecurityCostForDefaultOn: 0.15,
};

export interface Ratios {
  authOverhead: number;
  /** The same ratio from the server's CPU time per request: steadier than req/s on a busy machine. */
  authOverheadByCpu?: number;
  tasksToCeiling: number;
  tasksToCeilingByCpu?: number;
  tasksP99Ms: number;
  /** 1 − tasks page req/s with DATABASE_RLS=on ÷ off. */
  rowLevelSecurityCost: number;
  statementsConstant: boolean;
  /** With HAProxy: tasks page req/s through it with 2 API processes ÷ 1, and with 1 ÷ direct. */
  scaling?: { twoToOne: number; balancerToDirect: number };
  meToCeiling: number;
  /** With BENCH_BASELINE: today's req/s ÷ the baseline's, and baseline CPU per request ÷ today's. */
  baseline?: { tasksSpeedup: number; tasksCpuSpeedup?: number; meSpeedup: number; meCpuSpeedup?: number };
}

/** Each ratio is taken within every round and the median kept (see run.ts). */
export function ratiosOf(report: BenchReport): Ratios {
  const by = (key: Scenario['key']) => report.results.find((result) => result.scenario.key === key)!;
  const rates = (key: Scenario['key']) => by(key).rounds.throughput.map((round) => round.requestsPerSecond);
  const cpuTimes = (key: Scenario['key']) => {
    const values = by(key).rounds.throughput.map((round) => round.serverCpuMsPerRequest);
    return values.every((value): value is number => value !== undefined && value > 0) ? values : undefined;
  };
  const [verifiedCpu, bypassedCpu, tasksCpu, helloCpu] = [cpuTimes('me'), cpuTimes('meBypass'), cpuTimes('tasks'), cpuTimes('hello')];
  return {
    authOverhead: pairedRatio(rates('me'), rates('meBypass')),
    ...(verifiedCpu && bypassedCpu ? { authOverheadByCpu: pairedRatio(bypassedCpu, verifiedCpu) } : {}),
    tasksToCeiling: pairedRatio(rates('tasks'), rates('hello')),
    ...(tasksCpu && helloCpu ? { tasksToCeilingByCpu: pairedRatio(helloCpu, tasksCpu) } : {}),
    tasksP99Ms: by('tasks').latency.latencyP99Ms,
    rowLevelSecurityCost: 1 - pairedRatio(rates('tasksRls'), rates('tasks')),
    statementsConstant: [report.statements, report.statementsRls].every((counts) => new Set(counts.map((count) => count.total)).size === 1),
    meToCeiling: pairedRatio(rates('me'), rates('hello')),
    ...(report.results.some((result) => result.scenario.key === 'tasksBaseline')
      ? {
          baseline: (() => {
            const [tasksNow, tasksThen, meNow, meThen] = [cpuTimes('tasks'), cpuTimes('tasksBaseline'), cpuTimes('me'), cpuTimes('meBaseline')];
            return {
              tasksSpeedup: pairedRatio(rates('tasks'), rates('tasksBaseline')),
              ...(tasksNow && tasksThen ? { tasksCpuSpeedup: pairedRatio(tasksThen, tasksNow) } : {}),
              meSpeedup: pairedRatio(rates('me'), rates('meBaseline')),
              ...(meNow && meThen ? { meCpuSpeedup: pairedRatio(meThen, meNow) } : {}),
            };
          })(),
        }
      : {}),
    ...(report.results.some((result) => result.scenario.key === 'tasksLb2')
      ? { scaling: { twoToOne: pairedRatio(rates('tasksLb2'), rates('tasksLb1')), balancerToDirect: pairedRatio(rates('tasksLb1'), rates('tasks')) } }
      : {}),
  };
}

const fixed = (value: number, digits = 0) => value.toFixed(digits);
const mark = (met: boolean) => (met ? 'met' : '**missed**');

export function renderMarkdown(report: BenchReport): string {
  const { settings } = report;
  const ratios = ratiosOf(report);
  const cpu = cpus();
  const machine = `${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${cpu.length} cores, ${fixed(totalmem() / 2 ** 30, 1)} GiB RAM, Linux ${release()}`;
  const rows = report.results.map(({ scenario, throughput, latency }) =>
    `| ${scenario.title} | ${fixed(throughput.requestsPerSecond)} | ${throughput.latencyP50Ms} | ${throughput.latencyP99Ms} | ${fixed(latency.requestsPerSecond)} | ${latency.latencyP50Ms} | ${latency.latencyP99Ms} | ${throughput.serverCpuMsPerRequest?.toFixed(2) ?? 'n/a'} | ${throughput.failures + latency.failures} |`,
  );
  const onPglite = report.databaseKind === 'pglite'
    ? '\n> Measured on the embedded PGlite, which runs one query at a time: the targets apply to real PostgreSQL\n> (set `DATABASE_URL` or `TEST_DATABASE_URL` and run `pnpm bench` again).\n'
    : '';

  return `# Benchmarks

Written by \`pnpm bench\` (\`api/bench/\`) on ${report.date.toISOString().slice(0, 16).replace('T', ' ')} UTC.
${onPglite}
| | |
|---|---|
| machine | ${machine} |
| Node.js | ${process.version} |
| database | ${report.database} |
| load | autocannon in the benchmark process; each server in its own Node process on the same machine |
${report.baseline ? `| baseline | \`BENCH_BASELINE\`: ${report.baseline.commit.slice(0, 12)} "${report.baseline.subject.slice(0, 80)}", its API from a git worktree, in the same rounds |\n` : ''}| runs | ${settings.rounds} rounds, each scenario in turn (another first each round), ${settings.durationSeconds} s per run after a ${settings.warmupSeconds} s warm-up pass per scenario and 1 s at the run's own connection count; throughput at ${settings.connections} connections, latency also at ${settings.latencyConnections}; figures are medians over the rounds, ratios medians of the ratios within each round |
| data | ${settings.users} users × ${settings.tasksPerUser} tasks; every connection uses its own user's token |
| API | \`api/src/main.ts\` as in production (\`NODE_ENV=production\`, Node flags \`${API_NODE_FLAGS.join(' ')}\`; the baseline with none, as it shipped), \`LOG_LEVEL=${settings.logLevel}\` (lines written to /dev/null), \`DATABASE_POOL_SIZE=${settings.poolSize}\`, \`DATABASE_RLS=off\` (the default) except where a scenario says on |

## Throughput and latency

| scenario | req/s @${settings.connections} | p50 ms | p99 ms | req/s @${settings.latencyConnections} | p50 ms | p99 ms | server CPU ms/request | failed requests |
|---|---:|---:|---:|---:|---:|---:|---:|---:|
${rows.join('\n')}

${report.writeFailures > 0 ? `Write requests answered with GraphQL errors: ${report.writeFailures}.\n\n` : ''}## Against the targets

| measure | value | target | |
|---|---:|---:|---|
| auth overhead: \`me\` verified ÷ \`me\` bypassed (req/s @${settings.connections}) | ${fixed(ratios.authOverhead, 3)} | ≥ ${TARGETS.authOverheadRatio} | ${mark(ratios.authOverhead >= TARGETS.authOverheadRatio)} |
${ratios.authOverheadByCpu !== undefined ? `| the same from server CPU per request (bypassed ÷ verified) | ${fixed(ratios.authOverheadByCpu, 3)} | ≥ ${TARGETS.authOverheadRatio} | ${mark(ratios.authOverheadByCpu >= TARGETS.authOverheadRatio)} |\n` : ''}${ratios.baseline ? `| \`tasks\` page req/s ÷ the same at ${report.baseline?.commit.slice(0, 12)} (@${settings.connections}, same rounds) | ${fixed(ratios.baseline.tasksSpeedup, 2)} | ≥ ${TARGETS.tasksSpeedupOverBaseline} | ${mark(ratios.baseline.tasksSpeedup >= TARGETS.tasksSpeedupOverBaseline)} |\n` : ''}${ratios.baseline?.tasksCpuSpeedup !== undefined ? `| the same from server CPU per request (baseline ÷ today) | ${fixed(ratios.baseline.tasksCpuSpeedup, 2)} | ≥ ${TARGETS.tasksSpeedupOverBaseline} | ${mark(ratios.baseline.tasksCpuSpeedup >= TARGETS.tasksSpeedupOverBaseline)} |\n` : ''}${ratios.baseline ? `| \`me\` req/s ÷ the same at ${report.baseline?.commit.slice(0, 12)} | ${fixed(ratios.baseline.meSpeedup, 2)} | | |\n` : ''}| \`tasks\` page ÷ bare Yoga ceiling (req/s @${settings.connections}) | ${fixed(ratios.tasksToCeiling, 3)} | ≥ ${TARGETS.tasksToCeilingRatio} (goal ${TARGETS.tasksToCeilingGoal}) | ${mark(ratios.tasksToCeiling >= TARGETS.tasksToCeilingRatio)} |
${ratios.tasksToCeilingByCpu !== undefined ? `| the same from server CPU per request (ceiling ÷ \`tasks\`) | ${fixed(ratios.tasksToCeilingByCpu, 3)} | ≥ ${TARGETS.tasksToCeilingRatio} | ${mark(ratios.tasksToCeilingByCpu >= TARGETS.tasksToCeilingRatio)} |\n` : ''}| \`me\` ÷ bare Yoga ceiling (req/s @${settings.connections}) | ${fixed(ratios.meToCeiling, 3)} | ≥ ${TARGETS.meToCeilingRatio} | ${mark(ratios.meToCeiling >= TARGETS.meToCeilingRatio)} |
| \`tasks\` p99 latency @${settings.latencyConnections} connections | ${ratios.tasksP99Ms} ms | ≤ ${TARGETS.tasksP99AtLatencyConnectionsMs} ms | ${mark(ratios.tasksP99Ms <= TARGETS.tasksP99AtLatencyConnectionsMs)} |
| SQL statements per \`tasks\` page, sizes ${report.statements.map((count) => count.pageSize).join(' / ')}: \`DATABASE_RLS=off\`; on | ${report.statements.map((count) => count.total).join(' / ')}; ${report.statementsRls.map((count) => count.total).join(' / ')} | constant | ${mark(ratios.statementsConstant)} |
| row-level security's cost: 1 − \`tasks\` req/s with \`DATABASE_RLS=on\` ÷ off (@${settings.connections}) | ${fixed(100 * ratios.rowLevelSecurityCost, 1)} % | ≤ ${100 * TARGETS.rowLevelSecurityCostForDefaultOn} % to be on by default | ${ratios.rowLevelSecurityCost <= TARGETS.rowLevelSecurityCostForDefaultOn ? 'within: may be on by default' : '**over**: off by default, a documented switch'} |

## Scale-out through HAProxy

${ratios.scaling
    ? `The \`tasks\` page through HAProxy (\`deploy/haproxy/haproxy.cfg\`, as compose runs it) to one API process, and to two
(separate processes, as replicas run; \`API_WORKERS\` runs the same on one port). The load generator, PostgreSQL and
HAProxy share this machine's ${cpus().length} cores with the API processes, so this is a floor on what a second replica on
its own machine would add.

| measure | value |
|---|---:|
| req/s with 2 API processes ÷ with 1 (the scaling ratio, @${settings.connections}) | ${fixed(ratios.scaling.twoToOne, 2)} |
| req/s with 1 API process behind HAProxy ÷ the same process direct | ${fixed(ratios.scaling.balancerToDirect, 2)} |
`
    : 'HAProxy was not installed: no scale-out figures (Debian: `apt-get install -y haproxy`).\n'}
## SQL statements per \`tasks\` page

From Prisma's query events, for \`${'tasks(first: N) { edges { node { id title completed owner { email } } } }'}\`:

| page size | statements (\`DATABASE_RLS=off\`) | of which read or write rows | statements (\`DATABASE_RLS=on\`) | of which read or write rows |
|---:|---:|---:|---:|---:|
${report.statements.map((count, index) => `| ${count.pageSize} | ${count.total} | ${count.data} | ${report.statementsRls[index]?.total} | ${report.statementsRls[index]?.data} |`).join('\n')}

Statements for a page of ${report.statements[1]?.pageSize ?? 20}, \`DATABASE_RLS=off\`:

${listStatements(report.statements[1])}

The same with \`DATABASE_RLS=on\` (Prisma does not log the \`BEGIN\`):

${listStatements(report.statementsRls[1])}

"Server CPU ms/request" is the user + system CPU time of the server process during the run (from
\`/proc\`) divided by the requests it served; PostgreSQL's own CPU is not in it. It does not depend on how
much CPU other processes left over, so on a busy machine it is steadier than req/s.

The bare Yoga server answers \`{ hello }\` with no auth, no database and no logging: the ceiling for this
machine with the load generator on it. "Verification bypassed" is the same API process with its token
verifier replaced, at module load, by one that reads \`sub\` without checking the signature
(\`api/bench/verification-bypass/\`); nothing in \`api/src\` can switch verification off.
${report.tail ? `\n${renderTailMarkdown(report.tail)}` : ''}${report.streams ? `\n${renderStreamsMarkdown(report.streams)}` : ''}`;
}

function listStatements(count: StatementCount | undefined): string {
  return (count?.statements ?? []).map((sql) => `- \`${sql.replace(/\s+/g, ' ').replace(/`/g, "'").slice(0, 220)}\``).join('\n');
}

/** With BENCH_CPU_PROF=1: the API's busy CPU by package, beside the baseline's when there is one. */
export function renderProfileSection(current: ProfileShare[], baseline?: ProfileShare[], baselineCommit?: string): string {
  const shareOf = (shares: ProfileShare[] | undefined, group: string) => {
    const found = shares?.find((entry) => entry.group === group);
    return found ? `${(100 * found.share).toFixed(1)} %` : '–';
  };
  const groups = current.slice(0, 14).map((entry) => entry.group);
  const header = baseline ? `| where | today | at ${baselineCommit} |\n|---|---:|---:|` : '| where | share |\n|---|---:|';
  const rows = groups.map((group) => `| ${group} | ${shareOf(current, group)} |${baseline ? ` ${shareOf(baseline, group)} |` : ''}`);
  return [
    '',
    '## Where the API process spends its CPU',
    '',
    'From V8 CPU profiles (`BENCH_CPU_PROF=1`) of the API process, taken in a pass after the measured rounds (which run',
    `without a sampler) while it served its scenarios once more${baseline ? ', and of the baseline alike' : ''}. Each sample goes to the nearest frame,`,
    'leaf upwards, that belongs to a package or to `api/src`; idle time is left out. Shares of busy time.',
    '',
    header,
    ...rows,
    '',
  ].join('\n');
}
