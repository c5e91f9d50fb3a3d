// Preloaded (`node --import`) into the benchmark's API process: what the slowest requests at 10
// connections waited for (tail-pass.ts). Idle until SIGWINCH (ignored by a process without it, and
// not SIGUSR2, which the CPU profiler already listens to); the second SIGWINCH writes
// $BENCH_TAIL_DIR/<pid>.json. While idle it wraps nothing and observes nothing, so the measured
// rounds run without it.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { constants, monitorEventLoopDelay, performance, PerformanceObserver } from 'node:perf_hooks';

const directory = process.env.BENCH_TAIL_DIR;
let recording;

/** The main thread's time on a CPU and waiting for one, in ms (Linux schedstat; undefined elsewhere). */
function mainThreadSchedule() {
  try {
    const [running, waiting] = readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8').split(' ').map(Number);
    return { running: running / 1e6, waiting: waiting / 1e6 };
  } catch {
    return undefined;
  }
}

function start() {
  const requests = [];
  const collections = [];
  const emit = http.Server.prototype.emit;
  // Server-side time of each request: from Node's 'request' event to the response's last byte handed to the kernel.
  http.Server.prototype.emit = function (event, request, response) {
    if (event === 'request') {
      const started = performance.now();
      response.once('finish', () => requests.push([started, performance.now() - started]));
    }
    return emit.apply(this, arguments);
  };
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) collections.push([entry.startTime, entry.duration, entry.detail?.kind === constants.NODE_PERFORMANCE_GC_MINOR ? 'minor' : 'major']);
  });
  observer.observe({ entryTypes: ['gc'] });
  const loopDelay = monitorEventLoopDelay({ resolution: 1 });
  loopDelay.enable();
  return { requests, collections, observer, loopDelay, emit, started: performance.now(), schedule: mainThreadSchedule() };
}

function stop(state) {
  http.Server.prototype.emit = state.emit;
  state.observer.disconnect();
  state.loopDelay.disable();
  const schedule = mainThreadSchedule();
  return {
    wallMs: performance.now() - state.started,
    requests: state.requests,
    collections: state.collections,
    loopDelayP99Ms: state.loopDelay.percentile(99) / 1e6,
    loopDelayMaxMs: state.loopDelay.max / 1e6,
    ...(schedule && state.schedule
      ? { mainThreadRunningMs: schedule.running - state.schedule.running, mainThreadWaitingMs: schedule.waiting - state.schedule.waiting }
      : {}),
  };
}

process.on('SIGWINCH', () => {
  if (!directory) return;
  if (!recording) {
    recording = start();
    return;
  }
  const result = stop(recording);
  recording = undefined;
  mkdirSync(directory, { recursive: true });
  // Renamed into place once whole: the benchmark reads it as soon as it appears.
  const file = join(directory, `${process.pid}.json`);
  writeFileSync(`${file}.partial`, JSON.stringify(result));
  renameSync(`${file}.partial`, file);
});
