// The open subscription streams of this process (Server-Sent Events, one per subscription), and the
// Yoga plugin that holds each one to its token:
//   - at the token's exp, or when its session is revoked, the stream sends a last `next` payload
//     `{ errors: [{ message, extensions: { code: 'UNAUTHENTICATED' } }] }` and completes; an event is
//     never delivered once the token has expired or been revoked (checked again before each one);
//   - SUBSCRIPTIONS_PER_USER streams per user and MAX_SUBSCRIPTIONS in all, per process; one more is
//     refused with TOO_MANY_SUBSCRIPTIONS (429) or SUBSCRIPTION_CAPACITY_REACHED (503);
//   - a client that goes away (the request's signal aborts) ends its stream and frees its timer,
//     listener and topic subscription; so does the server draining before it stops (`endAll`), which
//     completes every stream without an error: the client reconnects, to another replica.
import { GraphQLError, type ExecutionResult } from 'graphql';
import { isAsyncIterable, Repeater, type Plugin } from 'graphql-yoga';
import type { GraphQLContext } from '../auth/context.ts';
import type { Identity } from '../auth/verify.ts';
import { failureMessages } from '../auth/verify.ts';
import { DEFAULT_SUBSCRIPTION_LIMITS, type SubscriptionLimits } from '../config.ts';
import { subscriptionCapacityReached, tooManySubscriptions, unauthenticated } from '../errors.ts';

/** Why the server ended a stream: the first two end it with the UNAUTHENTICATED payload. */
export type StreamEnd = 'expired' | 'revoked' | 'shutdown';

interface OpenStream {
  readonly identity: Identity;
  end(reason: StreamEnd): void;
}

export interface SubscriptionStreamsOptions {
  limits?: SubscriptionLimits;
  /** Whether a session has been revoked (the same in-memory set the authentication plugin reads). */
  isRevoked?: (sessionId: string) => boolean;
}

export class SubscriptionStreams {
  readonly limits: SubscriptionLimits;
  readonly #isRevoked: (sessionId: string) => boolean;
  /** Streams plus reserved places (a subscription being set up counts against the limits). */
  #total = 0;
  readonly #perUser = new Map<string, number>();
  readonly #bySession = new Map<string, Set<OpenStream>>();
  #closing = false;

  constructor(options: SubscriptionStreamsOptions = {}) {
    this.limits = options.limits ?? DEFAULT_SUBSCRIPTION_LIMITS;
    this.#isRevoked = options.isRevoked ?? (() => false);
  }

  /** Open streams (and subscriptions being set up) on this process. */
  get size(): number {
    return this.#total;
  }

  countFor(userId: string): number {
    return this.#perUser.get(userId) ?? 0;
  }

  /** Ends every open stream of a revoked session with the UNAUTHENTICATED payload. */
  endSession(sessionId: string): void {
    for (const stream of [...(this.#bySession.get(sessionId) ?? [])]) stream.end('revoked');
  }

  /** The process is stopping: completes every stream and refuses new ones. */
  endAll(): void {
    this.#closing = true;
    for (const streams of [...this.#bySession.values()]) for (const stream of [...streams]) stream.end('shutdown');
  }

  /** The Yoga plugin; place it after authentication. */
  plugin(): Plugin<GraphQLContext> {
    return {
      onSubscribe: ({ args, setResultAndStopExecution }) => {
        const { identity, request } = args.contextValue as GraphQLContext & { request?: Request };
        // No identity only outside the HTTP server; the loggedIn scope refuses the field then.
        if (!identity) return undefined;
        const refusal = this.#reserve(identity.userId);
        if (refusal) {
          setResultAndStopExecution({ errors: [refusal] });
          return undefined;
        }
        let reserved = true;
        const release = () => {
          if (reserved) this.#release(identity.userId);
          reserved = false;
        };
        return {
          onSubscribeResult: ({ result, setResult }) => {
            if (!isAsyncIterable(result)) return release();
            reserved = false; // the stream owns the place now, and frees it when it ends
            setResult(this.#open(result, identity, request?.signal, () => this.#release(identity.userId)));
            return undefined;
          },
          onSubscribeError: release,
        };
      },
    };
  }

  #reserve(userId: string): GraphQLError | undefined {
    if (this.#closing || this.#total >= this.limits.total) return subscriptionCapacityReached();
    const count = this.countFor(userId);
    if (count >= this.limits.perUser) return tooManySubscriptions(this.limits.perUser);
    this.#total += 1;
    this.#perUser.set(userId, count + 1);
    return undefined;
  }

  #release(userId: string): void {
    this.#total -= 1;
    const count = this.countFor(userId) - 1;
    if (count > 0) this.#perUser.set(userId, count);
    else this.#perUser.delete(userId);
  }

  #endReason(identity: Identity): StreamEnd | undefined {
    if (Date.now() >= identity.expiresAt.getTime()) return 'expired';
    if (this.#isRevoked(identity.sessionId)) return 'revoked';
    return undefined;
  }

  #open(
    result: AsyncIterable<ExecutionResult>,
    identity: Identity,
    signal: AbortSignal | undefined,
    release: () => void,
  ): AsyncIterableIterator<ExecutionResult> {
    const streams = this.#bySession;
    const endReason = () => this.#endReason(identity);
    return new Repeater<ExecutionResult>(async (push, stop) => {
      const source = result[Symbol.asyncIterator]();
      let ended = false;
      const stream: OpenStream = {
        identity,
        end(reason) {
          if (ended) return;
          ended = true;
          // Queued before the stop: the client gets this payload, then `complete`.
          if (reason !== 'shutdown') void push(endedPayload(reason));
          stop();
        },
      };
      const sessionStreams = streams.get(identity.sessionId) ?? new Set<OpenStream>();
      streams.set(identity.sessionId, sessionStreams.add(stream));
      // A timer per stream, cleared when it ends: at most MAX_SUBSCRIPTIONS of them.
      const expiry = setTimeout(() => stream.end('expired'), Math.max(0, identity.expiresAt.getTime() - Date.now()));
      const onAbort = () => stop();
      signal?.addEventListener('abort', onAbort, { once: true });
      if (signal?.aborted) stop();
      const initially = endReason();
      if (initially) stream.end(initially);

      const stopped = stop.then(() => undefined);
      const pump = (async () => {
        for (;;) {
          const next = await Promise.race([source.next(), stopped]);
          if (next === undefined || next.done || ended) return;
          // The timer can fire late, and a revocation can arrive between events: check at delivery.
          const reason = endReason();
          if (reason) return stream.end(reason);
          await push(next.value);
        }
      })();
      pump.then(
        () => stop(),
        (error: unknown) => stop(error),
      );

      await stopped;
      clearTimeout(expiry);
      signal?.removeEventListener('abort', onAbort);
      sessionStreams.delete(stream);
      if (sessionStreams.size === 0 && streams.get(identity.sessionId) === sessionStreams) streams.delete(identity.sessionId);
      release();
      // Unsubscribes from the topic (and, with Redis, from its channel when no one else listens).
      await source.return?.();
    });
  }
}

function endedPayload(reason: 'expired' | 'revoked'): ExecutionResult {
  return { errors: [unauthenticated(failureMessages[reason])] };
}
