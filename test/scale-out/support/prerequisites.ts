// What the scale-out suite needs besides Node: the built system (`pnpm build`), real PostgreSQL
// (TEST_DATABASE_URL or DATABASE_URL; the embedded database is one process and cannot show replicas
// sharing a database server), Redis on TEST_REDIS_URL (default redis://127.0.0.1:6379) and HAProxy.
// A newcomer's machine has none of the services: the suite is then skipped, saying why, unless
// TASKGATE_REQUIRE_SERVICES=1 (CI sets it), which turns a missing service into a failure.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { workspaceDirectory } from '@taskgate/shared/package-directory';

export const REPOSITORY_ROOT = workspaceDirectory(import.meta.url) ?? process.cwd();

export const BUILT_ENTRY_POINTS = {
  api: join(REPOSITORY_ROOT, 'api/dist/src/main.js'),
  web: join(REPOSITORY_ROOT, 'web/dist/server/main.js'),
  spa: join(REPOSITORY_ROOT, 'web/dist/spa/index.html'),
};

export interface ScaleOutServices {
  postgresUrl: string;
  redisUrl: string;
  haproxy: string;
}

export type Prerequisites = { ready: true; services: ScaleOutServices } | { ready: false; reason: string };

export async function checkPrerequisites(env: NodeJS.ProcessEnv = process.env): Promise<Prerequisites> {
  const postgresUrl = env.TEST_DATABASE_URL?.trim() || env.DATABASE_URL?.trim();
  if (!postgresUrl) return { ready: false, reason: 'no real PostgreSQL (TEST_DATABASE_URL): the scale-out suite runs on PostgreSQL only' };
  const missing = Object.values(BUILT_ENTRY_POINTS).filter((file) => !existsSync(file));
  if (missing.length > 0) return notReady(env, `no build (${missing.join(', ')}): run \`pnpm build\``);
  const haproxy = haproxyBinary();
  if (!haproxy) return notReady(env, 'HAProxy is not installed (Debian: apt-get install -y haproxy)');
  const redisUrl = env.TEST_REDIS_URL?.trim() || 'redis://127.0.0.1:6379';
  if (!(await reachable(redisUrl))) return notReady(env, `Redis does not answer at ${redisUrl}`);
  return { ready: true, services: { postgresUrl, redisUrl, haproxy } };
}

function notReady(env: NodeJS.ProcessEnv, reason: string): Prerequisites {
  if (env.TASKGATE_REQUIRE_SERVICES === '1') throw new Error(`TASKGATE_REQUIRE_SERVICES=1 but ${reason}`);
  return { ready: false, reason };
}

/** Debian installs HAProxy in /usr/sbin, which a non-root PATH may lack. */
export function haproxyBinary(): string | undefined {
  return findExecutable('haproxy', ['/usr/sbin/haproxy', '/usr/local/sbin/haproxy']);
}

function findExecutable(name: string, candidates: string[]): string | undefined {
  const found = candidates.find((path) => existsSync(path));
  if (found) return found;
  try {
    return execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

function reachable(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port || 6379) });
    socket.setTimeout(1000, () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
