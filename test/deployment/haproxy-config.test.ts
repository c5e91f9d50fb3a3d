// deploy/haproxy/haproxy.cfg, the file docker-compose.yml mounts, as HAProxy itself parses it
// (`haproxy -c`). Skipped, saying so, where HAProxy is not installed (Debian: apt-get install haproxy),
// unless TASKGATE_REQUIRE_SERVICES=1 (CI installs it), which makes a missing HAProxy a failure.
import { execFile, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { workspaceDirectory } from '@taskgate/shared/package-directory';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const CONFIG = join(workspaceDirectory(import.meta.url) ?? process.cwd(), 'deploy/haproxy/haproxy.cfg');

const haproxy = findHaproxy();
const required = process.env.TASKGATE_REQUIRE_SERVICES === '1';
if (!haproxy && !required) console.warn('HAProxy config test skipped: HAProxy is not installed');

describe.skipIf(!haproxy && !required)('deploy/haproxy/haproxy.cfg (haproxy -c)', () => {
  const check = (env: Record<string, string>) => {
    if (!haproxy) throw new Error('TASKGATE_REQUIRE_SERVICES=1 but HAProxy is not installed');
    return run(haproxy, ['-c', '-f', CONFIG], { env: { PATH: process.env.PATH ?? '', ...env } });
  };

  it('is valid with LB_PORT set, as compose sets it', async () => {
    const { stdout } = await check({ LB_PORT: '8080' });
    expect(stdout).toContain('Configuration file is valid');
  });

  it('is refused without LB_PORT, so a missing setting cannot go unnoticed', async () => {
    await expect(check({})).rejects.toThrow(/missing port/);
  });
});

function findHaproxy(): string | undefined {
  const found = ['/usr/sbin/haproxy', '/usr/local/sbin/haproxy'].find((path) => existsSync(path));
  if (found) return found;
  try {
    return execFileSync('sh', ['-c', 'command -v haproxy'], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}
