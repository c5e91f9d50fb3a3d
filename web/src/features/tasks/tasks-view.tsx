// The task screen: new-task form, filters and search, the list. It owns the list query, so that a
// search the API refuses (BAD_USER_INPUT on filter.search) is reported next to the search box.
import { useQuery } from '@apollo/client/react';
import { useCallback, useEffect, useId, useMemo, useRef, useState } from 'react';
import { inputErrorsOf } from '../../lib/api-errors';
import { TaskFilters } from './task-filters';
import { NewTaskForm } from './task-editor';
import { TaskList } from './task-list';
import { TaskListQuery } from './operations';
import { taskListVariables, type TaskFilterName } from './task-filter';
import { useDebouncedValue } from './use-debounced-value';

const SEARCH_DEBOUNCE_MS = 300;

export function TasksView({ focusHeadingOnMount }: { focusHeadingOnMount: boolean }) {
  const headingId = useId();
  const heading = useRef<HTMLHeadingElement>(null);
  const [filter, setFilter] = useState<TaskFilterName>('all');
  const [searchInput, setSearchInput] = useState('');
  const search = useDebouncedValue(searchInput.trim(), SEARCH_DEBOUNCE_MS);
  const variables = useMemo(() => taskListVariables(filter, search), [filter, search]);
  const [announcement, setAnnouncement] = useState('');
  const [problem, setProblem] = useState<string | null>(null);

  const list = useQuery(TaskListQuery, {
    variables,
    // Show what the cache has at once, and refresh from the API whenever a list (filter) is shown.
    fetchPolicy: 'cache-and-network',
    nextFetchPolicy: 'cache-first',
  });

  const focusOnMount = useRef(focusHeadingOnMount);
  useEffect(() => {
    if (focusOnMount.current) heading.current?.focus();
  }, []);

  // A persistent polite live region; a repeated message gets a trailing no-break space so it is read again.
  const announce = useCallback((message: string) => {
    setAnnouncement((previous) => (previous === message ? `${message}\u00a0` : message));
  }, []);
  const reportError = useCallback((message: string) => setProblem(message), []);

  const { fields } = inputErrorsOf(list.error, { 'filter.search': 'Search' });
  const searchError = fields['filter.search'];
  const shown = list.data ?? (list.loading ? list.previousData : undefined);

  return (
    <section className="tasks" aria-labelledby={headingId}>
      <h1 id={headingId} ref={heading} tabIndex={-1}>
        Your tasks
      </h1>
      <NewTaskForm listVariables={variables} announce={announce} />
      <TaskFilters
        filter={filter}
        onFilterChange={setFilter}
        search={searchInput}
        onSearchChange={setSearchInput}
        searchError={searchError}
      />
      {problem && (
        <div className="banner banner-error" role="alert">
          <p>{problem}</p>
          <button type="button" className="button button-quiet button-small" onClick={() => setProblem(null)}>
            Dismiss
          </button>
        </div>
      )}
      {searchError ? (
        <p className="list-state list-empty">Change the search text to see your tasks.</p>
      ) : (
        <TaskList
          data={shown}
          stale={shown !== undefined && shown !== list.data}
          networkStatus={list.networkStatus}
          error={list.error}
          variables={variables}
          filter={filter}
          search={search}
          retry={() => list.refetch()}
          loadMore={async (after) => (await list.fetchMore({ variables: { after } })).data}
          announce={announce}
          reportError={reportError}
          focusFallback={() => heading.current?.focus()}
        />
      )}
      <p className="visually-hidden" role="status" aria-live="polite">
        {announcement}
      </p>
    </section>
  );
}
