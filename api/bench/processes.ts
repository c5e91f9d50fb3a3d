// Child processes the benchmark runs: each server (and the embedded database) gets its own Node
// process, so the load generator in the parent never shares an event loop with the code it measures.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface ChildServer {
  readonly name: string;
  readonly origin: string;
  /** The server's process id, where the benchmark started it (memory readings from /proc). */
  readonly pid?: number | undefined;
  /** CPU time (user + system) the server process has used so far; undefined where /proc is missing. */
  cpuSeconds(): number | undefined;
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();

interface ProcessOptions {
  env: Record<string, string>;
  /** Flags for node itself (e.g. --cpu-prof). */
  nodeArgs?: string[];
  /** Modules preloaded after tsx (`--import`), e.g. module hooks. */
  imports?: string[];
  /** Working directory (tsx is resolved from it); default the repository. */
  cwd?: string;
}

/** Node running a TypeScript entry through tsx, workspace packages from their sources. */
function spawnTs(entry: string, options: ProcessOptions & { ipc?: boolean }): ChildProcess {
  const preloads = (options.imports ?? []).flatMap((module) => ['--import', module]);
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), '--conditions=@taskgate/source', '--import', 'tsx', ...preloads, entry], {
    cwd: options.cwd ?? REPO_ROOT,
    env: { ...process.env, ...options.env },
    // stdout (one JSON log line per request) goes to /dev/null: writing it is part of the cost measured.
    stdio: ['ignore', 'ignore', 'pipe', ...(options.ipc ? ['ipc' as const] : [])],
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  return child;
}

function stderrTail(child: ChildProcess): () => string {
  let tail = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    tail = (tail + chunk.toString()).slice(-4000);
  });
  return () => tail.trim();
}

/** Starts an HTTP server process and resolves once GET /healthz answers 200. */
export async function startServer(options: ProcessOptions & { name: string; entry: string; port: number }): Promise<ChildServer> {
  const child = spawnTs(options.entry, options);
  const tail = stderrTail(child);
  const origin = `http://127.0.0.1:${options.port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${options.name} exited before it was ready (${child.signalCode ?? child.exitCode}):\n${tail()}`);
    }
    const healthy = await fetch(`${origin}/healthz`).then((response) => response.ok, () => false);
    if (healthy) break;
    if (Date.now() > deadline) {
      await stopChild(child);
      throw new Error(`${options.name} was not ready within 60 s:\n${tail()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { name: options.name, origin, pid: child.pid, cpuSeconds: () => processCpuSeconds(child.pid), stop: () => stopChild(child) };
}

/** Starts a process that sends one IPC message with its result once ready (the embedded database). */
export async function startWithMessage<T>(entry: string, env: Record<string, string> = {}): Promise<{ message: T; stop(): Promise<void> }> {
  const child = spawnTs(entry, { env, ipc: true });
  const tail = stderrTail(child);
  const message = await new Promise<T>((resolve, reject) => {
    child.once('message', (value) => resolve(value as T));
    child.once('exit', (code, signal) => reject(new Error(`${entry} exited before it was ready (${signal ?? code}):\n${tail()}`)));
  });
  return { message, stop: () => stopChild(child) };
}

/** SIGTERM (graceful: the API finishes in-flight requests, a CPU profile gets written), then SIGKILL. */
function stopChild(child: ChildProcess, graceMs = 15_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/**
 * Resolves once `file` exists: what a child process writes on a signal (a CPU profile, a tail
 * recording), renamed into place once whole, so its appearance means it is complete.
 */
export async function fileWrittenBy(name: string, file: string, timeoutMs: number): Promise<string> {
  for (const deadline = Date.now() + timeoutMs; !existsSync(file); ) {
    if (Date.now() > deadline) throw new Error(`${name} did not write ${file} within ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return file;
}

/** Last resort when the benchmark itself is interrupted: no child outlives it. */
export function killAllChildren(): void {
  for (const child of running) child.kill('SIGKILL');
}

let clockTicksPerSecond: number | undefined;

/** utime + stime from /proc/<pid>/stat (Linux): less sensitive to a busy machine than req/s. */
function processCpuSeconds(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name start at field 3; utime and stime are 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    clockTicksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    return (Number(fields[11]) + Number(fields[12])) / clockTicksPerSecond;
  } catch {
    return undefined;
  }
}
