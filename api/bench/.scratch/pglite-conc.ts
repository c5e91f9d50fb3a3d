import pg from 'pg';
import { openBenchDatabase } from '../database.ts';
const database = await openBenchDatabase({});
try {
  for (const conc of [1, 2, 10]) {
    const pool = new pg.Pool({ connectionString: database.url, max: conc });
    let done = 0; const t0 = performance.now(); let stop = false;
    setTimeout(() => (stop = true), 3000);
    await Promise.all(Array.from({ length: conc }, async () => { while (!stop) { await pool.query('SELECT count(*) FROM "task"'); done++; } }));
    console.log(`conc ${conc}: ${(done / ((performance.now() - t0) / 1000)).toFixed(0)} q/s`);
    let tdone = 0; stop = false; const t1 = performance.now();
    setTimeout(() => (stop = true), 3000);
    await Promise.all(Array.from({ length: conc }, async () => { while (!stop) { const c = await pool.connect(); try { await c.query('BEGIN'); await c.query('SELECT 1'); await c.query('COMMIT'); tdone++; } finally { c.release(); } } }));
    console.log(`conc ${conc}: ${(tdone / ((performance.now() - t1) / 1000)).toFixed(0)} tx/s`);
    await pool.end();
  }
} finally { await database.close(); }
