// `pnpm test:browser:scale-out`: the browser's task life cycle through HAProxy against the scaled
// system (one origin for the SPA, Better Auth and /graphql), when its services are here (see
// support/prerequisites.ts); otherwise says why it is skipped, or fails under TASKGATE_REQUIRE_SERVICES=1.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { checkPrerequisites, REPOSITORY_ROOT } from './support/prerequisites.ts';

const prerequisites = await checkPrerequisites();
if (!prerequisites.ready) {
  console.warn(`scale-out browser suite skipped: ${prerequisites.reason}`);
  process.exit(0);
}
const playwright = join(REPOSITORY_ROOT, 'node_modules/.bin/playwright');
const run = spawnSync(playwright, ['test', '-c', 'web/playwright.scale-out.config.ts'], { cwd: REPOSITORY_ROOT, stdio: 'inherit' });
process.exit(run.status ?? 1);
