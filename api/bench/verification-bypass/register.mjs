// Preloaded (`node --import`) into the benchmark's second API process only: swaps the API's token
// verifier for ./verify.ts through a module resolution hook, so `api/src` has no bypass of any kind.
import { register } from 'node:module';

register('./hooks.mjs', import.meta.url);
