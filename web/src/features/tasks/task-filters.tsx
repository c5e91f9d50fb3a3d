// All / Active / Completed, and the search box (debounced by TasksView).
import { TextField } from '../../ui/field';
import { TASK_FILTERS, type TaskFilterName } from './task-filter';

interface TaskFiltersProps {
  filter: TaskFilterName;
  onFilterChange: (filter: TaskFilterName) => void;
  search: string;
  onSearchChange: (search: string) => void;
  searchError: string | undefined;
}

export function TaskFilters({ filter, onFilterChange, search, onSearchChange, searchError }: TaskFiltersProps) {
  return (
    <div className="task-toolbar">
      <div role="group" aria-label="Show tasks" className="segmented">
        {TASK_FILTERS.map(({ name, label }) => (
          <button key={name} type="button" className="segmented-option" aria-pressed={filter === name} onClick={() => onFilterChange(name)}>
            {label}
          </button>
        ))}
      </div>
      <TextField
        className="task-search field-label-hidden"
        label="Search tasks"
        type="search"
        name="search"
        placeholder="Search tasks"
        autoComplete="off"
        value={search}
        onChange={(event) => onSearchChange(event.target.value)}
        error={searchError}
      />
    </div>
  );
}
