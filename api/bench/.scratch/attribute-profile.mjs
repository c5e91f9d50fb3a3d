// scratch: attribute each sample to the nearest non-node frame's package (walking from the leaf up)
import { readFileSync } from 'node:fs';
const p = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const parent = new Map(); for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const byId = new Map(p.nodes.map((n) => [n.id, n]));
const cat = (url) => {
  if (!url) return null;
  const m = url.match(/node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/);
  if (m) return m[1].startsWith('@prisma') || m[1] === 'pg' || m[1] === 'pg-protocol' || m[1] === 'pg-pool' ? 'Prisma + pg' : m[1].startsWith('@whatwg-node') || m[1].startsWith('@envelop') || m[1] === 'graphql-yoga' || m[1].startsWith('@graphql-yoga') ? 'Yoga/envelop/whatwg-node' : m[1].startsWith('@pothos') ? 'Pothos' : m[1] === 'graphql' || m[1].startsWith('@graphql-tools') ? 'graphql execution' : m[1];
  if (url.startsWith('wasm://')) return 'Prisma + pg';
  if (url.includes('/work/main/api/src/')) return 'api/src: ' + url.split('/api/src/')[1];
  if (url.includes('/prisma/generated/')) return 'Prisma + pg';
  return null;
};
const totals = new Map(); let total = 0;
const dt = new Map(); for (let i = 0; i < p.samples.length; i++) dt.set(p.samples[i], (dt.get(p.samples[i]) ?? 0) + (p.timeDeltas[i] ?? 0));
for (const [id, t] of dt) {
  const leaf = byId.get(id); const fn = leaf.callFrame.functionName;
  if (fn === '(idle)' || fn === '(program)') continue;
  let k = fn === '(garbage collector)' ? 'GC' : null;
  for (let cur = id; !k && cur !== undefined; cur = parent.get(cur)) k = cat(byId.get(cur).callFrame.url);
  k ??= 'node (no package frame)';
  totals.set(k, (totals.get(k) ?? 0) + t); total += t;
}
[...totals].sort((a, b) => b[1] - a[1]).slice(0, 20).forEach(([k, t]) => console.log(`${(100 * t / total).toFixed(1).padStart(5)}%  ${k}`));
