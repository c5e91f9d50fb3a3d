// Drives one scenario with autocannon: a short warm-up (JIT, pools, caches), then the measured run.
import autocannon, { type Client, type Result } from 'autocannon';
import type { ChildServer } from './processes.ts';
import type { Scenario } from './scenarios.ts';

export interface LoadSettings {
  durationSeconds: number;
  warmupSeconds: number;
}

export interface LoadResult {
  connections: number;
  requestsPerSecond: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  requests: number;
  /** Connection errors, timeouts and non-2xx answers. */
  failures: number;
  /** CPU the server process spent per request sent (ms), when the OS tells. */
  serverCpuMsPerRequest?: number;
}

export async function runLoad(scenario: Scenario, server: ChildServer, connections: number, settings: LoadSettings): Promise<LoadResult> {
  const { origin } = server;
  if (settings.warmupSeconds > 0) {
    await fire(scenario, origin, connections, settings.warmupSeconds);
    await settle(scenario, origin);
  }
  const cpuBefore = server.cpuSeconds();
  const result = await fire(scenario, origin, connections, settings.durationSeconds);
  await settle(scenario, origin);
  const cpuAfter = server.cpuSeconds();
  // Every request sent was served, those abandoned at the end included (settle waited for them), plus settle's own.
  const served = result.requests.sent + 1;
  return {
    connections,
    requestsPerSecond: result.requests.average,
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    requests: result.requests.total,
    failures: result.errors + result.timeouts + result.non2xx,
    ...(cpuBefore !== undefined && cpuAfter !== undefined ? { serverCpuMsPerRequest: ((cpuAfter - cpuBefore) * 1000) / served } : {}),
  };
}

function fire(scenario: Scenario, origin: string, connections: number, durationSeconds: number): Promise<Result> {
  let nextConnection = 0;
  return autocannon({
    url: origin,
    connections,
    duration: durationSeconds,
    // Each connection gets its own request sequence (its own user's token), built once: autocannon
    // then reuses the encoded request instead of rebuilding it for every send.
    requests: scenario.requestsFor(0),
    setupClient: (client: Client) => client.setRequests(scenario.requestsFor(nextConnection++)),
  });
}

/**
 * autocannon stops by closing its sockets, but the server still works through the requests it had
 * accepted. One more request, queued behind them, returns once that backlog is gone, so the next run
 * does not start on a server still busy with the last one.
 */
async function settle(scenario: Scenario, origin: string): Promise<void> {
  const [request] = scenario.requestsFor(0);
  await fetch(`${origin}${request?.path ?? '/'}`, {
    method: request?.method ?? 'GET',
    headers: request?.headers as Record<string, string> | undefined,
    body: typeof request?.body === 'string' ? request.body : undefined,
  }).then((response) => response.arrayBuffer());
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

/** Several rounds of one scenario as one result: the median of each rate and latency, summed counts. */
export function medianOf(rounds: LoadResult[]): LoadResult {
  const cpu = rounds.map((round) => round.serverCpuMsPerRequest).filter((value): value is number => value !== undefined);
  return {
    connections: rounds[0]!.connections,
    requestsPerSecond: median(rounds.map((round) => round.requestsPerSecond)),
    latencyP50Ms: median(rounds.map((round) => round.latencyP50Ms)),
    latencyP99Ms: median(rounds.map((round) => round.latencyP99Ms)),
    requests: rounds.reduce((sum, round) => sum + round.requests, 0),
    failures: rounds.reduce((sum, round) => sum + round.failures, 0),
    ...(cpu.length === rounds.length ? { serverCpuMsPerRequest: median(cpu) } : {}),
  };
}

/** The median over rounds of a ratio taken within each round: drift in machine speed cancels out. */
export function pairedRatio(numerators: number[], denominators: number[]): number {
  return median(numerators.map((value, round) => value / denominators[round]!));
}
