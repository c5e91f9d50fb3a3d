// What the tasks page's slowest requests at 10 connections waited for, from a pass of its own after
// the measured rounds: the API process carries a probe (tail-probe/register.mjs) that records, only
// while this pass runs, each request's server-side time, every garbage collection and what the main
// thread did (on a CPU, or runnable and waiting for one). p99 at 10 connections is one of issue 11's
// targets; this says whether its tail is the collector's pauses or a saturated machine.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runLoad, type LoadResult, type LoadSettings } from './load.ts';
import { fileWrittenBy, type ChildServer } from './processes.ts';
import type { Scenario } from './scenarios.ts';

const TAIL_PROBE_PRELOAD = fileURLToPath(new URL('./tail-probe/register.mjs', import.meta.url));

export interface TailProbe {
  env: Record<string, string>;
  nodeArgs: string[];
  directory: string;
}

export function tailProbeFor(directory: string): TailProbe {
  return { env: { BENCH_TAIL_DIR: directory }, nodeArgs: ['--import', TAIL_PROBE_PRELOAD], directory };
}

/** What the probe writes (tail-probe/register.mjs). */
export interface TailRecording {
  wallMs: number;
  /** [start, duration] in ms, per request. */
  requests: [number, number][];
  /** [start, duration, kind] in ms, per collection. */
  collections: [number, number, 'minor' | 'major'][];
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
  mainThreadRunningMs?: number;
  mainThreadWaitingMs?: number;
}

export interface TailReport {
  connections: number;
  /** What the load generator saw (autocannon). */
  clientP50Ms: number;
  clientP99Ms: number;
  requests: number;
  serverP50Ms: number;
  serverP99Ms: number;
  serverMaxMs: number;
  /** The requests at or above the server-side p99, and how many of them overlapped a collection's pause. */
  slowest: number;
  slowestDuringCollection: number;
  minorCollections: number;
  majorCollections: number;
  collectionPauseMedianMs: number;
  collectionPauseMaxMs: number;
  /** Share of the run's wall time the main thread was paused by collections. */
  collectionShare: number;
  /** Share of the run's wall time the main thread was on a CPU, and runnable but waiting for one. */
  mainThreadRunningShare?: number;
  mainThreadWaitingShare?: number;
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
}

const percentile = (sorted: number[], fraction: number) => sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))] ?? 0;

export function summarizeTail(recording: TailRecording, client: LoadResult): TailReport {
  const durations = recording.requests.map(([, duration]) => duration).sort((a, b) => a - b);
  const p99 = percentile(durations, 0.99);
  const slowest = recording.requests.filter(([, duration]) => duration >= p99);
  const overlapsCollection = ([start, duration]: [number, number]) =>
    recording.collections.some(([collectionStart, pause]) => collectionStart < start + duration && collectionStart + pause > start);
  const pauses = recording.collections.map(([, pause]) => pause).sort((a, b) => a - b);
  const share = (ms: number | undefined) => (ms === undefined ? undefined : ms / recording.wallMs);
  const running = share(recording.mainThreadRunningMs);
  const waiting = share(recording.mainThreadWaitingMs);
  return {
    connections: client.connections,
    clientP50Ms: client.latencyP50Ms,
    clientP99Ms: client.latencyP99Ms,
    requests: durations.length,
    serverP50Ms: percentile(durations, 0.5),
    serverP99Ms: p99,
    serverMaxMs: durations.at(-1) ?? 0,
    slowest: slowest.length,
    slowestDuringCollection: slowest.filter(overlapsCollection).length,
    minorCollections: recording.collections.filter(([, , kind]) => kind === 'minor').length,
    majorCollections: recording.collections.filter(([, , kind]) => kind === 'major').length,
    collectionPauseMedianMs: percentile(pauses, 0.5),
    collectionPauseMaxMs: pauses.at(-1) ?? 0,
    collectionShare: pauses.reduce((sum, pause) => sum + pause, 0) / recording.wallMs,
    ...(running !== undefined && waiting !== undefined ? { mainThreadRunningShare: running, mainThreadWaitingShare: waiting } : {}),
    loopDelayP99Ms: recording.loopDelayP99Ms,
    loopDelayMaxMs: recording.loopDelayMaxMs,
  };
}

/** One run of `scenario` at `connections` on `server` (started with `probe`'s env and Node flags), recorded. */
export async function probeTail(server: ChildServer, probe: TailProbe, scenario: Scenario, connections: number, load: LoadSettings): Promise<TailReport> {
  const pid = server.pid!;
  // Its own warm-up at this connection count first, unrecorded, as every measured run has.
  await runLoad(scenario, server, connections, { durationSeconds: load.warmupSeconds || 1, warmupSeconds: 0 });
  process.kill(pid, 'SIGWINCH');
  const client = await runLoad(scenario, server, connections, { durationSeconds: load.durationSeconds, warmupSeconds: 0 });
  process.kill(pid, 'SIGWINCH');
  const file = await fileWrittenBy(server.name, join(probe.directory, `${pid}.json`), 30_000);
  return summarizeTail(JSON.parse(readFileSync(file, 'utf8')) as TailRecording, client);
}

const ms = (value: number) => `${value.toFixed(1)} ms`;
const percent = (value: number | undefined) => (value === undefined ? 'n/a' : `${(100 * value).toFixed(0)} %`);

export function describeTail(report: TailReport): string {
  return `p99 ${ms(report.serverP99Ms)} server-side (${report.clientP99Ms} ms at the client); ${report.slowestDuringCollection} of the slowest ${report.slowest} overlapped a collection; main thread on a CPU ${percent(report.mainThreadRunningShare)}, waiting for one ${percent(report.mainThreadWaitingShare)}`;
}

export function renderTailMarkdown(report: TailReport): string {
  return [
    `## The tasks page's tail at ${report.connections} connections`,
    '',
    `One more run of the \`tasks\` page at ${report.connections} connections on the API process, after the measured rounds, with a probe ` +
      '(`api/bench/tail-probe/register.mjs`) recording each request\'s server-side time (Node\'s request event to the last byte ' +
      'handed to the kernel), every garbage collection, and the main thread\'s schedule (Linux `schedstat`: on a CPU, or ' +
      'runnable and waiting for one).',
    '',
    '| measure | value |',
    '|---|---|',
    `| requests; p50 / p99 / max server-side | ${report.requests}; ${ms(report.serverP50Ms)} / ${ms(report.serverP99Ms)} / ${ms(report.serverMaxMs)} |`,
    `| p50 / p99 at the load generator | ${report.clientP50Ms} ms / ${report.clientP99Ms} ms |`,
    `| of the slowest 1 % (${report.slowest} requests), overlapping a collection's pause | ${report.slowestDuringCollection} |`,
    `| collections (minor / major); pause median / max; share of the run | ${report.minorCollections} / ${report.majorCollections}; ${ms(report.collectionPauseMedianMs)} / ${ms(report.collectionPauseMaxMs)}; ${percent(report.collectionShare)} |`,
    `| the main thread on a CPU / runnable, waiting for one | ${percent(report.mainThreadRunningShare)} / ${percent(report.mainThreadWaitingShare)} |`,
    `| event-loop delay p99 / max | ${ms(report.loopDelayP99Ms)} / ${ms(report.loopDelayMaxMs)} |`,
    '',
  ].join('\n');
}
