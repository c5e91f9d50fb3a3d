// API_WORKERS > 1: this process becomes a node:cluster primary that runs that many API processes on
// the same port (the primary hands out connections round-robin) so one host uses all its cores.
// The primary serves nothing itself: it replaces a worker that dies, and on SIGTERM/SIGINT passes the
// signal on, waits for every worker to drain and finish, and exits 0.
import cluster, { type Worker } from 'node:cluster';

/** A worker dying more often than this means a bug or a bad environment, not bad luck: give up. */
const MAX_RESTARTS = 5;
const RESTART_WINDOW_MS = 60_000;

/** Runs `serve` here (1 worker, or inside a worker), or forks `workers` processes that each run it. */
export function runWorkers(workers: number, serve: (isFirst: boolean) => void): void {
  if (workers <= 1) return serve(true);
  if (cluster.isWorker) return serve(cluster.worker?.id === 1);

  let stopping = false;
  const restarts: number[] = [];
  // Our own count: cluster.workers may still list a worker while its 'exit' event runs.
  const running = new Set<Worker>();
  const fork = () => running.add(cluster.fork());
  for (let i = 0; i < workers; i++) fork();

  cluster.on('exit', (worker, code, signal) => {
    running.delete(worker);
    if (stopping) {
      if (running.size === 0) process.exit(0);
      return;
    }
    const now = Date.now();
    restarts.push(now);
    while (restarts.length > 0 && (restarts[0] ?? now) < now - RESTART_WINDOW_MS) restarts.shift();
    if (restarts.length > MAX_RESTARTS) {
      console.error(`API worker ${worker.process.pid} exited (${signal ?? code}); ${restarts.length} restarts within a minute, giving up`);
      process.exit(1);
    }
    console.error(`API worker ${worker.process.pid} exited (${signal ?? code}); starting another`);
    fork();
  });

  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    for (const worker of running) worker.process.kill(signal);
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}
