// BENCH_CPU_PROF=1: where the API's CPU goes, from a pass of its own after the measured rounds. A
// sampling profiler wakes a thread every millisecond in each process it runs in; on a 2-core machine
// that shifts the very figures being compared (measured: with the API and the baseline profiled for
// the whole run, row-level security's cost read 25.5 %; unprofiled, the same hour, 41.3 %). So the
// API and the baseline carry a profiler that samples only while this pass runs (profiler/register.mjs).
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runLoad, type LoadSettings } from './load.ts';
import { fileWrittenBy, type ChildServer } from './processes.ts';
import type { Scenario, ServerName } from './scenarios.ts';

/** For `node --import`: the profiler that waits for SIGUSR2. */
const PROFILER_PRELOAD = fileURLToPath(new URL('./profiler/register.mjs', import.meta.url));

/** A process that carries the profiler: what to start it with, and where it writes its profile. */
export interface Profiler {
  target: Extract<ServerName, 'api' | 'baseline'>;
  env: Record<string, string>;
  nodeArgs: string[];
  directory: string;
}

export function profilerFor(profileDir: string, target: Profiler['target']): Profiler {
  const directory = join(profileDir, target);
  return { target, env: { BENCH_PROFILE_DIR: directory }, nodeArgs: ['--import', PROFILER_PRELOAD], directory };
}

/**
 * Profiles `server` (started with `profiler`'s env and Node flags) while it serves every scenario aimed
 * at the profiler's target, once more; resolves with the profile's path.
 */
export async function profileScenarios(server: ChildServer, profiler: Profiler, scenarios: Scenario[], connections: number, load: LoadSettings): Promise<string> {
  const pid = server.pid!;
  process.kill(pid, 'SIGUSR2');
  for (const scenario of scenarios.filter((each) => each.server === profiler.target)) await runLoad(scenario, server, connections, load);
  process.kill(pid, 'SIGUSR2');
  return fileWrittenBy(server.name, join(profiler.directory, `${pid}.cpuprofile`), 60_000);
}
