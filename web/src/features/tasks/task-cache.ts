// Cache edits after this tab's mutations, on the list the person is looking at (other lists refresh
// from the network when shown: the list query is cache-and-network), and after the API announced a
// change (applyTaskEvent), on every cached list. Each edit rewrites the whole connection through
// relayStylePagination's merge, so pages already loaded with "Load more" are kept.
import type { ApolloCache } from '@apollo/client';
import type {
  TaskEventsSubscription,
  TaskFieldsFragment,
  TaskListQuery as TaskListData,
  TaskListQueryVariables,
} from '../../gql/graphql';
import { TaskFieldsFragment as TaskFields, TaskListQuery } from './operations';
import { PAGE_SIZE, taskMatches } from './task-filter';

type Connection = TaskListData['tasks'];
type Edge = Connection['edges'][number];
export type TaskEvent = TaskEventsSubscription['taskEvents'];

/** Puts a newly created task at the top of the list (newest first), if the list's filter admits it. */
export function prependTask(cache: ApolloCache, variables: TaskListQueryVariables, task: TaskFieldsFragment): void {
  if (!taskMatches(task, variables)) return;
  updateEdges(cache, variables, (edges) =>
    edges.some((edge) => edge.node.id === task.id)
      ? edges
      : // The server gives cursors only in lists; this edge has none, and nothing paginates from it.
        [{ __typename: 'TaskEdge', cursor: '', node: task }, ...edges],
  );
}

export function removeTask(cache: ApolloCache, variables: TaskListQueryVariables, taskId: string): void {
  updateEdges(cache, variables, (edges) => edges.filter((edge) => edge.node.id !== taskId));
}

/**
 * A change the API announced (taskEvents), made in this tab or another, applied to every cached list.
 * Idempotent: an event this tab's own mutation already reflects, or one older than what the cache
 * holds (updatedAt), changes nothing, and no list ever holds a task twice.
 */
export function applyTaskEvent(cache: ApolloCache, event: TaskEvent): void {
  cache.batch({
    update: (batch) => {
      if (event.kind === 'DELETED' || !event.task) {
        for (const variables of cachedTaskLists(batch)) removeTask(batch, variables, event.taskId);
        // Also from anything else that points at it.
        batch.evict({ id: batch.identify({ __typename: 'Task', id: event.taskId }) });
        batch.gc();
        return;
      }
      const cached = batch.readFragment({ fragment: TaskFields, id: batch.identify(event.task) });
      const task = cached && !isNewer(event.task, cached) ? cached : event.task;
      // Fields change in place wherever the task is shown; a list it now enters or leaves changes below.
      if (cached && task !== cached) batch.writeFragment({ fragment: TaskFields, data: task });
      for (const variables of cachedTaskLists(batch)) {
        updateConnection(batch, variables, (connection) =>
          placeTask(connection.edges, task, { belongs: taskMatches(task, variables), allLoaded: !connection.pageInfo.hasNextPage }),
        );
      }
    },
  });
}

/**
 * `edges` with `task` where the list's order (newest first) puts it, or without it if it does not
 * belong; the same array when nothing changes. A task older than every loaded one is left for the
 * page "Load more" would fetch, unless every page is loaded.
 */
export function placeTask(edges: Edge[], task: TaskFieldsFragment, list: { belongs: boolean; allLoaded: boolean }): Edge[] {
  const index = edges.findIndex((edge) => edge.node.id === task.id);
  if (!list.belongs) return index === -1 ? edges : edges.filter((_, i) => i !== index);
  if (index !== -1) return edges;
  const before = edges.findIndex((edge) => Date.parse(edge.node.createdAt) <= Date.parse(task.createdAt));
  if (before === -1 && !list.allLoaded) return edges;
  const edge: Edge = { __typename: 'TaskEdge', cursor: '', node: task };
  return before === -1 ? [...edges, edge] : [...edges.slice(0, before), edge, ...edges.slice(before)];
}

/** The variables of every task list in the cache, one per `filter` (relayStylePagination's key). */
export function cachedTaskLists(cache: ApolloCache): TaskListQueryVariables[] {
  const lists: TaskListQueryVariables[] = [];
  // cache.modify visits each stored `tasks` field; returning the value unchanged writes nothing. The
  // store name is the field name and its key arguments as JSON: tasks:{"filter":{"completed":true}}.
  cache.modify({
    id: 'ROOT_QUERY',
    fields: {
      tasks(value, { storeFieldName }) {
        const filter = filterOf(storeFieldName);
        if (filter) lists.push({ first: PAGE_SIZE, filter });
        return value;
      },
    },
  });
  return lists;
}

function filterOf(storeFieldName: string): TaskListQueryVariables['filter'] | undefined {
  try {
    const args: unknown = JSON.parse(storeFieldName.slice(storeFieldName.indexOf(':') + 1));
    const filter = typeof args === 'object' && args !== null && 'filter' in args ? args.filter : undefined;
    return typeof filter === 'object' && filter !== null ? filter : undefined;
  } catch {
    return undefined;
  }
}

function isNewer(candidate: TaskFieldsFragment, than: TaskFieldsFragment): boolean {
  return Date.parse(candidate.updatedAt) > Date.parse(than.updatedAt);
}

function updateEdges(cache: ApolloCache, variables: TaskListQueryVariables, change: (edges: Edge[]) => Edge[]): void {
  updateConnection(cache, variables, (connection) => change(connection.edges));
}

function updateConnection(cache: ApolloCache, variables: TaskListQueryVariables, change: (connection: Connection) => Edge[]): void {
  cache.updateQuery({ query: TaskListQuery, variables }, (data) => {
    if (!data) return undefined;
    const edges = change(data.tasks);
    if (edges === data.tasks.edges) return undefined;
    return { ...data, tasks: withEdges(data.tasks, edges) };
  });
}

// relayStylePagination's merge copies pageInfo's start/end cursors onto the first/last edge: they must
// describe the new first/last edges, or "Load more" would continue from a removed task.
function withEdges(connection: Connection, edges: Edge[]): Connection {
  const cursors = edges.map((edge) => edge.cursor).filter(Boolean);
  return {
    ...connection,
    edges,
    pageInfo: {
      ...connection.pageInfo,
      startCursor: edges[0]?.cursor || null,
      endCursor: cursors.at(-1) ?? null,
    },
  };
}
