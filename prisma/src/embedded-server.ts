// The quick-start database: PGlite (PostgreSQL compiled to WASM) served over the PostgreSQL wire
// protocol, so the API, the web server and the migration runner all connect with a normal URL.
// One process owns the data directory; PGlite runs one query at a time.
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { mkdirSync } from 'node:fs';
import { embeddedDatabaseUrl } from './database.ts';
import { PgliteSessionQueue } from './pglite-session-queue.ts';

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

export interface EmbeddedDatabaseOptions {
  /** Directory that holds the data; omit for an in-memory database (tests). */
  dataDir?: string;
  /** TCP port; 0 picks a free one (the returned url carries the actual port). */
  port: number;
  host?: string;
  maxConnections?: number;
}

export async function startEmbeddedDatabase(options: EmbeddedDatabaseOptions): Promise<EmbeddedDatabase> {
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const db = await PGlite.create(options.dataDir);
  const server = new PGLiteSocketServer({
    db,
    port: options.port,
    host: options.host ?? '127.0.0.1',
    maxConnections: options.maxConnections ?? 64,
  });
  useSessionQueue(server, db);
  try {
    await server.start();
  } catch (error) {
    await db.close();
    throw error;
  }
  // getServerConn() is "host:port" with the port the OS assigned when 0 was asked for.
  const boundPort = Number(server.getServerConn().split(':').pop());
  return {
    url: embeddedDatabaseUrl(boundPort),
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}

/**
 * Swaps pglite-socket's message queue for one that keeps PGlite's single session with one connection
 * until its batch and transaction are over (see pglite-session-queue.ts for the upstream bug). The
 * server hands `queryQueue` to each connection's handler when the connection arrives.
 */
function useSessionQueue(server: PGLiteSocketServer, db: PGlite): void {
  const internals = server as unknown as { queryQueue?: unknown };
  if (!internals.queryQueue) throw new Error('pglite-socket no longer has a queryQueue: re-check the workaround in pglite-session-queue.ts');
  internals.queryQueue = new PgliteSessionQueue(db);
}
