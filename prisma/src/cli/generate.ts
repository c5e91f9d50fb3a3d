// `prisma generate` offline. Prisma 7's CLI insists on locating the native schema-engine binary for
// every command (prisma/orm#28662) and would download it from a host these machines cannot reach.
// Generate never starts that engine, so pointing the variable at any existing file is enough.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const prismaCli = require.resolve('prisma/build/index.js');
const schema = fileURLToPath(new URL('../../schema.prisma', import.meta.url));

const result = spawnSync(process.execPath, [prismaCli, 'generate', `--schema=${schema}`], {
  stdio: 'inherit',
  env: {
    ...process.env,
    PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? process.execPath,
    PRISMA_HIDE_UPDATE_MESSAGE: '1',
  },
});
process.exit(result.status ?? 1);
