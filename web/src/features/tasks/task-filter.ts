// Which tasks the list shows, as query variables, and the same rule applied to a single task so the
// cache can be updated without asking the server again.
import type { TaskFieldsFragment, TaskListQueryVariables } from '../../gql/graphql';

export type TaskFilterName = 'all' | 'active' | 'completed';

export const TASK_FILTERS: ReadonlyArray<{ name: TaskFilterName; label: string }> = [
  { name: 'all', label: 'All' },
  { name: 'active', label: 'Active' },
  { name: 'completed', label: 'Completed' },
];

export const PAGE_SIZE = 20;

/** Always the same shape for the same choice: the cache keeps one list per distinct `filter` value. */
export function taskListVariables(filter: TaskFilterName, search: string): TaskListQueryVariables {
  const completed = filter === 'all' ? undefined : filter === 'completed';
  return {
    first: PAGE_SIZE,
    filter: {
      ...(completed === undefined ? {} : { completed }),
      ...(search ? { search } : {}),
    },
  };
}

/** Whether `task` belongs in the list that `variables` selects (the API's rule: completed, then text). */
export function taskMatches(task: TaskFieldsFragment, variables: TaskListQueryVariables): boolean {
  const filter = variables.filter;
  if (typeof filter?.completed === 'boolean' && task.completed !== filter.completed) return false;
  const search = filter?.search?.trim().toLocaleLowerCase();
  if (!search) return true;
  return task.title.toLocaleLowerCase().includes(search) || (task.description ?? '').toLocaleLowerCase().includes(search);
}
