// Labelled form controls whose hint and error are tied to the control (aria-describedby), so screen
// readers read them with it, and whose invalid state is exposed (aria-invalid).
import { useId, type ComponentProps, type ReactNode } from 'react';

interface FieldChrome {
  label: string;
  /** Shown under the label, e.g. "Optional" or "At least 8 characters". */
  hint?: ReactNode;
  error?: string | null | undefined;
  className?: string;
}

function useFieldIds(error: FieldChrome['error'], hint: FieldChrome['hint']) {
  const id = useId();
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(' ') || undefined;
  return { id, hintId, errorId, describedBy };
}

export function TextField({ label, hint, error, className, ...input }: FieldChrome & Omit<ComponentProps<'input'>, 'className'>) {
  const { id, hintId, errorId, describedBy } = useFieldIds(error, hint);
  return (
    <div className={['field', className].filter(Boolean).join(' ')}>
      <label htmlFor={id}>{label}</label>
      {hint && (
        <p id={hintId} className="field-hint">
          {hint}
        </p>
      )}
      <input id={id} aria-invalid={error ? true : undefined} aria-describedby={describedBy} {...input} />
      {error && (
        <p id={errorId} className="field-error">
          {error}
        </p>
      )}
    </div>
  );
}

export function TextAreaField({ label, hint, error, className, ...textarea }: FieldChrome & Omit<ComponentProps<'textarea'>, 'className'>) {
  const { id, hintId, errorId, describedBy } = useFieldIds(error, hint);
  return (
    <div className={['field', className].filter(Boolean).join(' ')}>
      <label htmlFor={id}>{label}</label>
      {hint && (
        <p id={hintId} className="field-hint">
          {hint}
        </p>
      )}
      <textarea id={id} aria-invalid={error ? true : undefined} aria-describedby={describedBy} {...textarea} />
      {error && (
        <p id={errorId} className="field-error">
          {error}
        </p>
      )}
    </div>
  );
}
