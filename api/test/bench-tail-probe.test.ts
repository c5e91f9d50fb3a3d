// The benchmark's tail probe (api/bench/tail-probe/register.mjs, tail-pass.ts): it records only between
// two signals, and the summary counts the slowest requests that overlapped a collection's pause.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LoadResult } from '../bench/load.ts';
import { fileWrittenBy } from '../bench/processes.ts';
import { summarizeTail, tailProbeFor, type TailRecording } from '../bench/tail-pass.ts';

const client: LoadResult = { connections: 10, requestsPerSecond: 1000, latencyP50Ms: 5, latencyP99Ms: 30, requests: 100, failures: 0 };

describe('summarizeTail', () => {
  it('counts the slowest 1 % and those of them a collection paused', () => {
    // 100 requests of 5 ms, one every 10 ms; requests 40 and 90 took 50 ms, and a collection paused 45–52 ms into the run.
    const requests: [number, number][] = Array.from({ length: 100 }, (_, index) => [index * 10, index === 40 || index === 90 ? 50 : 5]);
    const recording: TailRecording = {
      wallMs: 1000,
      requests,
      collections: [[420, 8, 'minor'], [2000, 1, 'major']],
      loopDelayP99Ms: 9,
      loopDelayMaxMs: 12,
      mainThreadRunningMs: 800,
      mainThreadWaitingMs: 150,
    };
    const report = summarizeTail(recording, client);
    expect(report).toMatchObject({ requests: 100, serverP99Ms: 50, serverMaxMs: 50, serverP50Ms: 5, slowest: 2, slowestDuringCollection: 1 });
    expect(report).toMatchObject({ minorCollections: 1, majorCollections: 1, collectionPauseMaxMs: 8, mainThreadRunningShare: 0.8, mainThreadWaitingShare: 0.15 });
    expect(report.collectionShare).toBeCloseTo(0.009);
  });
});

describe('the tail probe', () => {
  it('records the requests and collections between two SIGWINCH signals, and nothing before', async () => {
    const probe = tailProbeFor(mkdtempSync(join(tmpdir(), 'taskgate-tail-probe-')));
    const server = `
      const http = require('node:http');
      const server = http.createServer((request, response) => response.end('ok'));
      server.listen(0, '127.0.0.1', () => process.send(server.address().port));
    `;
    const child = spawn(process.execPath, [...probe.nodeArgs, '-e', server], { env: { ...process.env, ...probe.env }, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    try {
      const port = await new Promise<number>((resolve) => child.once('message', (message) => resolve(message as number)));
      const get = () => fetch(`http://127.0.0.1:${port}/`).then((response) => response.text());
      await get(); // before recording: not counted
      child.kill('SIGWINCH');
      await new Promise((resolve) => setTimeout(resolve, 100));
      for (let index = 0; index < 3; index++) await get();
      child.kill('SIGWINCH');
      const file = await fileWrittenBy('the probed server', join(probe.directory, `${child.pid}.json`), 10_000);
      const recording = JSON.parse(readFileSync(file, 'utf8')) as TailRecording;
      expect(recording.requests).toHaveLength(3);
      expect(recording.wallMs).toBeGreaterThan(0);
      expect(Array.isArray(recording.collections)).toBe(true);
      if (process.platform === 'linux') expect(recording.mainThreadRunningMs).toBeGreaterThan(0);
    } finally {
      child.kill();
    }
  });
});
