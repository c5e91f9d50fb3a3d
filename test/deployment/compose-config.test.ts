// docker-compose.yml as Docker Compose reads it: valid, and the scaled deployment the README
// describes. Needs the `docker` client with its compose plugin (no engine: `config` only parses);
// skipped, saying so, where it is missing.
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { workspaceDirectory } from '@taskgate/shared/package-directory';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = workspaceDirectory(import.meta.url) ?? process.cwd();

const composeMissing = whyComposeIsMissing();
if (composeMissing) console.warn(`compose test skipped: ${composeMissing}`);

const SECRETS = { JWT_SECRET: 'compose-test-jwt-secret-of-at-least-32-bytes', BETTER_AUTH_SECRET: 'compose-test-better-auth-secret-32-bytes+' };

interface ComposeService {
  deploy?: { replicas?: number };
  ports?: unknown[];
  environment?: Record<string, string | number | null>;
  healthcheck?: { test?: string[]; disable?: boolean };
  depends_on?: Record<string, { condition: string }>;
  volumes?: { type: string; source: string; target: string; read_only?: boolean }[];
  build?: { target?: string };
  image?: string;
}

describe.skipIf(composeMissing !== undefined)('docker-compose.yml (docker compose config)', () => {
  let scratch = '';
  let services: Record<string, ComposeService> = {};

  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'taskgate-compose-'));
    const { stdout } = await compose(['config', '--format', 'json'], SECRETS);
    services = (JSON.parse(stdout) as { services: Record<string, ComposeService> }).services;
  });
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  /** `docker compose` on the repository's file, with only the given variables (an empty env file). */
  function compose(args: string[], variables: Record<string, string>) {
    const envFile = join(scratch, 'empty.env');
    writeFileSync(envFile, '');
    return run('docker', ['compose', '--project-directory', ROOT, '--env-file', envFile, '-f', join(ROOT, 'docker-compose.yml'), ...args], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir(), ...variables },
    });
  }

  it('validates (docker compose config --quiet)', async () => {
    await expect(compose(['config', '--quiet'], SECRETS)).resolves.toBeDefined();
  });

  it('refuses to start without the secrets, naming the missing one', async () => {
    await expect(compose(['config', '--quiet'], { BETTER_AUTH_SECRET: SECRETS.BETTER_AUTH_SECRET })).rejects.toThrow(/JWT_SECRET/);
    await expect(compose(['config', '--quiet'], { JWT_SECRET: SECRETS.JWT_SECRET })).rejects.toThrow(/BETTER_AUTH_SECRET/);
  });

  it('runs postgres, redis, the migrate job, 2 API and 2 web replicas and a load balancer', () => {
    expect(Object.keys(services).sort()).toEqual(['api', 'lb', 'migrate', 'postgres', 'redis', 'web']);
    expect(services.api?.deploy?.replicas).toBe(2);
    expect(services.web?.deploy?.replicas).toBe(2);
    expect([services.migrate, services.api, services.web].map((service) => service?.build?.target)).toEqual(['migrate', 'api', 'web']);
  });

  it('publishes a port on the load balancer only', () => {
    const publishing = Object.entries(services).filter(([, service]) => (service.ports ?? []).length > 0);
    expect(publishing.map(([name]) => name)).toEqual(['lb']);
  });

  it('mounts deploy/haproxy/haproxy.cfg read-only into HAProxy and gives it LB_PORT', () => {
    const lb = services.lb;
    expect(lb?.image).toMatch(/^haproxy:(2\.([6-9]|\d\d)|[3-9]\.\d+)/);
    const config = lb?.volumes?.find((volume) => volume.target === '/usr/local/etc/haproxy/haproxy.cfg');
    expect(config?.source).toBe(join(ROOT, 'deploy/haproxy/haproxy.cfg'));
    expect(config?.read_only).toBe(true);
    expect(lb?.environment?.LB_PORT).toBeDefined();
  });

  it('serves every tier on one public origin', () => {
    const api = services.api?.environment ?? {};
    const web = services.web?.environment ?? {};
    const origin = String(web.BETTER_AUTH_URL);
    expect(origin).toMatch(/^https?:\/\/[^/]+$/);
    expect(String(web.API_URL)).toBe(`${origin}/graphql`);
    expect(String(api.WEB_ORIGIN)).toBe(origin);
  });

  it('has the web tier trust the balancer for client IPs and share its rate limits through Redis', () => {
    const web = services.web?.environment ?? {};
    expect(String(web.TRUST_PROXY)).toBe('true');
    expect(String(web.REDIS_URL)).toMatch(/^redis:\/\/redis:6379/);
    // The API replicas share it too: task events and revocations across replicas.
    expect(String(services.api?.environment?.REDIS_URL)).toBe(String(web.REDIS_URL));
    expect(services.web?.depends_on?.redis?.condition).toBe('service_healthy');
  });

  it('starts the tiers after the migrate job succeeded, the job once PostgreSQL is healthy', () => {
    expect(services.api?.depends_on?.migrate?.condition).toBe('service_completed_successfully');
    expect(services.web?.depends_on?.migrate?.condition).toBe('service_completed_successfully');
    expect(services.migrate?.depends_on?.postgres?.condition).toBe('service_healthy');
  });

  it('health-checks PostgreSQL and Redis (the API and web images carry their own HEALTHCHECK)', () => {
    expect(services.postgres?.healthcheck?.test?.join(' ')).toContain('pg_isready');
    expect(services.redis?.healthcheck?.test?.join(' ')).toContain('ping');
    for (const name of ['api', 'web']) expect(services[name]?.healthcheck?.disable, name).not.toBe(true);
  });

  it('runs one API process per replica and drains each replica on SIGTERM', () => {
    expect(String(services.api?.environment?.API_WORKERS)).toBe('1');
    for (const name of ['api', 'web']) expect(services[name]?.environment?.SHUTDOWN_DELAY, name).toBe('3s');
  });
});

function whyComposeIsMissing(): string | undefined {
  try {
    execFileSync('docker', ['compose', 'version'], { stdio: 'ignore' });
    return undefined;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT'
      ? 'no docker client installed'
      : 'the docker client has no compose plugin (`docker compose version` fails)';
  }
}
