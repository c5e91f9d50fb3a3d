// A database the fault tests may abuse. On real PostgreSQL the run's test database is fine: killed
// clients and cut connections are what PostgreSQL is built to survive. On PGlite, every test file
// shares one single-session server, and a client killed inside a transaction can leave it waiting for
// that client forever (pglite-socket 0.2 rolls back on disconnect only when the dead client's query
// has already finished), so these tests get a PGlite of their own.
import { inject } from 'vitest';
import { startEmbeddedDatabase } from '../../../../prisma/src/embedded-server.ts';
import { applyMigrations } from '../../../../prisma/src/migrate.ts';

export interface FaultDatabase {
  url: string;
  kind: 'postgresql' | 'pglite';
  close(): Promise<void>;
}

export async function openFaultDatabase(): Promise<FaultDatabase> {
  if (inject('databaseKind') === 'postgresql') {
    return { url: inject('databaseUrl'), kind: 'postgresql', close: async () => {} };
  }
  const embedded = await startEmbeddedDatabase({ port: 0 });
  try {
    await applyMigrations(embedded.url);
  } catch (error) {
    await embedded.stop();
    throw error;
  }
  return { url: embedded.url, kind: 'pglite', close: embedded.stop };
}
