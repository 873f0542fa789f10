import { useEffect, useRef, useState } from 'react';
import { errorMessage } from '../../lib/api-client.ts';
import { useFocusAfterRender } from '../../lib/focus.ts';
import { parseWeight } from './backend-validation.ts';

interface WeightCellProps {
  address: string;
  weight: number;
  effectiveWeight: number | null;
  editable: boolean;
  onSave: (weight: number) => Promise<void>;
}

/**
 * Click (or Enter) to edit; Enter or leaving the field saves, Escape cancels. The input only
 * exists while editing, so the add-backend form's "Weight" stays the one field of that name.
 */
export function WeightCell({ address, weight, effectiveWeight, editable, onSave }: WeightCellProps) {
  const [draft, setDraft] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const inputRef = useRef<HTMLInputElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const focusAfterRender = useFocusAfterRender();
  const editing = draft !== null;

  useEffect(() => {
    if (editing) inputRef.current?.select();
  }, [editing]);

  const ramping = effectiveWeight != null && effectiveWeight !== weight;
  const effective = ramping ? (
    <span className="weight-eff" title="Effective weight (slow start, or what the backend's agent asks for)">
      eff. {Math.round(effectiveWeight * 100) / 100}
    </span>
  ) : null;

  if (!editable) {
    return (
      <span className="num">
        {weight} {effective}
      </span>
    );
  }

  /** `fromBlur`: the operator left the field for somewhere else, so focus stays there. */
  async function commit(fromBlur: boolean) {
    if (draft === null || busy) return;
    const parsed = parseWeight(draft);
    if (!parsed.ok) {
      setError(parsed.reason);
      return;
    }
    if (parsed.value === weight) {
      setDraft(null);
      setError(null);
      if (!fromBlur) focusAfterRender(() => buttonRef.current);
      return;
    }
    setBusy(true);
    try {
      await onSave(parsed.value);
      setDraft(null);
      setError(null);
      // Enter: back to the weight the operator just set. Blur: only if focus got lost meanwhile.
      focusAfterRender(() => buttonRef.current, fromBlur);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  function cancel() {
    setDraft(null);
    setError(null);
    focusAfterRender(() => buttonRef.current);
  }

  if (editing) {
    return (
      <div className="weight-edit">
        <input
          ref={inputRef}
          className="input input-sm num"
          inputMode="numeric"
          aria-label={`Weight of ${address}`}
          aria-invalid={error ? true : undefined}
          value={draft}
          disabled={busy}
          onChange={(e) => {
            setDraft(e.target.value);
            setError(null);
          }}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              void commit(false);
            } else if (e.key === 'Escape') {
              e.preventDefault();
              e.stopPropagation();
              cancel();
            }
          }}
          onBlur={() => void commit(true)}
        />
        {error ? (
          <span className="field-error weight-error" role="alert">
            {error}
          </span>
        ) : null}
      </div>
    );
  }

  return (
    <span className="weight-view">
      <button
        ref={buttonRef}
        type="button"
        className="weight-btn num"
        data-testid="weight-edit"
        aria-label={`${weight}, change for ${address}`}
        title="Change weight"
        onClick={() => setDraft(String(weight))}
      >
        {weight}
        <svg className="weight-pencil" width="11" height="11" viewBox="0 0 16 16" aria-hidden="true">
          <path d="M11.5 1.5l3 3L5 14H2v-3z" fill="none" stroke="currentColor" strokeWidth="1.6" strokeLinejoin="round" />
        </svg>
      </button>
      {effective}
    </span>
  );
}
