import { memo, useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { errorMessage } from '../lib/api-client.ts';

interface DialogProps {
  open: boolean;
  title: string;
  onClose: () => void;
  children: ReactNode;
  /** Wider layout for forms. */
  wide?: boolean;
}

/**
 * A modal built on the native <dialog>: focus trapping, Escape and the inert background come
 * from the browser, so it is keyboard- and screen-reader-correct without a library.
 */
export function Dialog({ open, title, onClose, children, wide }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);

  return (
    <dialog
      ref={ref}
      className={`dialog${wide ? ' dialog-wide' : ''}`}
      aria-labelledby={titleId}
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
      onClick={(event) => {
        // A click on the backdrop lands on the <dialog> element itself.
        if (event.target === ref.current) onClose();
      }}
    >
      {open ? (
        <div className="dialog-inner">
          <h2 id={titleId} className="dialog-title">
            {title}
          </h2>
          {children}
        </div>
      ) : null}
    </dialog>
  );
}

interface ConfirmDialogProps {
  open: boolean;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  busy?: boolean;
  /** Keeps the confirm button disabled (e.g. until the operator typed what is being deleted). */
  confirmDisabled?: boolean;
  error?: string | null;
  onConfirm: () => void;
  onCancel: () => void;
}

/**
 * "Are you sure?" with a destructive confirm button (named `confirmLabel`) and Cancel. Memoised:
 * owners re-render on every live sample, and with stable props the dialog does not.
 */
export const ConfirmDialog = memo(function ConfirmDialog({ open, title, children, confirmLabel, busy, confirmDisabled, error, onConfirm, onCancel }: ConfirmDialogProps) {
  return (
    <Dialog open={open} title={title} onClose={onCancel}>
      <div className="dialog-text">{children}</div>
      {error ? (
        <p className="field-error" role="alert">
          {error}
        </p>
      ) : null}
      <div className="dialog-actions">
        <button type="button" className="btn" onClick={onCancel} autoFocus>
          Cancel
        </button>
        <button type="button" className="btn btn-danger" onClick={onConfirm} disabled={busy || confirmDisabled}>
          {busy ? <span className="spinner" aria-hidden="true" /> : null}
          {confirmLabel}
        </button>
      </div>
    </Dialog>
  );
});

/** What `useConfirmRequest` hands to a ConfirmDialog: spread it as its props. */
export interface ConfirmRequest {
  busy: boolean;
  error: string | null;
  onConfirm: () => void;
  onCancel: () => void;
}

/**
 * The state of a ConfirmDialog whose confirm sends one request: busy while `send` runs, closes
 * when it succeeds, shows its error and stays open when it fails; Cancel clears the error and
 * closes. `send` null: nothing to send yet (the dialog is closed or its input is invalid).
 */
export function useConfirmRequest(send: (() => Promise<void>) | null, onClose: () => void): ConfirmRequest {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function confirm() {
    if (!send) return;
    setBusy(true);
    setError(null);
    try {
      await send();
      onClose();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  function cancel() {
    setError(null);
    onClose();
  }

  return { busy, error, onConfirm: () => void confirm(), onCancel: cancel };
}
