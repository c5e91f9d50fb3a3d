// scratch: top self-time by function and by package from a .cpuprofile
import { readFileSync } from 'node:fs';
const p = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const dt = new Map();
for (let i = 0; i < p.samples.length; i++) dt.set(p.samples[i], (dt.get(p.samples[i]) ?? 0) + (p.timeDeltas[i] ?? 0));
const byId = new Map(p.nodes.map((n) => [n.id, n]));
const self = new Map(), pkg = new Map();
let total = 0;
for (const [id, t] of dt) {
  const n = byId.get(id); const cf = n.callFrame; total += t;
  const key = `${cf.functionName || '(anon)'} ${cf.url.replace(/.*node_modules\/(\.pnpm\/[^/]+\/node_modules\/)?/, '').replace('file:///work/main/', '')}:${cf.lineNumber}`;
  self.set(key, (self.get(key) ?? 0) + t);
  const m = cf.url.match(/node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/);
  const k = m ? m[1] : cf.url.startsWith('node:') ? 'node:' + cf.url.slice(5).split('/')[0] : cf.url ? cf.url.replace('file:///work/main/', '').split('/').slice(0, 3).join('/') : `(${cf.functionName})`;
  pkg.set(k, (pkg.get(k) ?? 0) + t);
}
const pr = (m, n) => [...m].sort((a, b) => b[1] - a[1]).slice(0, n).forEach(([k, t]) => console.log(`${(100 * t / total).toFixed(1).padStart(5)}%  ${k}`));
console.log('--- by package'); pr(pkg, 25); console.log('--- by function'); pr(self, 40);
