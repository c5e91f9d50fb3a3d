// The server-side record of every error the client only sees masked, tagged with its request's id.
// Yoga writes such an original with `logger.error(original)` where no request is in reach. Reaching
// it through an AsyncLocalStorage cost about 10 % of a tasks page's CPU on Node 20, whose promise
// hooks then run for every promise of every request (docs/decisions/0012-lean-hot-reads.md). So the
// mask hands each original it replaces to this log, which holds it until the request's result is
// processed: request-log.ts writes it there, with the request id. Anything not claimed by the next
// turn of the event loop (an error in a later event of a subscription stream) is written then,
// without a request id, so no error line is lost.
import type { Logger } from './logger.ts';

type MaskError = (error: unknown, message: string, isDev?: boolean) => Error;

export class MaskedErrorLog {
  readonly #logger: Logger;
  /**
   * [masked error (what the client gets), the original it replaced], until written. An array, not a
   * Map: a Map cleared every turn would keep each turn's errors alive through the young generation's
   * collections once it has been through a full one (shared/src/slot-set.ts says why).
   */
  #held: [unknown, unknown][] = [];
  /** Originals held here, which Yoga's own logger.error(original) then skips (logger.ts). */
  readonly #originals = new WeakSet<object>();
  #flush: NodeJS.Immediate | undefined;

  constructor(logger: Logger) {
    this.#logger = logger;
  }

  /** `maskError`, with every error it replaces held here. */
  masking(maskError: MaskError): MaskError {
    return (error, message, isDev) => {
      const masked = maskError(error, message, isDev);
      if (masked !== error) this.#hold(masked, error);
      return masked;
    };
  }

  /** Whether this log writes `original` itself. */
  holds(original: unknown): boolean {
    return typeof original === 'object' && original !== null && this.#originals.has(original);
  }

  /** Writes the originals behind a result's errors, tagged with the request's id. */
  writeFor(errors: readonly unknown[], requestId: string): void {
    if (this.#held.length === 0) return;
    for (const error of errors) {
      const index = this.#held.findIndex(([masked]) => masked === error);
      if (index === -1) continue;
      const [[, original]] = this.#held.splice(index, 1) as [[unknown, unknown]];
      this.#write(original, requestId);
    }
  }

  #hold(masked: Error, original: unknown): void {
    this.#held.push([masked, original]);
    if (typeof original === 'object' && original !== null) this.#originals.add(original);
    this.#flush ??= setImmediate(() => {
      this.#flush = undefined;
      const unclaimed = this.#held;
      this.#held = [];
      for (const [, original] of unclaimed) this.#write(original, undefined);
    });
  }

  #write(original: unknown, requestId: string | undefined): void {
    const message = original instanceof Error ? original.message : 'unexpected error';
    this.#logger.error({ err: original, ...(requestId === undefined ? {} : { requestId }) }, message);
  }
}
