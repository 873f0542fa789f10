// One labelled form control (service form, add-backend form): label, control, error or hint, ids and aria wired.
import { cloneElement, isValidElement, type ReactNode } from 'react';

interface FormFieldProps {
  id: string;
  label: string;
  error: string | undefined;
  hint?: string | undefined;
  wide?: boolean;
  /** Extra class names on the field's wrapper (layout in a row of fields). */
  className?: string;
  /** Test id of the error line. */
  errorTestId?: string;
  /** Extra context under the hint; its root element must have the id `${id}-note`. */
  note?: ReactNode;
  children: ReactNode;
}

/** Label + control + error/hint, wiring ids and aria attributes onto the single child control. */
export function FormField({ id, label, error, hint, wide, className, errorTestId, note, children }: FormFieldProps) {
  const described = [error ? `${id}-error` : hint ? `${id}-hint` : null, note ? `${id}-note` : null].filter(Boolean).join(' ');
  const describedBy = described || undefined;
  return (
    <div className={`field${wide ? ' field-wide' : ''}${className ? ` ${className}` : ''}`}>
      <label className="field-label" htmlFor={id}>
        {label}
      </label>
      <FieldControl id={id} invalid={Boolean(error)} describedBy={describedBy}>
        {children}
      </FieldControl>
      {error ? (
        <p id={`${id}-error`} className="field-error" role="alert" data-testid={errorTestId}>
          {error}
        </p>
      ) : hint ? (
        <p id={`${id}-hint`} className="field-hint">
          {hint}
        </p>
      ) : null}
      {note}
    </div>
  );
}

function FieldControl({ id, invalid, describedBy, children }: { id: string; invalid: boolean; describedBy: string | undefined; children: ReactNode }) {
  if (!isValidElement<Record<string, unknown>>(children)) return <>{children}</>;
  return cloneElement(children, { id, 'aria-invalid': invalid || undefined, 'aria-describedby': describedBy });
}
