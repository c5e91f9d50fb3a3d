// Measures sign-up and sign-in latency through the whole server (Hono → Better Auth → scrypt → the test
// database). Logs the figures for the closing note; asserts only that the flows succeed.
import { performance } from 'node:perf_hooks';
import { hashPassword } from 'better-auth/crypto';
import { afterAll, expect, inject, it } from 'vitest';
import { createWebHarness, TEST_PASSWORD, uniqueEmail } from './harness.ts';

const SAMPLES = 15;
const web = createWebHarness();
afterAll(() => web.close());

async function timed(run: () => Promise<Response>): Promise<number> {
  const started = performance.now();
  const response = await run();
  const elapsed = performance.now() - started;
  expect(response.status).toBe(200);
  return elapsed;
}

function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

it(`measures sign-up and sign-in p50 over ${SAMPLES} users`, async () => {
  // Warm-up, not counted: the first request pays for Better Auth's initialisation and the first connection.
  const warmUp = { email: uniqueEmail('latency-warmup'), password: TEST_PASSWORD };
  await timed(() => web.signUp(warmUp));
  await timed(() => web.signIn(warmUp));

  const users = Array.from({ length: SAMPLES }, () => ({ email: uniqueEmail('latency'), password: TEST_PASSWORD }));
  const signUps: number[] = [];
  const signIns: number[] = [];
  const hashes: number[] = [];
  for (let i = 0; i < 5; i++) {
    const started = performance.now();
    await hashPassword(TEST_PASSWORD);
    hashes.push(performance.now() - started);
  }
  for (const user of users) signUps.push(await timed(() => web.signUp(user)));
  for (const user of users) signIns.push(await timed(() => web.signIn(user)));

  const format = (samples: number[]) =>
    `p50 ${percentile(samples, 50).toFixed(0)} ms, p90 ${percentile(samples, 90).toFixed(0)} ms, max ${Math.max(...samples).toFixed(0)} ms`;
  console.log(`auth latency on ${inject('databaseKind')} (${SAMPLES} sequential requests each)`);
  console.log(`  sign-up: ${format(signUps)}`);
  console.log(`  sign-in: ${format(signIns)}`);
  console.log(`  scrypt hash alone (the floor): ${format(hashes)}`);
}, 60_000);
