// `pnpm db:migrate`: applies prisma/migrations to DATABASE_URL, or to the embedded PGlite server.
import { resolveDatabaseTarget } from '../database.ts';
import { applyMigrations } from '../migrate.ts';

const target = resolveDatabaseTarget();
const where = target.embedded ? `the embedded database (${withoutPassword(target.url)})` : withoutPassword(target.url);

try {
  console.log(`Migrating ${where}`);
  const { applied } = await applyMigrations(target.url, { log: (line) => console.log(`  ${line}`) });
  console.log(applied.length > 0 ? `Applied ${applied.length} migration(s).` : 'Already up to date.');
} catch (error) {
  if (isConnectionRefused(error)) {
    console.error(
      target.embedded
        ? `Cannot reach ${where}. Start it with \`pnpm db:serve\` (or run \`pnpm dev\`), or set DATABASE_URL.`
        : `Cannot reach ${where}. Is PostgreSQL running, and is DATABASE_URL right?`,
    );
  } else {
    console.error(error instanceof Error ? error.message : error);
  }
  process.exitCode = 1;
}

function isConnectionRefused(error: unknown): boolean {
  const { code, errors } = error as { code?: string; errors?: unknown[] };
  return code === 'ECONNREFUSED' || (errors ?? []).some(isConnectionRefused);
}

function withoutPassword(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}
