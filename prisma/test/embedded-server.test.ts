// The embedded server (PGlite behind pglite-socket) under the concurrency `pnpm dev` gives it: the
// API's pool and the web tier's pool, many connections, each sending extended-protocol batches
// (Parse/Bind/Describe/Execute/Sync) on unnamed statements, some failing, some in transactions, some
// dropped half-way. Every query must get its own statement's answer and none may wait forever.
import { connect, type Socket } from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EmbeddedDatabase, startEmbeddedDatabase } from '../src/embedded-server.ts';

// A hang shows up as a failed query after this long, not as a test that never ends.
const QUERY_TIMEOUT_MS = 15_000;

let database: EmbeddedDatabase;

beforeAll(async () => {
  database = await startEmbeddedDatabase({ port: 0 });
  await withClient(async (client) => {
    await client.query('CREATE TABLE ledger (id serial PRIMARY KEY, owner text NOT NULL, amount int NOT NULL)');
    await client.query('CREATE TABLE echo (owner text NOT NULL, round int NOT NULL)');
  });
});
afterAll(() => database?.stop());

async function withClient<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  return (await withClients(1, ([client]) => run(client!)));
}

/** Connects `count` clients first, so that what `run` does with them really overlaps. */
async function withClients<T>(count: number, run: (clients: pg.Client[]) => Promise<T>): Promise<T> {
  const clients = range(count).map(() => new pg.Client({ connectionString: database.url, query_timeout: QUERY_TIMEOUT_MS }));
  try {
    await Promise.all(clients.map((client) => client.connect()));
    return await run(clients);
  } finally {
    await Promise.allSettled(clients.map((client) => client.end()));
  }
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('embedded server (PGlite over the PostgreSQL protocol) with many connections', { timeout: 120_000 }, () => {
  it('each connection gets the answer to its own statement when their batches arrive together', async () => {
    // Statements of different shapes on every connection at once, with transactions among them (other
    // connections' batches pile up behind one): a batch run against another connection's unnamed
    // statement would answer with the wrong columns or fail to bind.
    const answers = await withClients(20, (clients) =>
      Promise.all(
        clients.map(async (client, connection) => {
          const seen: unknown[] = [];
          for (const round of range(24)) {
            const owner = `c${connection}`;
            if (round % 3 === 0) {
              seen.push((await client.query('SELECT $1::text AS owner, $2::int AS round', [owner, round])).rows[0]);
            } else if (round % 3 === 1) {
              const sql = 'INSERT INTO echo (round, owner) VALUES ($1, $2) RETURNING round, owner, $3::int AS connection';
              seen.push((await client.query(sql, [round, owner, connection])).rows[0]);
            } else {
              await client.query('BEGIN');
              await client.query('INSERT INTO echo (round, owner) VALUES ($1, $2)', [round, owner]);
              seen.push((await client.query('SELECT count(*)::int AS rows FROM echo WHERE owner = $1', [owner])).rows[0]);
              await client.query('COMMIT');
            }
          }
          return { connection, seen };
        }),
      ),
    );
    for (const { connection, seen } of answers) {
      const owner = `c${connection}`;
      expect(seen).toEqual(
        range(24).map((round) =>
          round % 3 === 0 ? { owner, round } : round % 3 === 1 ? { round, owner, connection } : { rows: round - Math.floor(round / 3) },
        ),
      );
    }
  });

  it('a statement that fails on one connection neither stalls nor breaks the others', async () => {
    const outcomes = await withClients(20, (clients) =>
      Promise.all(
        clients.map(async (client, connection) => {
          const results: string[] = [];
          for (const round of range(20)) {
            if ((connection + round) % 3 === 0) {
              // Division by zero fails at Execute: the backend skips this connection's messages up to its Sync.
              const failure = await client.query('SELECT 1 / ($1::int - $1::int) AS boom', [round]).catch((error: Error) => error);
              results.push(failure instanceof Error ? 'refused' : 'answered');
            } else if ((connection + round) % 3 === 1) {
              // A failure inside a transaction: the connection keeps the session until its ROLLBACK.
              await client.query('BEGIN');
              const failure = await client.query('SELECT 1 / ($1::int - $1::int) AS boom', [round]).catch((error: Error) => error);
              await client.query('ROLLBACK');
              results.push(failure instanceof Error ? 'refused' : 'answered');
            } else {
              const { rows } = await client.query<{ echo: string }>('SELECT $1::text AS echo', [`${connection}:${round}`]);
              results.push(rows[0]?.echo === `${connection}:${round}` ? 'own answer' : `wrong answer ${JSON.stringify(rows)}`);
            }
          }
          return results;
        }),
      ),
    );
    outcomes.forEach((results, connection) => {
      expect(results).toEqual(range(20).map((round) => ((connection + round) % 3 === 2 ? 'own answer' : 'refused')));
    });
  });

  it('writes and reads from a pool in and out of transactions all finish and nothing is lost', async () => {
    const pool = new pg.Pool({ connectionString: database.url, max: 10, query_timeout: QUERY_TIMEOUT_MS });
    try {
      const owners = range(40).map((n) => `owner-${n}`);
      await Promise.all(
        owners.map(async (owner, n) => {
          for (const round of range(5)) {
            if ((n + round) % 4 === 0) {
              const client = await pool.connect();
              try {
                await client.query('BEGIN');
                await client.query('INSERT INTO ledger (owner, amount) VALUES ($1, $2)', [owner, 1]);
                await client.query('UPDATE ledger SET amount = amount + 1 WHERE owner = $1 AND amount = 1', [owner]);
                await client.query('COMMIT');
              } finally {
                client.release();
              }
            } else {
              await pool.query('INSERT INTO ledger (owner, amount) VALUES ($1, $2)', [owner, 2]);
            }
            const { rows } = await pool.query<{ owner: string }>('SELECT DISTINCT owner FROM ledger WHERE owner = $1', [owner]);
            expect(rows).toEqual([{ owner }]);
          }
        }),
      );
      const { rows } = await pool.query<{ owner: string; total: number; count: number }>(
        'SELECT owner, sum(amount)::int AS total, count(*)::int AS count FROM ledger GROUP BY owner ORDER BY owner',
      );
      expect(rows).toEqual(
        [...owners].sort().map((owner) => ({ owner, total: 10, count: 5 })),
      );
    } finally {
      await pool.end();
    }
  });

  it('a connection dropped inside a transaction or half-way through a batch releases the database', async () => {
    // A client that opened a transaction and went away without COMMIT or ROLLBACK.
    const abandoned = new pg.Client({ connectionString: database.url });
    abandoned.on('error', () => undefined); // its own connection loss is expected
    await abandoned.connect();
    await abandoned.query('BEGIN');
    await abandoned.query("INSERT INTO ledger (owner, amount) VALUES ('abandoned', 1)");
    (abandoned as unknown as { connection: { stream: Socket } }).connection.stream.destroy();

    // A raw connection that sends Parse and Bind but never the Sync that ends the batch.
    await dropHalfWayThroughABatch(database.url);

    const answers = await withClients(10, (clients) => Promise.all(clients.map((client, n) => client.query<{ n: number }>('SELECT $1::int AS n', [n]))));
    expect(answers.map((result) => result.rows[0]?.n)).toEqual(range(10));
    const left = await withClient((client) => client.query("SELECT count(*)::int AS count FROM ledger WHERE owner = 'abandoned'"));
    expect(left.rows).toEqual([{ count: 0 }]);
  });
});

/** Opens a protocol-level connection, sends Parse + Bind (no Sync), then closes it. */
async function dropHalfWayThroughABatch(url: string): Promise<void> {
  const { hostname, port } = new URL(url);
  const socket = connect({ host: hostname, port: Number(port) });
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  const received = waitFor(socket, (bytes) => bytes.includes(0x5a)); // 'Z': ReadyForQuery after start-up
  socket.write(startupMessage({ user: 'postgres', database: 'postgres' }));
  await received;
  socket.write(Buffer.concat([message('P', cString(''), cString('SELECT pg_sleep(0)'), int16(0)), message('B', cString(''), cString(''), int16(0), int16(0), int16(0))]));
  await new Promise((resolve) => setTimeout(resolve, 200));
  socket.destroy();
}

function waitFor(socket: Socket, done: (bytes: Buffer) => boolean): Promise<void> {
  let bytes = Buffer.alloc(0);
  return new Promise((resolve) => {
    const onData = (chunk: Buffer) => {
      bytes = Buffer.concat([bytes, chunk]);
      if (done(bytes)) {
        socket.off('data', onData);
        resolve();
      }
    };
    socket.on('data', onData);
  });
}

const cString = (text: string) => Buffer.from(`${text}\0`);
const int16 = (n: number) => Buffer.from([(n >> 8) & 0xff, n & 0xff]);
const int32 = (n: number) => {
  const buffer = Buffer.alloc(4);
  buffer.writeInt32BE(n);
  return buffer;
};

function message(type: string, ...parts: Buffer[]): Buffer {
  const body = Buffer.concat(parts);
  return Buffer.concat([Buffer.from(type), int32(body.length + 4), body]);
}

function startupMessage(parameters: Record<string, string>): Buffer {
  const body = Buffer.concat([int32(196608), ...Object.entries(parameters).flatMap(([key, value]) => [cString(key), cString(value)]), Buffer.from([0])]);
  return Buffer.concat([int32(body.length + 4), body]);
}
