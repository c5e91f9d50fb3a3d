// Child process for a benchmark without a PostgreSQL server: the test suite's in-memory PGlite
// (migrated), in a process of its own so its single-threaded query work does not slow the load
// generator. Sends its URL to the parent, stops on SIGTERM.
import { createTestDatabase } from '../../test/test-database.ts';

const database = await createTestDatabase({});
process.send?.({ url: database.url });
process.once('SIGTERM', () => void database.teardown().finally(() => process.exit(0)));
