// Node's own flags for the API process, wherever it is started as in production: `pnpm start`
// (scripts/system.ts), the api image's CMD and the api package's `start` script (both checked against
// this list by test/deployment/images.test.ts), and the benchmark's API processes.
// Why each, with the measurements: docs/decisions/0012-lean-hot-reads.md.

/**
 * `--max-semi-space-size=64`: young-generation semi-spaces of up to 64 MB (Node 20: 16 MB). A
 * request's objects die young, but with a hundred requests in flight many are still alive at each
 * scavenge, so a small young generation copies and promotes them over and over: 17–28 % less CPU per
 * tasks page, resident memory within the run-to-run noise.
 *
 * `--no-allocation-site-pretenuring`: V8 watches which allocation sites' objects survive a scavenge
 * and, past a threshold, allocates their objects in the old generation from then on. Requests caught in
 * flight by a scavenge are enough for it to pretenure sites on every request's path; each pretenured
 * object then keeps the young objects it points to (a row's strings and dates) alive through the next
 * scavenge. Without it (and with scope-cache-release.ts) a scavenge promotes 0.6–0.8 MB instead of
 * 3.5, pauses 4–6 ms instead of 14–18, and a tasks page costs about a quarter less CPU.
 */
export const API_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=64', '--no-allocation-site-pretenuring'];
