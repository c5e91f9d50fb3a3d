// A set of objects that come and go on every request (the responses in flight), kept in array slots
// instead of a `Set`.
//
// Why not a `Set`: V8 keeps a Set in a hash table that it replaces by a new one as members come and
// go, and the replaced table keeps a pointer to its successor and the members it held. Once a table
// is in the old generation (the first full collection under load moves it there), each successor is
// reachable from the dead table before it, which only a full collection frees: every scavenge keeps
// every table since, with every response they held, and promotes them. Measured in a bare node:http
// server, one Set member per request: 0 MB promoted per scavenge before a full collection, 7.4 MB
// after it; with these slots, 0 both times. In the API it was most of the tasks page's survivors
// after a full collection and the pauses they cost (docs/decisions/0012-lean-hot-reads.md).
//
// A removed member's slot is overwritten and reused, so nothing dead points at anything live.
export class SlotSet<T extends object> {
  readonly #slots: (T | undefined)[] = [];
  readonly #free: number[] = [];

  /** Adds `member`; the returned function removes it (once; later calls do nothing). */
  add(member: T): () => void {
    const slot = this.#free.pop() ?? this.#slots.length;
    this.#slots[slot] = member;
    let removed = false;
    return () => {
      if (removed) return;
      removed = true;
      this.#slots[slot] = undefined;
      this.#free.push(slot);
    };
  }

  /** Every slot is either held or free. */
  get size(): number {
    return this.#slots.length - this.#free.length;
  }

  /** The members, in no particular order. */
  *[Symbol.iterator](): IterableIterator<T> {
    for (const member of this.#slots) if (member !== undefined) yield member;
  }
}
