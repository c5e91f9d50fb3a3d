// One simulated user's record of what the API acknowledged to it: the tasks it created, updated and
// deleted. Each user runs one request at a time, so after an acknowledged write the database must show
// exactly the ledger; every read is compared with it, and so is the final database state.
// A write whose outcome the client never learned (5xx, connection error) is recorded as uncertain:
// that row may or may not exist afterwards, but it must still belong to this user.

export interface TaskState {
  title: string;
  description: string | null;
  completed: boolean;
}

/** A task as the API returns it (id is the Relay global id). */
export interface TaskView extends TaskState {
  id: string;
  owner?: { id: string } | null;
}

/** A task row as stored (id is the database id). */
export interface TaskRow extends TaskState {
  id: string;
  ownerId: string;
}

export const taskGlobalId = (databaseId: string) => Buffer.from(`Task:${databaseId}`).toString('base64');
export const userGlobalId = (databaseId: string) => Buffer.from(`User:${databaseId}`).toString('base64');

export interface Mismatch {
  /** cross-user: a row that is not this user's; lost-write: an acknowledged write missing or undone. */
  kind: 'cross-user' | 'lost-write' | 'stale-read' | 'phantom';
  detail: string;
}

export class UserLedger {
  /** Acknowledged, not deleted: global id → state the API last acknowledged. */
  readonly live = new Map<string, TaskState>();
  /** Acknowledged deletions. */
  readonly deleted = new Set<string>();
  /** Existing tasks whose last update or delete got no acknowledgement. */
  readonly uncertain = new Set<string>();
  /** Titles of creates that got no acknowledgement (the row may exist, with an id never seen). */
  readonly uncertainCreates = new Set<string>();
  acknowledgedWrites = 0;

  constructor(
    readonly userId: string,
    readonly userGlobalId: string,
  ) {}

  created(id: string, state: TaskState): void {
    this.live.set(id, state);
    this.acknowledgedWrites++;
  }

  updated(id: string, state: TaskState): void {
    this.live.set(id, state);
    this.uncertain.delete(id);
    this.acknowledgedWrites++;
  }

  removed(id: string): void {
    this.live.delete(id);
    this.uncertain.delete(id);
    this.deleted.add(id);
    this.acknowledgedWrites++;
  }

  outcomeUnknown(write: { id: string } | { createTitle: string }): void {
    if ('id' in write) this.uncertain.add(write.id);
    else this.uncertainCreates.add(write.createTitle);
  }

  /**
   * Live tasks whose last write was acknowledged: the only ones this user writes to again. A delete
   * with an unknown outcome may have removed its row (committed, then the replica died before
   * answering), so an update aimed at it could rightly answer NOT_FOUND.
   */
  settledIds(): string[] {
    return [...this.live.keys()].filter((id) => !this.uncertain.has(id));
  }

  /** Every id this user may ask about; ids of deleted tasks must read as null. */
  knownIds(): string[] {
    return [...this.live.keys(), ...this.deleted, ...this.uncertain];
  }

  /** A single task read (task(id) or node(id)): the ledger's state, or null when deleted. */
  checkTask(id: string, view: TaskView | null): Mismatch[] {
    if (view && view.id !== id) return [{ kind: 'cross-user', detail: `asked for ${id}, got ${view.id}` }];
    if (view) {
      const ownerProblem = this.checkOwner(view);
      if (ownerProblem) return [ownerProblem];
    }
    if (this.uncertain.has(id)) return [];
    const expected = this.live.get(id);
    if (expected && !view) return [{ kind: 'lost-write', detail: `acknowledged task ${id} read as null` }];
    if (!expected && view) {
      return this.deleted.has(id)
        ? [{ kind: 'lost-write', detail: `task ${id} deleted with acknowledgement but still readable` }]
        : [{ kind: 'cross-user', detail: `task ${id} is not in this user's ledger` }];
    }
    if (expected && view && !sameState(expected, view)) {
      return [{ kind: 'stale-read', detail: `task ${id}: expected ${JSON.stringify(expected)}, read ${JSON.stringify(pick(view))}` }];
    }
    return [];
  }

  /**
   * A complete listing (all pages, optionally filtered): exactly the live tasks that match, each once,
   * plus possibly uncertain ones.
   */
  checkListing(views: TaskView[], matches: (state: TaskState) => boolean = () => true): Mismatch[] {
    const mismatches: Mismatch[] = [];
    const seen = new Set<string>();
    for (const view of views) {
      if (seen.has(view.id)) mismatches.push({ kind: 'stale-read', detail: `task ${view.id} listed twice` });
      seen.add(view.id);
      const ownerProblem = this.checkOwner(view);
      if (ownerProblem) {
        mismatches.push(ownerProblem);
        continue;
      }
      if (this.uncertain.has(view.id)) continue;
      const expected = this.live.get(view.id);
      if (!expected) {
        if (this.deleted.has(view.id)) mismatches.push({ kind: 'lost-write', detail: `deleted task ${view.id} still listed` });
        else if (!this.uncertainCreates.has(view.title)) mismatches.push({ kind: 'cross-user', detail: `listed task ${view.id} is not in this user's ledger` });
        continue;
      }
      if (!sameState(expected, view)) {
        mismatches.push({ kind: 'stale-read', detail: `listed task ${view.id}: expected ${JSON.stringify(expected)}, read ${JSON.stringify(pick(view))}` });
      }
    }
    for (const [id, state] of this.live) {
      if (matches(state) && !seen.has(id) && !this.uncertain.has(id)) mismatches.push({ kind: 'lost-write', detail: `acknowledged task ${id} missing from the listing` });
    }
    return mismatches;
  }

  /** The database's rows owned by this user against the ledger: nothing lost, nothing extra. */
  checkStoredRows(rows: TaskRow[]): Mismatch[] {
    const views = rows.map((row) => ({ ...row, id: taskGlobalId(row.id), owner: { id: userGlobalId(row.ownerId) } }));
    return this.checkListing(views).map((mismatch) =>
      mismatch.kind === 'cross-user' ? { kind: 'phantom', detail: `stored ${mismatch.detail.replace(/^listed /, '')}` } : mismatch,
    );
  }

  private checkOwner(view: TaskView): Mismatch | null {
    if (view.owner && view.owner.id !== this.userGlobalId) {
      return { kind: 'cross-user', detail: `task ${view.id} owned by ${view.owner.id} returned to ${this.userGlobalId}` };
    }
    return null;
  }
}

const pick = ({ title, description, completed }: TaskState): TaskState => ({ title, description, completed });

function sameState(expected: TaskState, actual: TaskState): boolean {
  return expected.title === actual.title && expected.description === actual.description && expected.completed === actual.completed;
}
