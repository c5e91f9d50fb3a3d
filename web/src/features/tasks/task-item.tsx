// One task in the list: its checkbox (optimistic), its text, and Edit / Delete (optimistic).
import { useApolloClient, useMutation } from '@apollo/client/react';
import { useEffect, useRef, useState } from 'react';
import type { TaskFieldsFragment, TaskListQueryVariables } from '../../gql/graphql';
import { describeApiError } from '../../lib/api-errors';
import { formatDateTime, formatRelative } from '../../ui/time';
import { DeleteTaskMutation, UpdateTaskMutation } from './operations';
import { removeTask } from './task-cache';
import { EditTaskForm } from './task-editor';
import { taskMatches } from './task-filter';

export interface TaskItemProps {
  task: TaskFieldsFragment;
  listVariables: TaskListQueryVariables;
  announce: (message: string) => void;
  reportError: (message: string) => void;
  /** Called just before the row is removed from the list, so focus can move to a neighbour. */
  onRemoving: (taskId: string) => void;
  checkboxRef: (element: HTMLInputElement | null) => void;
}

export function TaskItem({ task, listVariables, announce, reportError, onRemoving, checkboxRef }: TaskItemProps) {
  const client = useApolloClient();
  const [editing, setEditing] = useState(false);
  const [focusEditButton, setFocusEditButton] = useState(false);
  const editButton = useRef<HTMLButtonElement>(null);
  const [updateTask] = useMutation(UpdateTaskMutation);
  const [deleteTask] = useMutation(DeleteTaskMutation);

  useEffect(() => {
    if (focusEditButton && !editing) {
      editButton.current?.focus();
      setFocusEditButton(false);
    }
  }, [focusEditButton, editing]);

  function toggle() {
    const completed = !task.completed;
    const leavesList = !taskMatches({ ...task, completed }, listVariables);
    if (leavesList) onRemoving(task.id);
    updateTask({
      variables: { id: task.id, input: { completed } },
      // Shown at once; Apollo drops this layer again if the server refuses, which restores the row.
      optimisticResponse: { updateTask: { ...task, completed } },
      update: (cache, { data }) => {
        if (data && !taskMatches(data.updateTask, listVariables)) removeTask(cache, listVariables, task.id);
      },
    }).then(
      () => announce(completed ? `Marked “${task.title}” complete.` : `Marked “${task.title}” as not complete.`),
      (error: unknown) => reportError(`Could not update “${task.title}”: ${describeApiError(error)} Your change was undone.`),
    );
  }

  function remove() {
    onRemoving(task.id);
    const title = task.title;
    deleteTask({
      variables: { id: task.id },
      optimisticResponse: { deleteTask: task.id },
      update: (cache) => removeTask(cache, listVariables, task.id),
    }).then(
      () => {
        // Gone for good: also out of every other cached list (their edges now point at nothing).
        client.cache.evict({ id: client.cache.identify(task) });
        client.cache.gc();
        announce(`Deleted “${title}”.`);
      },
      (error: unknown) => reportError(`Could not delete “${title}”: ${describeApiError(error)} It is back in the list.`),
    );
  }

  if (editing) {
    return (
      <li className="task task-editing">
        <EditTaskForm
          task={task}
          onClose={(saved) => {
            setEditing(false);
            setFocusEditButton(true);
            if (saved) announce('Changes saved.');
          }}
        />
      </li>
    );
  }

  const createdAt = Date.parse(task.createdAt);
  return (
    <li className="task" data-completed={task.completed || undefined}>
      <input
        ref={checkboxRef}
        type="checkbox"
        className="task-check"
        checked={task.completed}
        onChange={toggle}
        aria-label={`Mark ${task.title} complete`}
      />
      <div className="task-body">
        <p className="task-title">{task.title}</p>
        {task.description && <p className="task-description">{task.description}</p>}
        <p className="task-meta">
          Added <time dateTime={task.createdAt} title={formatDateTime(createdAt)}>{formatRelative(createdAt, Date.now())}</time>
        </p>
      </div>
      <div className="task-actions">
        <button ref={editButton} type="button" className="button button-quiet button-small" aria-label={`Edit ${task.title}`} onClick={() => setEditing(true)}>
          Edit
        </button>
        <button type="button" className="button button-danger-quiet button-small" aria-label={`Delete ${task.title}`} onClick={remove}>
          Delete
        </button>
      </div>
    </li>
  );
}
