// The real API process (api/src/main.ts) as a child, for the signal and crash tests. Started with
// `node --import tsx` rather than the `tsx` CLI: the CLI is a parent process of its own, so a SIGKILL
// sent to it would leave the API running as an orphan.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../../../test/test-database.ts';
import { TEST_SECRET, testJwtSettings } from '../../support/tokens.ts';

const REPOSITORY_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

export interface ApiProcess {
  readonly child: ChildProcess;
  readonly origin: string;
  readonly endpoint: string;
  readonly port: number;
  /** Resolves when the process has exited. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Everything the process printed, for failure messages. */
  output(): string;
  /** SIGKILL if still running, and wait for the exit. */
  kill(): Promise<void>;
}

export async function startApiProcess(options: { databaseUrl: string; env?: Record<string, string> }): Promise<ApiProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--conditions=@taskgate/source', '--import', 'tsx', 'api/src/main.ts'], {
    cwd: REPOSITORY_ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      NODE_ENV: 'test',
      API_HOST: '127.0.0.1',
      API_PORT: String(port),
      DATABASE_URL: options.databaseUrl,
      DATABASE_POOL_SIZE: '5',
      JWT_SECRET: TEST_SECRET,
      JWT_ISSUER: testJwtSettings.issuer,
      JWT_AUDIENCE: testJwtSettings.audience,
      GRAPHIQL: 'false',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const origin = `http://127.0.0.1:${port}`;
  const api: ApiProcess = {
    child,
    origin,
    endpoint: `${origin}/graphql`,
    port,
    exited,
    output: () => output,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };

  // Ready when /readyz answers 200: listening, and the database reachable.
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the API exited with ${child.exitCode} before it was ready:\n${output}`);
    try {
      const response = await fetch(`${origin}/readyz`);
      if (response.status === 200) return api;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await api.kill();
      throw new Error(`the API did not become ready within 30 s:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
