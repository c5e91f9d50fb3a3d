// Runs the whole system for `pnpm dev` and `pnpm start`: the embedded database (unless DATABASE_URL
// is set), migrations, the API and the web tier. Children share this terminal and stop with it.
//   dev:   API and web server in watch mode; Vite serves the SPA on WEB_PORT and proxies /api to the
//          web server on WEB_SERVER_PORT.
//   start: NODE_ENV=production; the web server serves the built SPA (web/dist) on WEB_PORT.
import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { resolveDatabaseTarget, pglitePort } from '../prisma/src/database.ts';
import { applyMigrations } from '../prisma/src/migrate.ts';
import { loadLocalEnv } from '../api/src/local-env.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const children: ChildProcess[] = [];

export async function runSystem(mode: 'dev' | 'start'): Promise<void> {
  if (mode === 'start') process.env.NODE_ENV = 'production';
  loadLocalEnv();

  const database = resolveDatabaseTarget();
  if (database.embedded) {
    if (await portOpen(pglitePort())) {
      console.log(`using the embedded database already running on port ${pglitePort()}`);
    } else {
      run('db', ['tsx', 'prisma/src/cli/serve-embedded.ts']);
      await waitForPort(pglitePort(), 60_000);
    }
  }
  const { applied } = await applyMigrations(database.url);
  console.log(applied.length ? `migrations applied: ${applied.join(', ')}` : 'database schema is up to date');

  const tsx = mode === 'dev' ? ['tsx', 'watch', '--clear-screen=false'] : ['tsx'];
  run('api', [...tsx, 'api/src/main.ts']);
  const webPort = process.env.WEB_PORT || '3000';
  if (mode === 'dev') {
    run('web-server', [...tsx, 'web/server/main.ts'], { WEB_PORT: process.env.WEB_SERVER_PORT || '3001' });
    run('vite', ['vite', '--clearScreen', 'false'], {}, 'web');
  } else {
    run('web', [...tsx, 'web/server/main.ts']);
  }
  console.log(`\n  Taskgate web app: http://localhost:${webPort}\n  GraphQL API + GraphiQL: http://localhost:${process.env.API_PORT || '4000'}/graphql\n`);
}

/** Runs a package binary from `dir` (relative to the repository root), sharing this terminal. */
function run(name: string, command: string[], env: Record<string, string> = {}, dir = ''): void {
  const [bin, ...args] = command as [string, ...string[]];
  const cwd = `${root}${dir}`;
  const child = spawn(`${cwd}${dir ? '/' : ''}node_modules/.bin/${bin}`, args, { cwd, stdio: 'inherit', env: { ...process.env, ...env } });
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
