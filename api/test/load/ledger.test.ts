// The ledger is what the load test trusts: each kind of violation it must catch, it catches.
import { describe, expect, it } from 'vitest';
import { taskGlobalId, UserLedger, userGlobalId, type TaskView } from './ledger.ts';

const me = userGlobalId('me');
const someoneElse = userGlobalId('someone-else');
const view = (id: string, title: string, owner = me, completed = false): TaskView => ({ id, title, description: null, completed, owner: { id: owner } });

function ledgerWithTwoTasks() {
  const ledger = new UserLedger('me', me);
  ledger.created('A', { title: 'a', description: null, completed: false });
  ledger.created('B', { title: 'b', description: null, completed: false });
  return ledger;
}

describe('UserLedger', () => {
  it('accepts a listing that is exactly the acknowledged state', () => {
    expect(ledgerWithTwoTasks().checkListing([view('B', 'b'), view('A', 'a')])).toEqual([]);
  });

  it('catches another user\'s row, by owner or by an id it never created', () => {
    const ledger = ledgerWithTwoTasks();
    const kinds = ledger.checkListing([view('A', 'a'), view('B', 'b'), view('C', 'c', someoneElse), view('D', 'd')]).map((m) => m.kind);
    expect(kinds).toEqual(['cross-user', 'cross-user']);
    expect(ledger.checkTask('A', view('A', 'a', someoneElse))[0]?.kind).toBe('cross-user');
    expect(ledger.checkTask('Z', view('Z', 'z'))[0]?.kind).toBe('cross-user');
  });

  it('catches a lost create, a lost update and a lost delete', () => {
    const ledger = ledgerWithTwoTasks();
    ledger.updated('A', { title: 'a2', description: 'new', completed: true });
    ledger.removed('B');
    expect(ledger.checkListing([]).map((m) => m.kind)).toEqual(['lost-write']); // A missing
    expect(ledger.checkListing([view('A', 'a')]).map((m) => m.kind)).toEqual(['stale-read']); // update lost
    expect(ledger.checkTask('B', view('B', 'b'))[0]?.kind).toBe('lost-write'); // delete lost
    expect(ledger.checkTask('A', null)[0]?.kind).toBe('lost-write');
  });

  it('applies a filter: only the matching acknowledged tasks must be listed', () => {
    const ledger = ledgerWithTwoTasks();
    ledger.updated('A', { title: 'a', description: null, completed: true });
    expect(ledger.checkListing([view('A', 'a', me, true)], (state) => state.completed)).toEqual([]);
    expect(ledger.checkListing([], (state) => state.completed).map((m) => m.kind)).toEqual(['lost-write']);
  });

  it('lets a write without acknowledgement go either way, but not to another user', () => {
    const ledger = ledgerWithTwoTasks();
    ledger.outcomeUnknown({ id: 'A' });
    ledger.outcomeUnknown({ createTitle: 'maybe' });
    expect(ledger.checkListing([view('B', 'b')])).toEqual([]);
    expect(ledger.checkListing([view('B', 'b'), view('A', 'changed'), view('N', 'maybe')])).toEqual([]);
    expect(ledger.checkListing([view('B', 'b'), view('A', 'a', someoneElse)]).map((m) => m.kind)).toEqual(['cross-user']);
  });

  it('aims no further write at a task whose last write went unacknowledged (it may be gone)', () => {
    const ledger = ledgerWithTwoTasks();
    ledger.outcomeUnknown({ id: 'A' });
    expect(ledger.settledIds()).toEqual(['B']);
    expect(ledger.knownIds()).toContain('A');
  });

  it('compares stored rows with the ledger: nothing lost, nothing extra', () => {
    const ledger = new UserLedger('me', me);
    ledger.created(taskGlobalId('1'), { title: 'one', description: null, completed: false });
    const row = (id: string, title: string) => ({ id, ownerId: 'me', title, description: null, completed: false });
    expect(ledger.checkStoredRows([row('1', 'one')])).toEqual([]);
    expect(ledger.checkStoredRows([]).map((m) => m.kind)).toEqual(['lost-write']);
    expect(ledger.checkStoredRows([row('1', 'one'), row('2', 'two')]).map((m) => m.kind)).toEqual(['phantom']);
  });
});
