// With BENCH_CPU_PROF=1: where the API process spent its CPU, by package. Each sample goes to the
// nearest frame (leaf upwards) that belongs to a package or to api/src, so Node internals called by
// pg count as the database client's, and so on. Idle time is left out.
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const GROUPS: [RegExp, string][] = [
  [/^(@prisma\/|pg$|pg-|postgres-|kysely$)/, 'database client (Prisma, Kysely, pg driver)'],
  [/^(graphql-yoga|@graphql-yoga\/|@whatwg-node\/|@envelop\/|urlpattern-polyfill|lru-cache)/, 'Yoga / envelop / whatwg-node (HTTP, request pipeline)'],
  [/^(graphql|graphql-scalars|graphql-jit)$|^@graphql-tools\//, 'graphql-js execution (and graphql-jit)'],
  [/^@pothos\//, 'Pothos (scope-auth, prisma, relay plugins)'],
  [/^(pino|sonic-boom|@pinojs\/)/, 'logging (pino)'],
  [/^jose$/, 'token verification (jose)'],
  [/^@escape\.tech\//, 'graphql-armor'],
];

function groupOf(url: string): string | undefined {
  if (url.startsWith('wasm://') || url.includes('/prisma/generated/') || url.includes('/prisma/src/')) return 'database client (Prisma, Kysely, pg driver)';
  const source = /\/api\/src\/(.+)$/.exec(url)?.[1];
  if (source) return `api/src/${source}`;
  const name = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1];
  if (!name) return undefined;
  return GROUPS.find(([pattern]) => pattern.test(name))?.[1] ?? name;
}

export interface ProfileShare {
  group: string;
  /** Share of the process's busy (non-idle) CPU time, 0–1. */
  share: number;
}

/** The busy time of a profile by group, largest first. */
export function profileBreakdown(file: string): ProfileShare[] {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

  const totals = new Map<string, number>();
  let busy = 0;
  profile.samples.forEach((id, index) => {
    const leaf = byId.get(id)!.callFrame.functionName;
    if (leaf === '(idle)' || leaf === '(program)') return;
    let group = leaf === '(garbage collector)' ? 'garbage collector' : undefined;
    for (let current: number | undefined = id; group === undefined && current !== undefined; current = parent.get(current)) {
      group = groupOf(byId.get(current)!.callFrame.url);
    }
    group ??= 'Node.js (no package frame: sockets, streams, timers)';
    const delta = profile.timeDeltas[index] ?? 0;
    totals.set(group, (totals.get(group) ?? 0) + delta);
    busy += delta;
  });
  return [...totals].sort((a, b) => b[1] - a[1]).map(([group, time]) => ({ group, share: time / busy }));
}

export function summarizeProfile(file: string, top = 12): string {
  return profileBreakdown(file)
    .slice(0, top)
    .map(({ group, share }) => `${(100 * share).toFixed(1).padStart(5)}%  ${group}`)
    .join('\n');
}
