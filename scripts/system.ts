// Runs the whole system for `pnpm dev` and `pnpm start`: the embedded database (unless DATABASE_URL
// is set), migrations, the API and the web tier. Children share this terminal and stop with it.
//   dev:   from the TypeScript sources (tsx, watch mode); Vite serves the SPA on WEB_PORT and proxies
//          /api to the web server on WEB_SERVER_PORT.
//   start: NODE_ENV=production, plain `node` on what `pnpm build` emitted (api/dist, web/dist,
//          prisma/dist); the web server serves the built SPA on WEB_PORT.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { loadLocalEnv } from '@taskgate/shared/local-env';
import { API_NODE_FLAGS } from '@taskgate/shared/node-flags';
import { workspaceDirectory } from '@taskgate/shared/package-directory';
import { pglitePort, resolveDatabaseTarget } from '@taskgate/prisma/database';
import { applyMigrations } from '@taskgate/prisma/migrate';

const root = workspaceDirectory(import.meta.url) ?? process.cwd();
const children: ChildProcess[] = [];

type Mode = 'dev' | 'start';

/** Each part of the system, from the sources (dev) or from the build (start). */
const PARTS = {
  // Not restarted on changes in dev: one process owns the data directory.
  db: { source: 'prisma/src/cli/serve-embedded.ts', built: 'prisma/dist/src/cli/serve-embedded.js', watch: false },
  api: { source: 'api/src/main.ts', built: 'api/dist/src/main.js', watch: true, nodeFlags: API_NODE_FLAGS },
  web: { source: 'web/server/main.ts', built: 'web/dist/server/main.js', watch: true },
} as const;
type Part = { source: string; built: string; watch: boolean; nodeFlags?: readonly string[] };

export async function runSystem(mode: Mode): Promise<void> {
  if (mode === 'start') {
    process.env.NODE_ENV = 'production';
    const missing = [...Object.values(PARTS).map((part) => part.built), 'web/dist/spa/index.html'].filter((file) => !existsSync(join(root, file)));
    if (missing.length > 0) {
      console.error(`No build to start (missing ${missing.join(', ')}): run \`pnpm build\` first.`);
      process.exit(1);
    }
  }
  loadLocalEnv();

  const database = resolveDatabaseTarget();
  if (database.embedded) {
    if (await portOpen(pglitePort())) {
      console.log(`using the embedded database already running on port ${pglitePort()}`);
    } else {
      run(mode, 'db', PARTS.db);
      await waitForPort(pglitePort(), 60_000);
    }
  }
  const { applied } = await applyMigrations(database.url);
  console.log(applied.length ? `migrations applied: ${applied.join(', ')}` : 'database schema is up to date');

  run(mode, 'api', PARTS.api);
  const webPort = process.env.WEB_PORT || '3000';
  if (mode === 'dev') {
    run(mode, 'web-server', PARTS.web, { WEB_PORT: process.env.WEB_SERVER_PORT || '3001' });
    spawnChild('vite', join(root, 'web/node_modules/.bin/vite'), ['--clearScreen', 'false'], {}, join(root, 'web'));
  } else {
    run(mode, 'web', PARTS.web);
  }
  // The API's own default: GraphiQL in development, off in production unless GRAPHIQL=true.
  const graphiql = process.env.GRAPHIQL?.trim() ? /^(true|1)$/i.test(process.env.GRAPHIQL.trim()) : mode === 'dev';
  const api = `http://localhost:${process.env.API_PORT || '4000'}/graphql`;
  console.log(`\n  Taskgate web app: http://localhost:${webPort}\n  GraphQL API${graphiql ? ' + GraphiQL' : ''}: ${api}\n`);
}

function run(mode: Mode, name: string, part: Part, env: Record<string, string> = {}): void {
  if (mode === 'start') {
    spawnChild(name, process.execPath, ['--enable-source-maps', ...(part.nodeFlags ?? []), join(root, part.built)], env);
  } else {
    // Workspace packages resolve to their TypeScript sources under the @taskgate/source condition.
    const tsx = join(root, 'node_modules/.bin/tsx');
    const watch = part.watch ? ['watch', '--clear-screen=false'] : [];
    spawnChild(name, tsx, [...watch, '--conditions=@taskgate/source', join(root, part.source)], env);
  }
}

function spawnChild(name: string, command: string, args: string[], env: Record<string, string>, cwd = root): void {
  const child = spawn(command, args, { cwd, stdio: 'inherit', env: { ...process.env, ...env } });
  children.push(child);
  child.on('exit', (code, signal) => {
    if (stopping) return;
    console.error(`${name} exited (${signal ?? code}); stopping everything`);
    stop(code ?? 1);
  });
}

let stopping = false;
function stop(code: number): void {
  if (stopping) return;
  stopping = true;
  // The API first, so it can finish requests while the database is still up.
  const ordered = [...children].reverse();
  const next = () => {
    const child = ordered.shift();
    if (!child) return process.exit(code);
    if (child.exitCode !== null || child.signalCode !== null) return next();
    child.once('exit', next);
    child.kill('SIGTERM');
  };
  next();
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await portOpen(port))) {
    if (Date.now() > deadline) throw new Error(`the embedded database did not start on port ${port}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
