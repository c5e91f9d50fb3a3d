// Live updates in `pnpm bench`: 1000 open `taskEvents` streams (Server-Sent Events) on one API process,
// the memory each costs that process, and how long a committed write takes to reach its owner's stream
// while the other 999 streams, of other users, stay idle. Settings: BENCH_STREAMS (1000),
// BENCH_STREAM_EVENTS (200 writes, one at a time).
import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { openSse, type SseStream } from '../test/support/sse-client.ts';
import { mintAccessToken, type BenchSigning, type BenchUser } from './seed.ts';

export interface StreamsReport {
  streams: number;
  /** Resident memory of the API process with no stream open, and with all of them open. */
  rssBeforeMb: number;
  rssWithStreamsMb: number;
  /** (RSS with streams − before) ÷ streams: everything a stream costs the process (sockets included). */
  kbPerStream: number;
  openSeconds: number;
  events: number;
  /** From sending the write to the event arriving on the owner's stream. */
  eventP50Ms: number;
  eventP99Ms: number;
  /** The same writes' own responses, for comparison. */
  responseP50Ms: number;
  responseP99Ms: number;
  /** Payloads the idle streams received (must be 0: nobody else's events). */
  idleStreamPayloads: number;
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? Number.NaN);
  return kb / 1024;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;


export async function measureStreams(options: {
  /** The API process measured: its origin and pid (for /proc/<pid>/status). */
  origin: string;
  pid: number;
  signing: BenchSigning;
  owner: BenchUser;
  streams: number;
  events: number;
}): Promise<StreamsReport> {
  const endpoint = `${options.origin}/graphql`;
  const graphql = async (query: string, variables: Record<string, unknown> = {}) => {
    const response = await fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${options.owner.token}` },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as { data: Record<string, any> };
  };
  const created = await graphql('mutation { createTask(input: { title: "streamed" }) { id } }');
  const taskId = created.data.createTask.id as string;

  // Warm-up: a few streams opened and closed, so the figures below do not include first-use costs.
  for (const stream of await Promise.all(Array.from({ length: 20 }, () => openSse(endpoint, { token: options.owner.token })))) stream.close();
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  const rssBeforeMb = rssMb(options.pid);

  // Idle subscribers need no user row: subscribing reads nothing.
  const idleTokens = await Promise.all(Array.from({ length: options.streams - 1 }, () => mintAccessToken(options.signing, randomUUID())));
  const opening = performance.now();
  const idle: SseStream[] = [];
  for (let i = 0; i < idleTokens.length; i += 50) {
    idle.push(...(await Promise.all(idleTokens.slice(i, i + 50).map((token) => openSse(endpoint, { token })))));
  }
  const ownerStream = await openSse(endpoint, { token: options.owner.token });
  const openSeconds = (performance.now() - opening) / 1000;
  const refused = [...idle, ownerStream].filter((stream) => stream.status !== 200).length;
  if (refused > 0) throw new Error(`${refused} of ${options.streams} streams were refused`);
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  const rssWithStreamsMb = rssMb(options.pid);

  const eventMs: number[] = [];
  const responseMs: number[] = [];
  for (let i = 0; i < options.events; i++) {
    const started = performance.now();
    const event = ownerStream.next(5_000);
    await graphql('mutation($id: ID!, $title: String!) { updateTask(id: $id, input: { title: $title }) { id } }', { id: taskId, title: `streamed ${i}` });
    responseMs.push(performance.now() - started);
    await event;
    eventMs.push(performance.now() - started);
  }
  const idleStreamPayloads = idle.reduce((sum, stream) => sum + stream.pending.length, 0);
  for (const stream of [...idle, ownerStream]) stream.close();

  eventMs.sort((a, b) => a - b);
  responseMs.sort((a, b) => a - b);
  return {
    streams: options.streams,
    rssBeforeMb: round(rssBeforeMb, 1),
    rssWithStreamsMb: round(rssWithStreamsMb, 1),
    kbPerStream: round(((rssWithStreamsMb - rssBeforeMb) * 1024) / options.streams, 1),
    openSeconds: round(openSeconds, 1),
    events: options.events,
    eventP50Ms: round(percentile(eventMs, 50)),
    eventP99Ms: round(percentile(eventMs, 99)),
    responseP50Ms: round(percentile(responseMs, 50)),
    responseP99Ms: round(percentile(responseMs, 99)),
    idleStreamPayloads,
  };
}

export function describeStreams(report: StreamsReport): string {
  return `${report.streams} streams open in ${report.openSeconds} s; API RSS ${report.rssBeforeMb} → ${report.rssWithStreamsMb} MB (${report.kbPerStream} KB a stream); ` +
    `write → event on the owner's stream p50 ${report.eventP50Ms} ms, p99 ${report.eventP99Ms} ms (the write's response p50 ${report.responseP50Ms} ms, p99 ${report.responseP99Ms} ms); ` +
    `payloads on the ${report.streams - 1} idle streams: ${report.idleStreamPayloads}`;
}

export function renderStreamsMarkdown(report: StreamsReport): string {
  return [
    '## Live updates: open streams',
    '',
    `One API process (in-process task events, no Redis) holding ${report.streams} \`taskEvents\` streams over Server-Sent Events: ` +
      `one of the owner whose task is written, ${report.streams - 1} of other users that stay idle. ` +
      `${report.events} writes, one at a time, each \`updateTask\` on the owner's task.`,
    '',
    '| measure | value |',
    '|---|---|',
    `| API resident memory, no stream → ${report.streams} streams | ${report.rssBeforeMb} MB → ${report.rssWithStreamsMb} MB |`,
    `| memory per open stream (RSS delta ÷ streams, sockets included) | ${report.kbPerStream} KB |`,
    `| opening ${report.streams} streams (50 at a time) | ${report.openSeconds} s |`,
    `| write sent → event on the owner's stream, p50 / p99 | ${report.eventP50Ms} ms / ${report.eventP99Ms} ms |`,
    `| the same write's response, p50 / p99 | ${report.responseP50Ms} ms / ${report.responseP99Ms} ms |`,
    `| payloads received by the ${report.streams - 1} idle streams | ${report.idleStreamPayloads} |`,
    '',
  ].join('\n');
}
