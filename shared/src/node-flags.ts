// Node's own flags for the API process, wherever it is started as in production: `pnpm start`
// (scripts/system.ts), the api image's CMD and the api package's `start` script (both checked against
// this list by test/deployment/images.test.ts), and the benchmark's API processes.

/**
 * Young-generation semi-spaces of up to 64 MB (Node 20: 16 MB). A request's objects die young, but
 * with a hundred requests in flight many are still alive at each scavenge, so a small young
 * generation copies and promotes them over and over. Measured on the tasks page
 * (docs/decisions/0012-lean-hot-reads.md): 17–28 % less CPU per request, resident memory within the
 * run-to-run noise (430–560 MB either way under load).
 */
export const API_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=64'];
