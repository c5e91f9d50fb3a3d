// Vitest global setup: one fresh, migrated database for the whole run, handed to test files
// through inject('databaseUrl').
import type { TestProject } from 'vitest/node';
import { createTestDatabase } from './test-database.ts';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const database = await createTestDatabase();
  project.provide('databaseUrl', database.url);
  project.provide('databaseKind', database.kind);
  console.log(`test database: ${database.description}`);
  return database.teardown;
}
