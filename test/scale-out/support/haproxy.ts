// The real load balancer: HAProxy run in the foreground from deploy/haproxy/haproxy.cfg, the file
// docker-compose.yml mounts, with its `server-template` lines (Docker DNS) swapped for this machine's
// replicas and a stats socket added so the suite can see what HAProxy thinks of each replica.
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPOSITORY_ROOT } from './prerequisites.ts';

export const COMPOSE_HAPROXY_CONFIG = join(REPOSITORY_ROOT, 'deploy/haproxy/haproxy.cfg');

export interface BackendServers {
  api: { name: string; port: number }[];
  web: { name: string; port: number }[];
}

export interface ServerState {
  backend: string;
  server: string;
  /** UP, DOWN, MAINT, "UP 1/2" while rising... */
  status: string;
  /** Sessions open to it right now. */
  current: number;
}

/** The compose file's configuration for servers on 127.0.0.1, plus an admin stats socket. */
export function haproxyConfigFor(servers: BackendServers, statsSocket: string): string {
  const compose = readFileSync(COMPOSE_HAPROXY_CONFIG, 'utf8');
  const serverLines = (tier: 'api' | 'web') => servers[tier].map(({ name, port }) => `  server ${name} 127.0.0.1:${port} check`).join('\n');
  const config = compose
    .replace(/^resolvers docker\n(?:[ \t]+.*\n)+/m, '')
    // Two backends list the API replicas: `api` (requests) and `api_streams` (live-update streams).
    .replace(/^\s*server-template api .*$/gm, serverLines('api'))
    .replace(/^\s*server-template web .*$/m, serverLines('web'))
    .replace(/^global\n/m, `global\n  stats socket ${statsSocket} mode 600 level admin\n`);
  if (/^\s*server-template |^resolvers /m.test(config)) {
    throw new Error(`${COMPOSE_HAPROXY_CONFIG} changed shape: update haproxyConfigFor()`);
  }
  return config;
}

export class LoadBalancer {
  private child: ChildProcess | null = null;
  private output = '';
  private readonly directory = mkdtempSync(join(tmpdir(), 'taskgate-haproxy-'));
  private readonly statsSocket = join(this.directory, 'stats.sock');

  constructor(
    private readonly binary: string,
    readonly port: number,
    private readonly servers: BackendServers,
  ) {}

  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  log(): string {
    return this.output.split('\n').slice(-40).join('\n');
  }

  async start(): Promise<void> {
    const configFile = join(this.directory, 'haproxy.cfg');
    writeFileSync(configFile, haproxyConfigFor(this.servers, this.statsSocket));
    const child = spawn(this.binary, ['-db', '-f', configFile], {
      env: { PATH: process.env.PATH ?? '', LB_PORT: String(this.port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    const keep = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString('utf8')).slice(-50_000);
      // HAPROXY_DEBUG_LOG=<file>: every log line (one per request, and each server going UP or DOWN).
      if (process.env.HAPROXY_DEBUG_LOG) appendFileSync(process.env.HAPROXY_DEBUG_LOG, chunk);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    child.once('exit', () => {
      if (this.child === child) this.child = null;
    });
    await this.waitFor(() => this.allUp(), 30_000, 'every replica UP in HAProxy');
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (child) {
      await new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      });
    }
    rmSync(this.directory, { recursive: true, force: true });
  }

  /** HAProxy's view of every server (`show stat` on the admin socket). */
  async serverStates(): Promise<ServerState[]> {
    const csv = await this.command('show stat');
    const [header, ...rows] = csv.trim().split('\n');
    const columns = (header ?? '').replace(/^# /, '').split(',');
    const at = (row: string[], name: string) => row[columns.indexOf(name)] ?? '';
    return rows
      .map((line) => line.split(','))
      .filter((row) => !['FRONTEND', 'BACKEND'].includes(at(row, 'svname')))
      .map((row) => ({ backend: at(row, 'pxname'), server: at(row, 'svname'), status: at(row, 'status'), current: Number(at(row, 'scur')) }));
  }

  async stateOf(server: string): Promise<ServerState | undefined> {
    return (await this.serverStates()).find((state) => state.server === server);
  }

  async allUp(): Promise<boolean> {
    const states = await this.serverStates().catch(() => []);
    // The API replicas appear twice: in `api` and in `api_streams`.
    return states.length === 2 * this.servers.api.length + this.servers.web.length && states.every((state) => state.status === 'UP');
  }

  /** Polls every 25 ms; resolves with the time it took. */
  async waitFor(condition: () => Promise<boolean>, timeoutMs: number, what: string): Promise<number> {
    const started = performance.now();
    while (performance.now() - started < timeoutMs) {
      if (!this.child) throw new Error(`HAProxy exited:\n${this.log()}`);
      if (await condition().catch(() => false)) return performance.now() - started;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}:\n${JSON.stringify(await this.serverStates().catch(() => []))}`);
  }

  private command(line: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const socket = connect(this.statsSocket);
      let answer = '';
      socket.on('data', (chunk) => (answer += chunk.toString('utf8')));
      socket.on('end', () => resolve(answer));
      socket.on('error', reject);
      socket.end(`${line}\n`);
    });
  }
}
