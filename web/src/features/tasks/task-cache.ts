// Cache edits after mutations, on the list the person is looking at (other lists refresh from the
// network when shown: the list query is cache-and-network). Each edit rewrites the whole connection
// through relayStylePagination's merge, so pages already loaded with "Load more" are kept.
import type { ApolloCache } from '@apollo/client';
import type { TaskFieldsFragment, TaskListQuery as TaskListData, TaskListQueryVariables } from '../../gql/graphql';
import { TaskListQuery } from './operations';
import { taskMatches } from './task-filter';

type Connection = TaskListData['tasks'];
type Edge = Connection['edges'][number];

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

function updateEdges(cache: ApolloCache, variables: TaskListQueryVariables, change: (edges: Edge[]) => Edge[]): void {
  cache.updateQuery({ query: TaskListQuery, variables }, (data) => {
    if (!data) return undefined;
    const edges = change(data.tasks.edges);
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
