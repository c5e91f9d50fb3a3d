// `pnpm db:migration <name>`: writes the next migration, i.e. what the committed migrations lack to
// produce schema.prisma. Computed on a throwaway in-memory PGlite, so no database server is needed.
import { relative } from 'node:path';
import { startEmbeddedDatabase } from '../embedded-server.ts';
import { applyMigrations } from '../migrate.ts';
import {
  ensureMigrationLockFile,
  MIGRATIONS_DIR,
  migrationDirectoryName,
  writeMigration,
} from '../migrations-directory.ts';
import { diffDatabaseToSchema, PRISMA_SCHEMA_PATH } from '../schema-engine.ts';

const requestedName = process.argv[2];
if (!requestedName) {
  console.error('Usage: pnpm db:migration <name>   e.g. pnpm db:migration add_task_due_date');
  process.exit(1);
}
const directoryName = migrationDirectoryName(requestedName);

ensureMigrationLockFile(MIGRATIONS_DIR);
const database = await startEmbeddedDatabase({ port: 0 });
try {
  await applyMigrations(database.url);
  const script = await diffDatabaseToSchema(database.url, PRISMA_SCHEMA_PATH);
  if (script === '') {
    console.log('No changes: the committed migrations already produce schema.prisma. Nothing written.');
  } else {
    const scriptPath = writeMigration(MIGRATIONS_DIR, directoryName, script);
    console.log(`Wrote ${relative(process.cwd(), scriptPath)}:\n\n${script}`);
    // Prove the new migration applies and closes the gap before anyone commits it.
    await applyMigrations(database.url);
    const remaining = await diffDatabaseToSchema(database.url, PRISMA_SCHEMA_PATH);
    if (remaining !== '') {
      throw new Error(`After applying ${directoryName}, schema.prisma still differs:\n${remaining}`);
    }
    console.log(`Checked: ${directoryName} applies cleanly and leaves no drift. Review it, then commit it.`);
  }
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
} finally {
  await database.stop();
}
