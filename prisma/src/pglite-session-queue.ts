// Workaround for pglite-socket 0.2.17 (electric-sql/pglite#1046; fix proposed in PR #977, unreleased).
//
// PGlite has ONE backend session, which pglite-socket shares between client connections by queueing
// their protocol messages one at a time. Upstream keeps the session with one connection only while an
// explicit transaction is open, so two connections' extended-protocol batches (Parse/Bind/Describe/
// Execute/Sync, all on the *unnamed* statement and portal) interleave: Parse A, Parse B, Bind A binds
// B's statement. The errors that follow leave the backend skipping messages until a Sync, so other
// connections' queries are swallowed and their clients wait forever; and a throw inside the queue
// leaves it marked busy for good. Both hang `pnpm dev`'s API and the embedded test database.
//
// This queue gives the session to one connection from its first message until the backend says it is
// idle again (ReadyForQuery with status 'I': the batch is over and no transaction is open), and
// releases it, resetting the session, when that connection goes away half-way.
import type { PGlite } from '@electric-sql/pglite';

interface QueuedWork {
  connectionId: number;
  run(): Promise<void>;
}

/** ReadyForQuery is 'Z', length 5, and one status byte: 'I' idle, 'T' in a transaction, 'E' failed one. */
const READY_FOR_QUERY = [0x5a, 0, 0, 0, 5] as const;
const IDLE = 0x49;
const SYNC = new Uint8Array([0x53, 0, 0, 0, 4]);
const ROLLBACK = simpleQuery('ROLLBACK');

/** The interface pglite-socket's PGLiteSocketHandler calls on its `queryQueue`. */
export class PgliteSessionQueue {
  readonly #db: PGlite;
  readonly #waiting: QueuedWork[] = [];
  #running = false;
  /** The connection the session belongs to until the backend is idle again; null: free. */
  #owner: number | null = null;

  constructor(db: PGlite) {
    this.#db = db;
  }

  /** Runs one protocol message from a connection; resolves with the number of bytes answered. */
  enqueue(connectionId: number, message: Uint8Array, onData: (data: Uint8Array) => void): Promise<number> {
    return new Promise((resolve, reject) => {
      this.#schedule({
        connectionId,
        run: async () => {
          const answer = new AnswerTail();
          try {
            await this.#db.runExclusive(() =>
              this.#db.execProtocolRawStream(message, {
                onRawData: (data) => {
                  answer.add(data);
                  onData(data);
                },
              }),
            );
          } catch (error) {
            // The session's state is unknown: keep it with this connection, whose handler closes the
            // socket on this rejection and so calls clearTransactionIfNeeded, which resets it.
            this.#owner = connectionId;
            reject(error instanceof Error ? error : new Error(String(error)));
            return;
          }
          this.#owner = answer.readyStatus() === IDLE ? null : connectionId;
          resolve(answer.bytes);
        },
      });
    });
  }

  getQueueLength(): number {
    return this.#waiting.length;
  }

  /** The connection went away: its messages that have not run yet are dropped. */
  clearQueueForHandler(connectionId: number): void {
    for (let i = this.#waiting.length - 1; i >= 0; i--) {
      if (this.#waiting[i]?.connectionId === connectionId) this.#waiting.splice(i, 1);
    }
  }

  /**
   * The connection went away: if it held the session (mid-batch or in a transaction), end its batch
   * and roll its transaction back, then give the session to the next connection in line.
   */
  clearTransactionIfNeeded(connectionId: number): Promise<void> {
    return new Promise((resolve) => {
      // Queued as this connection's own work, so it runs right after anything of it still running.
      this.#schedule({
        connectionId,
        run: async () => {
          if (this.#owner === connectionId) {
            try {
              await this.#db.runExclusive(async () => {
                const afterSync = new AnswerTail();
                afterSync.add(await this.#db.execProtocolRaw(SYNC));
                if (afterSync.readyStatus() !== IDLE) await this.#db.execProtocolRaw(ROLLBACK);
              });
            } finally {
              this.#owner = null;
            }
          }
          resolve();
        },
      });
    });
  }

  #schedule(work: QueuedWork): void {
    this.#waiting.push(work);
    void this.#drain();
  }

  async #drain(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    try {
      for (;;) {
        const index = this.#owner === null ? 0 : this.#waiting.findIndex((work) => work.connectionId === this.#owner);
        const [work] = index === -1 ? [] : this.#waiting.splice(index, 1);
        if (!work) break; // nothing waiting, or the owner's next message has not arrived yet
        await work.run().catch(() => undefined); // each run reports its own failure to its caller
      }
    } finally {
      this.#running = false;
    }
  }
}

/** Keeps the byte count and the last bytes of an answer, to read a final ReadyForQuery's status. */
class AnswerTail {
  bytes = 0;
  #tail = new Uint8Array(0);

  add(data: Uint8Array): void {
    this.bytes += data.length;
    const joined = new Uint8Array(this.#tail.length + data.length);
    joined.set(this.#tail);
    joined.set(data, this.#tail.length);
    this.#tail = joined.slice(-6);
  }

  /** The status byte when the answer ends with ReadyForQuery, else undefined (the batch goes on). */
  readyStatus(): number | undefined {
    // No other answer ends in these six bytes: its last message ends in a NUL or a small fixed field.
    if (this.#tail.length < 6 || !READY_FOR_QUERY.every((byte, i) => this.#tail[i] === byte)) return undefined;
    return this.#tail[5];
  }
}

function simpleQuery(sql: string): Uint8Array {
  const text = new TextEncoder().encode(`${sql}\0`);
  const message = new Uint8Array(5 + text.length);
  message[0] = 0x51; // 'Q'
  new DataView(message.buffer).setInt32(1, 4 + text.length);
  message.set(text, 5);
  return message;
}
