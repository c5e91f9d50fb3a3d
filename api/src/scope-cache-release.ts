// Scope-auth keeps a request's scope checks in a cache it stores in a WeakMap keyed by the request's
// context, and that cache holds the context. V8's young-generation collector visits a WeakMap's values
// as live, so an entry whose value leads back to its key is never freed by a scavenge: each request's
// context, and everything reachable from it (the Request, the rows read), was promoted to the old
// generation at the next scavenge. With V8's allocation-site pretenuring also off (the other half,
// @taskgate/shared/node-flags), a scavenge promotes a fifth of what it did: its pause, which set the
// p99 at 10 connections, fell from about 18 to 5–7 ms, and a tasks page costs a quarter less CPU
// (docs/decisions/0012-lean-hot-reads.md).
//
// So the entry is deleted once the operation's result is complete. A lookup for the same context after
// that (none happens: serializing the result runs no resolver) would start an empty cache and check
// every scope anew; nothing is granted without a check.
import { RequestCache } from '@pothos/plugin-scope-auth';
import type { Plugin } from 'graphql-yoga';

export function useScopeCacheRelease(): Plugin {
  return {
    onExecute() {
      return {
        onExecuteDone({ args }) {
          RequestCache.clearForContext(args.contextValue);
        },
      };
    },
  };
}
