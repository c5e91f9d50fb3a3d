// The list itself and its states: loading, empty, failed (with Retry), and "Load more".
import { NetworkStatus } from '@apollo/client';
import type { ErrorLike } from '@apollo/client';
import { useEffect, useRef, useState } from 'react';
import type { TaskListQuery as TaskListData, TaskListQueryVariables } from '../../gql/graphql';
import { describeApiError } from '../../lib/api-errors';
import { TaskItem } from './task-item';
import type { TaskFilterName } from './task-filter';

interface TaskListProps {
  data: TaskListData | undefined;
  /** True while the list shown is the previous one, for other variables, and the new one is on its way. */
  stale: boolean;
  networkStatus: NetworkStatus;
  error: ErrorLike | undefined;
  variables: TaskListQueryVariables;
  filter: TaskFilterName;
  search: string;
  retry: () => Promise<unknown>;
  /** Fetches the page after `after`; resolves to that page alone. */
  loadMore: (after: string) => Promise<TaskListData | undefined>;
  announce: (message: string) => void;
  reportError: (message: string) => void;
  /** Where focus goes when the last task left the list. */
  focusFallback: () => void;
}

export function TaskList(props: TaskListProps) {
  const { data, stale, networkStatus, error, variables, filter, search, announce, reportError } = props;
  const checkboxes = useRef(new Map<string, HTMLInputElement>());
  const [focusTarget, setFocusTarget] = useState<string | null>(null);
  const [loadMoreError, setLoadMoreError] = useState<string | null>(null);
  const edges = data?.tasks.edges ?? [];

  // After a row left the list (deleted, or toggled out of a filtered view), focus its neighbour.
  useEffect(() => {
    if (!focusTarget) return;
    const target = checkboxes.current.get(focusTarget);
    if (target) {
      target.focus();
      setFocusTarget(null);
    }
  }, [focusTarget, edges]);

  function onRemoving(taskId: string) {
    const index = edges.findIndex((edge) => edge.node.id === taskId);
    const neighbour = edges[index + 1] ?? edges[index - 1];
    if (neighbour) setFocusTarget(neighbour.node.id);
    else props.focusFallback();
  }

  async function loadMore() {
    const after = data?.tasks.pageInfo.endCursor;
    if (!after) return;
    setLoadMoreError(null);
    try {
      const page = await props.loadMore(after);
      const loaded = page?.tasks.edges.length ?? 0;
      announce(loaded === 1 ? 'Loaded 1 more task.' : `Loaded ${loaded} more tasks.`);
      // Focus the first task that just appeared: the button may be gone now that everything is loaded.
      const next = page?.tasks.edges[0]?.node.id;
      if (next) setFocusTarget(next);
    } catch (loadError) {
      setLoadMoreError(`Could not load more tasks. ${describeApiError(loadError)}`);
    }
  }

  if (!data) {
    if (error) {
      return (
        <div className="list-state list-error" role="alert">
          <p>
            <strong>Could not load your tasks.</strong> {describeApiError(error)}
          </p>
          <RetryButton retry={props.retry} />
        </div>
      );
    }
    return (
      <p className="list-state" role="status">
        <span className="spinner" aria-hidden="true" />
        Loading tasks…
      </p>
    );
  }

  const loadingMore = networkStatus === NetworkStatus.fetchMore;
  return (
    <div className="task-list-region" aria-busy={stale || undefined}>
      {error && (
        <div className="banner banner-error" role="alert">
          <p>
            <strong>Could not refresh your tasks.</strong> {describeApiError(error)}
          </p>
          <RetryButton retry={props.retry} />
        </div>
      )}
      {edges.length === 0 ? (
        <p className="list-state list-empty">{emptyMessage(filter, search)}</p>
      ) : (
        <ul className="task-list" aria-label={listLabel(filter, search)} data-stale={stale || undefined}>
          {edges.map(({ node }) => (
            <TaskItem
              key={node.id}
              task={node}
              listVariables={variables}
              announce={announce}
              reportError={reportError}
              onRemoving={onRemoving}
              checkboxRef={(element) => {
                if (element) checkboxes.current.set(node.id, element);
                else checkboxes.current.delete(node.id);
              }}
            />
          ))}
        </ul>
      )}
      {data.tasks.pageInfo.hasNextPage && (
        <div className="load-more">
          <button type="button" className="button button-secondary" onClick={() => void loadMore()} disabled={loadingMore} data-pending={loadingMore || undefined}>
            Load more
          </button>
          {loadMoreError && (
            <p role="alert" className="form-error">
              {loadMoreError}
            </p>
          )}
        </div>
      )}
    </div>
  );
}

function RetryButton({ retry }: { retry: () => Promise<unknown> }) {
  const [retrying, setRetrying] = useState(false);
  return (
    <button
      type="button"
      className="button button-secondary"
      disabled={retrying}
      data-pending={retrying || undefined}
      onClick={() => {
        setRetrying(true);
        // The outcome shows in the list itself (data or the error again).
        void retry()
          .catch(() => undefined)
          .finally(() => setRetrying(false));
      }}
    >
      Retry
    </button>
  );
}

function listLabel(filter: TaskFilterName, search: string): string {
  const which = filter === 'all' ? 'All tasks' : filter === 'active' ? 'Active tasks' : 'Completed tasks';
  return search ? `${which} matching “${search}”` : which;
}

function emptyMessage(filter: TaskFilterName, search: string): string {
  if (search) return `No ${filter === 'all' ? '' : `${filter} `}tasks match “${search}”.`;
  if (filter === 'active') return 'Nothing left to do. Every task is complete.';
  if (filter === 'completed') return 'No completed tasks yet.';
  return 'No tasks yet. Add your first one above.';
}
