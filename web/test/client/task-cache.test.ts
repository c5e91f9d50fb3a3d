// Live task events applied to the Apollo cache with the app's own type policies: every cached list
// (one per filter) gains, keeps, updates or loses the task as its filter and order say, and nothing is
// ever listed twice.
import type { InMemoryCache } from '@apollo/client';
import { beforeEach, describe, expect, it } from 'vitest';
import type { TaskFieldsFragment, TaskListQueryVariables } from '../../src/gql/graphql';
import { createCache } from '../../src/lib/apollo';
import { TaskListQuery } from '../../src/features/tasks/operations';
import { applyTaskEvent, cachedTaskLists, placeTask, prependTask, type TaskEvent } from '../../src/features/tasks/task-cache';
import { taskListVariables } from '../../src/features/tasks/task-filter';

const ALL = taskListVariables('all', '');
const ACTIVE = taskListVariables('active', '');
const COMPLETED = taskListVariables('completed', '');
const SEARCH_MILK = taskListVariables('all', 'milk');

function task(id: string, minute: number, fields: Partial<TaskFieldsFragment> = {}): TaskFieldsFragment {
  const at = new Date(Date.UTC(2026, 11, 5, 6, minute)).toISOString();
  return { __typename: 'Task', id, title: `Task ${id}`, description: null, completed: false, createdAt: at, updatedAt: at, ...fields };
}

function writeList(cache: InMemoryCache, variables: TaskListQueryVariables, tasks: TaskFieldsFragment[], hasNextPage = false) {
  cache.writeQuery({
    query: TaskListQuery,
    variables,
    data: {
      tasks: {
        __typename: 'TaskConnection',
        edges: tasks.map((node) => ({ __typename: 'TaskEdge', cursor: `cursor-${node.id}`, node })),
        pageInfo: {
          __typename: 'PageInfo',
          hasNextPage,
          hasPreviousPage: false,
          startCursor: tasks.length ? `cursor-${tasks[0]!.id}` : null,
          endCursor: tasks.length ? `cursor-${tasks.at(-1)!.id}` : null,
        },
      },
    },
  });
}

function listed(cache: InMemoryCache, variables: TaskListQueryVariables): string[] {
  return cache.readQuery({ query: TaskListQuery, variables })?.tasks.edges.map((edge) => edge.node.title) ?? [];
}

const created = (node: TaskFieldsFragment): TaskEvent => ({ __typename: 'TaskEvent', kind: 'CREATED', taskId: node.id, task: node });
const updated = (node: TaskFieldsFragment): TaskEvent => ({ __typename: 'TaskEvent', kind: 'UPDATED', taskId: node.id, task: node });
const deleted = (id: string): TaskEvent => ({ __typename: 'TaskEvent', kind: 'DELETED', taskId: id, task: null });

const milk = task('1', 1, { title: 'Buy milk' });
const report = task('2', 2, { title: 'Write report', completed: true });
const call = task('3', 3, { title: 'Call Ann', description: 'About the MILK rota' });

let cache: InMemoryCache;
beforeEach(() => {
  cache = createCache();
  writeList(cache, ALL, [call, report, milk]);
  writeList(cache, ACTIVE, [call, milk]);
  writeList(cache, COMPLETED, [report]);
  writeList(cache, SEARCH_MILK, [call, milk]);
});

describe('a created task', () => {
  it('appears at the top of every cached list whose filter and search it matches, and only there', () => {
    applyTaskEvent(cache, created(task('4', 4, { title: 'Milk the cows' })));
    expect(listed(cache, ALL)).toEqual(['Milk the cows', 'Call Ann', 'Write report', 'Buy milk']);
    expect(listed(cache, ACTIVE)).toEqual(['Milk the cows', 'Call Ann', 'Buy milk']);
    expect(listed(cache, COMPLETED)).toEqual(['Write report']);
    expect(listed(cache, SEARCH_MILK)).toEqual(['Milk the cows', 'Call Ann', 'Buy milk']);
  });

  it('matches a search in its description, whatever the case, and stays out of a search it does not match', () => {
    applyTaskEvent(cache, created(task('4', 4, { title: 'Dentist', description: 'bring the MiLk voucher' })));
    applyTaskEvent(cache, created(task('5', 5, { title: 'Gym' })));
    expect(listed(cache, SEARCH_MILK)).toEqual(['Dentist', 'Call Ann', 'Buy milk']);
  });

  it('is listed once when this tab created it: the event after the mutation, or before it', () => {
    const mine = task('4', 4, { title: 'Mine' });
    prependTask(cache, ALL, mine);
    applyTaskEvent(cache, created(mine));
    applyTaskEvent(cache, created(mine));
    const other = task('5', 5, { title: 'Also mine' });
    applyTaskEvent(cache, created(other));
    prependTask(cache, ALL, other);
    expect(listed(cache, ALL)).toEqual(['Also mine', 'Mine', 'Call Ann', 'Write report', 'Buy milk']);
  });

  it('leaves "Load more" continuing from the last task the server listed', () => {
    applyTaskEvent(cache, created(task('4', 4)));
    const page = cache.readQuery({ query: TaskListQuery, variables: ALL })!.tasks.pageInfo;
    expect(page.endCursor).toBe('cursor-1');
  });
});

describe('an updated task', () => {
  it('changes in place in every list that shows it', () => {
    applyTaskEvent(cache, updated({ ...call, title: 'Call Ann back', updatedAt: later(call) }));
    expect(listed(cache, ALL)).toEqual(['Call Ann back', 'Write report', 'Buy milk']);
    expect(listed(cache, ACTIVE)).toEqual(['Call Ann back', 'Buy milk']);
    expect(listed(cache, SEARCH_MILK)).toEqual(['Call Ann back', 'Buy milk']);
  });

  it('marked complete leaves the Active list and enters Completed where its age puts it', () => {
    applyTaskEvent(cache, updated({ ...milk, completed: true, updatedAt: later(milk) }));
    expect(listed(cache, ACTIVE)).toEqual(['Call Ann']);
    expect(listed(cache, COMPLETED)).toEqual(['Write report', 'Buy milk']);
    expect(listed(cache, ALL)).toEqual(['Call Ann', 'Write report', 'Buy milk']);
  });

  it('leaves a search it no longer matches, and enters one it now matches', () => {
    applyTaskEvent(cache, updated({ ...milk, title: 'Buy bread', updatedAt: later(milk) }));
    applyTaskEvent(cache, updated({ ...report, title: 'Write milk report', updatedAt: later(report) }));
    expect(listed(cache, SEARCH_MILK)).toEqual(['Call Ann', 'Write milk report']);
  });

  it('older than what the cache holds (this tab already saved something newer) changes nothing', () => {
    applyTaskEvent(cache, updated({ ...milk, title: 'Buy oat milk', updatedAt: later(milk, 2) }));
    applyTaskEvent(cache, updated({ ...milk, title: 'Buy milk!', completed: true, updatedAt: later(milk, 1) }));
    expect(listed(cache, ALL)).toEqual(['Call Ann', 'Write report', 'Buy oat milk']);
    expect(listed(cache, ACTIVE)).toEqual(['Call Ann', 'Buy oat milk']);
    expect(listed(cache, COMPLETED)).toEqual(['Write report']);
  });

  it('older than every loaded task waits for "Load more" while pages remain, and is appended when none do', () => {
    writeList(cache, COMPLETED, [report], true);
    applyTaskEvent(cache, updated({ ...milk, completed: true, updatedAt: later(milk) }));
    expect(listed(cache, COMPLETED)).toEqual(['Write report']);
    writeList(cache, COMPLETED, [report], false);
    applyTaskEvent(cache, updated({ ...milk, completed: true, updatedAt: later(milk, 2) }));
    expect(listed(cache, COMPLETED)).toEqual(['Write report', 'Buy milk']);
  });
});

describe('a deleted task', () => {
  it('disappears from every list and from the cache', () => {
    applyTaskEvent(cache, deleted(call.id));
    expect(listed(cache, ALL)).toEqual(['Write report', 'Buy milk']);
    expect(listed(cache, ACTIVE)).toEqual(['Buy milk']);
    expect(listed(cache, SEARCH_MILK)).toEqual(['Buy milk']);
    expect(cache.extract()[cache.identify(call)!]).toBeUndefined();
  });

  it('twice, or one this tab already removed, changes nothing more', () => {
    applyTaskEvent(cache, deleted(call.id));
    applyTaskEvent(cache, deleted(call.id));
    applyTaskEvent(cache, deleted('never-seen'));
    expect(listed(cache, ALL)).toEqual(['Write report', 'Buy milk']);
  });
});

describe('the cached lists', () => {
  it('are found by their filter, one per filter', () => {
    expect(cachedTaskLists(cache).map((variables) => variables.filter)).toEqual([{}, { completed: false }, { completed: true }, { search: 'milk' }]);
  });

  it('placeTask returns the same edges when nothing changes', () => {
    const edges = cache.readQuery({ query: TaskListQuery, variables: ALL })!.tasks.edges;
    expect(placeTask(edges, call, { belongs: true, allLoaded: true })).toBe(edges);
    expect(placeTask(edges, task('9', 9), { belongs: false, allLoaded: true })).toBe(edges);
  });
});

function later(of: TaskFieldsFragment, minutes = 1): string {
  return new Date(Date.parse(of.updatedAt) + minutes * 60_000).toISOString();
}
