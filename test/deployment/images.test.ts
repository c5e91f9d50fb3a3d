// The images, proven without Docker (no image registry is reachable here, so none can be built): the
// Dockerfile's own `pnpm deploy` commands build each image's /app in a temporary directory, away from
// the workspace, and each target's CMD and HEALTHCHECK run from there with plain node, as its
// container would (NODE_ENV=production, settings from the environment only).
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import { API_NODE_FLAGS } from '@taskgate/shared/node-flags';
import { workspaceDirectory } from '@taskgate/shared/package-directory';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../test-database.ts';
import { readDockerfile, type ImageTarget } from './support/dockerfile.ts';

const run = promisify(execFile);
const ROOT = workspaceDirectory(import.meta.url) ?? process.cwd();
const dockerfile = readDockerfile(join(ROOT, 'Dockerfile'));
const TARGETS = ['api', 'web', 'migrate'] as const;

// Development tools that production dependencies' optional peers once pulled into every image
// (better-auth → vitest, vite; @prisma/client → the Prisma CLI, TypeScript), and the rest of the kit.
const DEVELOPMENT_TOOLS = [
  'typescript', 'tsx', 'vitest', 'vite', 'esbuild', 'rolldown', '@vitejs/plugin-react', 'prisma', '@prisma/dev',
  '@prisma/studio-core', '@prisma/schema-engine-wasm', '@playwright/test', '@graphql-codegen/cli', 'autocannon', '@taskgate/api',
];

const BUILD_OUTPUTS = ['api/dist/src/main.js', 'web/dist/server/main.js', 'web/dist/spa/index.html', 'prisma/dist/src/cli/migrate.js'];
const missingBuild = BUILD_OUTPUTS.filter((file) => !existsSync(join(ROOT, file)));
if (missingBuild.length > 0) console.warn(`image test skipped: no build (${missingBuild.join(', ')}): run \`pnpm build\``);

function target(name: string): ImageTarget {
  const found = dockerfile.targets.get(name);
  if (!found) throw new Error(`Dockerfile has no target ${name}`);
  return found;
}

describe('Dockerfile', () => {
  it('has an api, a web and a migrate target, each holding only its own pruned production install', () => {
    const deployed = new Map(dockerfile.deployCommands.map((command) => [command.outDir, command]));
    expect([...deployed.values()].map((command) => command.filter).sort()).toEqual(['@taskgate/api', '@taskgate/prisma', '@taskgate/web']);
    for (const name of TARGETS) {
      const command = deployed.get(target(name).copiedFrom ?? '');
      expect(command, `${name} copies a pnpm deploy output`).toBeDefined();
      expect(command?.options).toContain('--prod');
    }
  });

  it('runs every target as an unprivileged user under tini, stopped by SIGTERM', () => {
    for (const name of TARGETS) {
      expect(dockerfile.inherited(name, 'USER'), name).toBe('node');
      expect(dockerfile.inherited(name, 'ENTRYPOINT'), name).toBe('["/usr/bin/tini", "--"]');
      expect(dockerfile.inherited(name, 'STOPSIGNAL'), name).toBe('SIGTERM');
      expect(target(name).cmd?.slice(0, 2), name).toEqual(['node', '--enable-source-maps']);
    }
  });

  it("starts the API with its Node flags, as its package's start script and pnpm start do", () => {
    expect(target('api').cmd).toEqual(['node', '--enable-source-maps', ...API_NODE_FLAGS, 'dist/src/main.js']);
    const { scripts } = JSON.parse(readFileSync(join(ROOT, 'api/package.json'), 'utf8')) as { scripts: { start: string } };
    expect(scripts.start).toBe(['node', '--enable-source-maps', ...API_NODE_FLAGS, 'dist/src/main.js'].join(' '));
  });

  it('health-checks the servers and exposes their ports, and leaves the one-shot migrate job unchecked', () => {
    expect(target('api').healthcheck?.join(' ')).toContain('/healthz');
    expect(target('web').healthcheck?.join(' ')).toContain('/healthz');
    expect(target('api').expose).toEqual([4000]);
    expect(target('web').expose).toEqual([3000]);
    expect(target('migrate').healthcheck).toBeNull();
  });

  it('builds from a maintained Node LTS with the pnpm that package.json pins', () => {
    const dockerfileText = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
    expect(dockerfileText).toMatch(/^ARG NODE_IMAGE=node:(22|24)-bookworm-slim$/m);
    const pinned = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { packageManager: string }).packageManager;
    expect(`pnpm@${/^ARG PNPM_VERSION=(\S+)$/m.exec(dockerfileText)?.[1]}`).toBe(pinned);
  });
});

describe.skipIf(missingBuild.length > 0)("the images' /app, built by the Dockerfile's pnpm deploy commands", { timeout: 120_000 }, () => {
  let out = '';
  /** Where each target's /app was deployed. */
  const app = (name: string) => join(out, basename(target(name).copiedFrom ?? name));
  const children = new Set<ChildProcess>();

  beforeAll(async () => {
    out = mkdtempSync(join(tmpdir(), 'taskgate-images-'));
    for (const command of dockerfile.deployCommands) {
      await pnpm(['--filter', command.filter, ...command.options, 'deploy', join(out, basename(command.outDir))]);
    }
  }, 120_000);

  afterAll(() => {
    for (const child of children) child.kill('SIGKILL');
    if (out) rmSync(out, { recursive: true, force: true });
  });

  it('hold no development tooling', () => {
    for (const name of TARGETS) {
      const installed = installedPackages(app(name));
      expect(installed.length, name).toBeGreaterThan(10);
      expect(installed.filter((pkg) => DEVELOPMENT_TOOLS.includes(pkg)), name).toEqual([]);
    }
  });

  it('carry the workspace packages they import, with every module their exports name', () => {
    for (const name of TARGETS) {
      const manifest = readJson(join(app(name), 'package.json'));
      const workspaceDeps = Object.keys(manifest.dependencies ?? {}).filter((dep) => dep.startsWith('@taskgate/'));
      expect(workspaceDeps.length, name).toBeGreaterThan(0);
      for (const dep of workspaceDeps) {
        const directory = join(app(name), 'node_modules', dep);
        const exported = Object.values(readJson(join(directory, 'package.json')).exports ?? {}).map((entry) => entry.default);
        expect(exported.filter((file) => !existsSync(join(directory, file))), `${name}: ${dep}`).toEqual([]);
      }
    }
    expect(existsSync(join(app('migrate'), 'migrations'))).toBe(true);
    expect(existsSync(join(app('web'), 'dist/spa/index.html'))).toBe(true);
  });

  it("migrate's command applies the migrations to DATABASE_URL and exits 0", async () => {
    const job = start('migrate', { DATABASE_URL: inject('databaseUrl') });
    const [code] = await exited(job.child);
    expect(code, job.output()).toBe(0);
    // The suite's database was migrated from the same folder by its global setup.
    expect(job.output()).toContain('Already up to date.');
  });

  it("api's and web's commands serve, pass their own HEALTHCHECK, and drain then exit 0 on SIGTERM", async () => {
    const [apiPort, webPort] = [await freePort(), await freePort()];
    const secrets = { JWT_SECRET: randomBytes(48).toString('base64'), BETTER_AUTH_SECRET: randomBytes(48).toString('base64') };
    const api = start('api', {
      ...secrets,
      DATABASE_URL: inject('databaseUrl'),
      API_HOST: '127.0.0.1',
      API_PORT: String(apiPort),
      API_WORKERS: '1',
      WEB_ORIGIN: `http://127.0.0.1:${webPort}`,
      LOG_LEVEL: 'warn',
    });
    const web = start('web', {
      ...secrets,
      DATABASE_URL: inject('databaseUrl'),
      WEB_HOST: '127.0.0.1',
      WEB_PORT: String(webPort),
      BETTER_AUTH_URL: `http://127.0.0.1:${webPort}`,
      API_URL: `http://127.0.0.1:${apiPort}/graphql`,
      TRUST_PROXY: 'true',
    });

    for (const [server, port] of [[api, apiPort], [web, webPort]] as const) {
      await waitUntilReady(`http://127.0.0.1:${port}/readyz`, server);
      const healthcheck = target(server.name).healthcheck ?? [];
      const check = start(server.name, server.env, healthcheck);
      expect((await exited(check.child))[0], `${server.name} HEALTHCHECK: ${check.output()}`).toBe(0);
    }
    const index = await fetch(`http://127.0.0.1:${webPort}/`);
    expect(index.status).toBe(200);
    expect(await index.text()).toContain('<div id="root">');

    for (const server of [api, web]) {
      server.child.kill('SIGTERM');
      expect(await exited(server.child), server.output()).toEqual([0, null]);
    }
  });

  interface Started {
    name: string;
    child: ChildProcess;
    env: Record<string, string>;
    output(): string;
  }

  /** The target's CMD (or `command`) from its /app, with only the environment a container would have. */
  function start(name: string, env: Record<string, string>, command = target(name).cmd ?? []): Started {
    const [program, ...args] = command;
    expect(program).toBe('node');
    const fullEnv = { PATH: process.env.PATH ?? '', NODE_ENV: 'production', SHUTDOWN_DELAY: '0s', ...env };
    const child = spawn(process.execPath, args, { cwd: app(name), env: fullEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    child.once('exit', () => children.delete(child));
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    return { name, child, env, output: () => output.slice(-4000) };
  }
});

/** pnpm as the test runner's parent ran it (`pnpm test` sets npm_execpath), else from PATH. */
async function pnpm(args: string[]): Promise<void> {
  const execPath = process.env.npm_execpath;
  const [file, prefix] = execPath && /pnpm/.test(basename(execPath)) ? [process.execPath, [execPath]] : ['pnpm', []];
  // The parent pnpm's npm_config_* settings must not leak into this one.
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_(config|lifecycle|package)_/i.test(key)));
  await run(file, [...prefix, ...args], { cwd: ROOT, env: { ...env, CI: 'true' }, maxBuffer: 16 * 1024 * 1024 });
}

/** Package names in a pnpm node_modules/.pnpm virtual store (`@scope+name@version_peers`). */
function installedPackages(directory: string): string[] {
  return readdirSync(join(directory, 'node_modules/.pnpm'))
    .map((entry) => /^(@[^+]+\+[^@]+|[^@]+)@/.exec(entry)?.[1]?.replace('+', '/'))
    .filter((name): name is string => name !== undefined);
}

function readJson(path: string): { dependencies?: Record<string, string>; exports?: Record<string, { default: string }> } {
  return JSON.parse(readFileSync(path, 'utf8')) as ReturnType<typeof readJson>;
}

function exited(child: ChildProcess): Promise<[number | null, NodeJS.Signals | null]> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve([child.exitCode, child.signalCode]);
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve([code, signal])));
}

async function waitUntilReady(url: string, server: { name: string; child: ChildProcess; output(): string }): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (server.child.exitCode !== null) throw new Error(`${server.name} exited ${server.child.exitCode}:\n${server.output()}`);
    const ready = await fetch(url).then((response) => response.ok, () => false);
    if (ready) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${server.name} not ready at ${url} within 30 s:\n${server.output()}`);
}
