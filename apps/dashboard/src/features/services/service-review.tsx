import type { FormEvent } from 'react';
import { DiffTable } from '../../components/diff-table.tsx';
import { FormWarnings } from '../../components/form-warnings-list.tsx';
import type { FormWarning } from './form-warnings.ts';
import type { DiffRow } from './service-diff.ts';

interface ServiceReviewProps {
  rows: readonly DiffRow[];
  serviceName: string;
  /** The form's warnings for the values being applied (serviceFormWarnings, the same list the form showed). */
  warnings: readonly FormWarning[];
  /** The service changed elsewhere since the form opened (applying will be refused). */
  notice: string | null;
  error: string | null;
  busy: boolean;
  onSubmit: (event: FormEvent) => void;
  onCancel: () => void;
  onBack: () => void;
}

/** The service form's review step: the edit's diff against the running configuration, applied only on confirm. */
export function ServiceReview({ rows, serviceName, warnings, notice, error, busy, onSubmit, onCancel, onBack }: ServiceReviewProps) {
  return (
    <form className="service-form" onSubmit={onSubmit} noValidate data-testid="service-review">
      <p className="dialog-text">
        {rows.length === 1 ? 'One setting' : `${rows.length} settings`} of <strong>{serviceName}</strong> will change (running configuration → after):
      </p>
      <DiffTable rows={rows} caption={`Changes to service ${serviceName}`} />
      {/* Repeated here: the operator confirms the change on this step, not on the form. */}
      <FormWarnings warnings={warnings} testId="service-review-warnings" />
      {notice ? (
        <p className="form-notice" role="status" data-testid="service-form-stale">
          {notice}
        </p>
      ) : null}
      {error ? (
        <p className="field-error form-error" role="alert">
          {error}
        </p>
      ) : null}
      <div className="dialog-actions">
        <button type="button" className="btn" onClick={onCancel}>
          Cancel
        </button>
        <button type="button" className="btn" onClick={onBack} disabled={busy}>
          Back to edit
        </button>
        <button type="submit" className="btn btn-primary" disabled={busy} autoFocus>
          {busy ? <span className="spinner" aria-hidden="true" /> : null}
          Apply changes
        </button>
      </div>
    </form>
  );
}
