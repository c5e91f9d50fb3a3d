// `pnpm db:serve`: runs the embedded PostgreSQL (PGlite) in the foreground until SIGINT/SIGTERM.
import { join, resolve } from 'node:path';
import { workspaceDirectory } from '@taskgate/shared/package-directory';
import { pglitePort } from '../database.ts';
import { startEmbeddedDatabase } from '../embedded-server.ts';

const defaultDataDir = join(workspaceDirectory(import.meta.url) ?? process.cwd(), '.data', 'pglite');
const dataDir = resolve(process.env.PGLITE_DATA_DIR ?? defaultDataDir);
const database = await startEmbeddedDatabase({ dataDir, port: pglitePort() }).catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  console.error(`embedded database: could not start (${message}). Is another server on PGLITE_PORT=${pglitePort()}?`);
  process.exit(1);
});
console.log(`embedded database (PGlite) ready at ${database.url} — data in ${dataDir}`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    database.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('embedded database: error while stopping', error);
        process.exit(1);
      },
    );
  });
}
