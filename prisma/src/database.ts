// Which PostgreSQL both tiers talk to: DATABASE_URL when set, otherwise the embedded PGlite server
// that `pnpm db:serve` (or `pnpm dev`) runs on 127.0.0.1:PGLITE_PORT.
export const DEFAULT_PGLITE_PORT = 5433;

export interface DatabaseTarget {
  url: string;
  /** true when the URL points at the embedded PGlite server rather than a real PostgreSQL. */
  embedded: boolean;
}

export function pglitePort(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.PGLITE_PORT;
  if (raw === undefined || raw === '') return DEFAULT_PGLITE_PORT;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`PGLITE_PORT must be a TCP port number (1-65535), got "${raw}"`);
  }
  return port;
}

export function embeddedDatabaseUrl(port: number): string {
  // PGlite serves one database whatever name is asked for and does not check credentials.
  return `postgresql://postgres:postgres@127.0.0.1:${port}/postgres?sslmode=disable`;
}

export function resolveDatabaseTarget(env: NodeJS.ProcessEnv = process.env): DatabaseTarget {
  const url = env.DATABASE_URL?.trim();
  if (url) {
    if (!/^postgres(ql)?:\/\//.test(url)) {
      throw new Error('DATABASE_URL must be a postgresql:// URL');
    }
    return { url, embedded: false };
  }
  return { url: embeddedDatabaseUrl(pglitePort(env)), embedded: true };
}
