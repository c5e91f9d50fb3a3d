// Preloaded (`node --import`) into the benchmark's API and baseline processes when BENCH_CPU_PROF=1:
// a CPU profiler that samples only between two SIGUSR2 signals, so the measured rounds run without a
// sampler (profile-pass.ts). The second signal writes the profile to $BENCH_PROFILE_DIR/<pid>.cpuprofile.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';

const directory = process.env.BENCH_PROFILE_DIR;
let session;

process.on('SIGUSR2', () => {
  if (!directory) return;
  if (!session) {
    session = new Session();
    session.connect();
    session.post('Profiler.enable', () => session.post('Profiler.start'));
    return;
  }
  const running = session;
  session = undefined;
  running.post('Profiler.stop', (error, result) => {
    running.disconnect();
    if (error) return console.error('benchmark profiler:', error);
    mkdirSync(directory, { recursive: true });
    // Renamed into place once whole: the benchmark reads it as soon as it appears.
    const file = join(directory, `${process.pid}.cpuprofile`);
    writeFileSync(`${file}.partial`, JSON.stringify(result.profile));
    renameSync(`${file}.partial`, file);
  });
});
