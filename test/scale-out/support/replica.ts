// One replica of a tier as production runs it: plain `node` on the built entry point, its own port,
// its own INSTANCE_ID. The suite can stop it gracefully (SIGTERM: drain, then exit 0), kill it
// (SIGKILL) and start it again on the same port, as an orchestrator would.
import { spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { REPOSITORY_ROOT } from './prerequisites.ts';

export interface ReplicaOptions {
  /** e.g. api-1: INSTANCE_ID and the name in logs. */
  name: string;
  entry: string;
  port: number;
  env: Record<string, string>;
}

export class Replica {
  private child: ChildProcess | null = null;
  private output = '';
  /** Exit code of the last stop() or kill(): 0 after a graceful stop. */
  lastExit: { code: number | null; signal: NodeJS.Signals | null } | null = null;

  constructor(readonly options: ReplicaOptions) {}

  get name(): string {
    return this.options.name;
  }

  get url(): string {
    return `http://127.0.0.1:${this.options.port}`;
  }

  get running(): boolean {
    return this.child !== null;
  }

  /** The last lines the process printed, for failure messages. */
  log(): string {
    return this.output.split('\n').slice(-30).join('\n');
  }

  async start(): Promise<void> {
    if (this.child) return;
    // No NODE_OPTIONS or tsx from the test runner: production runs plain node on built files.
    const child = spawn(process.execPath, ['--enable-source-maps', this.options.entry], {
      cwd: REPOSITORY_ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...this.options.env, INSTANCE_ID: this.name },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    const keep = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString('utf8')).slice(-20_000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    child.once('exit', (code, signal) => {
      this.lastExit = { code, signal };
      if (this.child === child) this.child = null;
    });
    await this.waitUntilReady(30_000);
  }

  /** SIGTERM and wait for the exit: the replica drains (SHUTDOWN_DELAY) and finishes what it serves. */
  stop(): Promise<void> {
    return this.signalAndWait('SIGTERM');
  }

  /** SIGKILL: nothing is drained or finished. */
  kill(): Promise<void> {
    return this.signalAndWait('SIGKILL');
  }

  private signalAndWait(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (!child) return Promise.resolve();
    return new Promise((resolve) => {
      child.once('exit', () => resolve());
      child.kill(signal);
    });
  }

  private async waitUntilReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!this.child) throw new Error(`${this.name} exited while starting (${JSON.stringify(this.lastExit)}):\n${this.log()}`);
      if ((await statusOf(`${this.url}/readyz`)) === 200) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`${this.name} not ready after ${timeoutMs} ms:\n${this.log()}`);
  }
}

function statusOf(url: string): Promise<number> {
  return new Promise((resolve) => {
    const outgoing = request(url, { agent: false, timeout: 1000 }, (incoming) => {
      incoming.resume();
      resolve(incoming.statusCode ?? 0);
    });
    outgoing.on('timeout', () => outgoing.destroy());
    outgoing.on('error', () => resolve(0));
    outgoing.end();
  });
}
