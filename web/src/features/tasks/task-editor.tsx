// The two task forms: "New task" above the list, and the inline editor that replaces a row.
// Validation is the API's (BAD_USER_INPUT names the field, e.g. "input.title"); its messages are
// shown next to that field, which then gets focus.
import { useMutation } from '@apollo/client/react';
import { useId, useRef, useState, type FormEvent, type KeyboardEvent, type RefObject } from 'react';
import type { TaskFieldsFragment, TaskListQueryVariables } from '../../gql/graphql';
import { inputErrorsOf, type InputErrors } from '../../lib/api-errors';
import { TextAreaField, TextField } from '../../ui/field';
import { CreateTaskMutation, UpdateTaskMutation } from './operations';
import { prependTask } from './task-cache';

const FIELD_LABELS = { 'input.title': 'Title', 'input.description': 'Description' };
const NO_ERRORS: InputErrors = { fields: {}, general: null };

interface FieldRefs {
  title: RefObject<HTMLInputElement | null>;
  description: RefObject<HTMLTextAreaElement | null>;
}

/** Ctrl/⌘+Enter submits from the description too (plain Enter there is a new line). */
function submitOnModEnter(event: KeyboardEvent<HTMLFormElement>) {
  if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
    event.preventDefault();
    event.currentTarget.requestSubmit();
  }
}

function focusFirstInvalid(errors: InputErrors, refs: FieldRefs) {
  if (errors.fields['input.title']) refs.title.current?.focus();
  else if (errors.fields['input.description']) refs.description.current?.focus();
}

export function NewTaskForm({ listVariables, announce }: { listVariables: TaskListQueryVariables; announce: (message: string) => void }) {
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [errors, setErrors] = useState<InputErrors>(NO_ERRORS);
  const refs: FieldRefs = { title: useRef<HTMLInputElement>(null), description: useRef<HTMLTextAreaElement>(null) };
  const generalErrorId = useId();
  const [createTask, { loading }] = useMutation(CreateTaskMutation);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (loading) return;
    setErrors(NO_ERRORS);
    try {
      const { data } = await createTask({
        variables: { input: { title, ...(description.trim() ? { description } : {}) } },
        update: (cache, { data: created }) => {
          if (created) prependTask(cache, listVariables, created.createTask);
        },
      });
      setTitle('');
      setDescription('');
      refs.title.current?.focus();
      if (data) announce(`Added “${data.createTask.title}”.`);
    } catch (error) {
      const found = inputErrorsOf(error, FIELD_LABELS);
      setErrors(found);
      focusFirstInvalid(found, refs);
    }
  }

  return (
    <form
      className="card new-task"
      aria-label="New task"
      noValidate
      onSubmit={submit}
      onKeyDown={submitOnModEnter}
      aria-describedby={errors.general ? generalErrorId : undefined}>
      <TextField
        ref={refs.title}
        label="Title"
        name="title"
        autoComplete="off"
        placeholder="What needs doing?"
        value={title}
        onChange={(event) => setTitle(event.target.value)}
        error={errors.fields['input.title']}
      />
      <TextAreaField
        ref={refs.description}
        label="Description"
        name="description"
        hint="Optional."
        rows={2}
        value={description}
        onChange={(event) => setDescription(event.target.value)}
        error={errors.fields['input.description']}
      />
      {errors.general && (
        <p id={generalErrorId} role="alert" className="form-error">
          {errors.general}
        </p>
      )}
      <div className="new-task-actions">
        <button type="submit" className="button button-primary" disabled={loading} data-pending={loading || undefined}>
          Add task
        </button>
      </div>
    </form>
  );
}

export function EditTaskForm({ task, onClose }: { task: TaskFieldsFragment; onClose: (saved: boolean) => void }) {
  const [title, setTitle] = useState(task.title);
  const [description, setDescription] = useState(task.description ?? '');
  const [errors, setErrors] = useState<InputErrors>(NO_ERRORS);
  const refs: FieldRefs = { title: useRef<HTMLInputElement>(null), description: useRef<HTMLTextAreaElement>(null) };
  const generalErrorId = useId();
  const [updateTask, { loading }] = useMutation(UpdateTaskMutation);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (loading) return;
    setErrors(NO_ERRORS);
    try {
      // A blank description clears it (the API stores null).
      await updateTask({ variables: { id: task.id, input: { title, description } } });
      onClose(true);
    } catch (error) {
      const found = inputErrorsOf(error, FIELD_LABELS);
      setErrors(found);
      focusFirstInvalid(found, refs);
    }
  }

  function onKeyDown(event: KeyboardEvent<HTMLFormElement>) {
    if (event.key === 'Escape' && !loading) {
      event.preventDefault();
      onClose(false);
    } else {
      submitOnModEnter(event);
    }
  }

  return (
    <form
      className="edit-task"
      aria-label="Edit task"
      noValidate
      onSubmit={submit}
      onKeyDown={onKeyDown}
      aria-describedby={errors.general ? generalErrorId : undefined}
    >
      <TextField
        ref={refs.title}
        label="Title"
        name="title"
        autoComplete="off"
        autoFocus
        value={title}
        onChange={(event) => setTitle(event.target.value)}
        error={errors.fields['input.title']}
      />
      <TextAreaField
        ref={refs.description}
        label="Description"
        name="description"
        rows={3}
        value={description}
        onChange={(event) => setDescription(event.target.value)}
        error={errors.fields['input.description']}
      />
      {errors.general && (
        <p id={generalErrorId} role="alert" className="form-error">
          {errors.general}
        </p>
      )}
      <div className="edit-task-actions">
        <button type="submit" className="button button-primary" disabled={loading} data-pending={loading || undefined}>
          Save
        </button>
        <button type="button" className="button button-quiet" onClick={() => onClose(false)} disabled={loading}>
          Cancel
        </button>
      </div>
    </form>
  );
}
