import { useEffect, useMemo, useState, type ReactNode } from 'react';
import type { EventDto } from '@fulcrum/shared/api';
import { Dialog } from '../../components/dialog.tsx';
import { DiffTable } from '../../components/diff-table.tsx';
import { showToast } from '../../store/actions.ts';
import { applyRevert, loadRevert } from './revert-actions.ts';
import { revertPlan, type RevertCheck, type RevertPlan } from './revert-plan.ts';

/**
 * The revert dialog of an event list, held by the list (not by a row): a live event that regroups
 * the rows (a burst gains a newer head) must not unmount a dialog the operator is reading.
 */
export function useRevertDialog(names: ReadonlyMap<number, string>): [(event: EventDto) => void, ReactNode] {
  const [event, setEvent] = useState<EventDto | null>(null);
  // One plan per event opened: the dialog reads the running configuration once for it.
  const plan = useMemo(() => (event ? revertPlan(event) : null), [event]);
  const name = event?.serviceId != null ? names.get(event.serviceId) : undefined;
  const dialog = event && plan?.ok ? <RevertDialog key={event.id} event={event} plan={plan} serviceName={name ?? `service ${event.serviceId}`} onClose={() => setEvent(null)} /> : null;
  return [setEvent, dialog];
}

interface RevertDialogProps {
  event: EventDto;
  plan: Extract<RevertPlan, { ok: true }>;
  serviceName: string;
  onClose: () => void;
}

/** Shows what reverting an audit event puts back (checked against the service as it runs now) and applies it on confirm. */
function RevertDialog({ event, plan, serviceName, onClose }: RevertDialogProps) {
  const [check, setCheck] = useState<RevertCheck | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    void loadRevert(plan).then((result) => {
      if (live) setCheck(result);
    });
    return () => {
      live = false;
    };
  }, [plan]);

  async function confirm() {
    if (!check?.ok) return;
    setBusy(true);
    setError(null);
    const outcome = await applyRevert(plan, check.version);
    setBusy(false);
    if (!outcome.ok) {
      setError(outcome.message);
      return;
    }
    showToast('success', `Reverted on ${serviceName}: ${check.rows.map((r) => `${r.path} ${r.to}`).join(', ')}.`);
    onClose();
  }

  const refusal = check && !check.ok ? `Cannot revert. ${check.reason}` : error;
  return (
    <Dialog open title="Revert this change" onClose={onClose} wide>
      <p className="dialog-text" data-testid="revert-event">
        {event.message}
      </p>
      {check === null ? <p className="muted">Reading the running configuration…</p> : null}
      {check?.ok ? (
        <>
          <p className="dialog-text">Reverting puts back the values from before this change, on {serviceName} as it runs now:</p>
          <DiffTable rows={check.rows} caption="What the revert changes" />
        </>
      ) : null}
      {refusal ? (
        <p className="field-error form-error" role="alert" data-testid="revert-error">
          {refusal}
        </p>
      ) : null}
      <div className="dialog-actions">
        <button type="button" className="btn" onClick={onClose} autoFocus>
          {refusal ? 'Close' : 'Cancel'}
        </button>
        <button type="button" className="btn btn-primary" onClick={() => void confirm()} disabled={busy || !check?.ok || error !== null} data-testid="revert-confirm">
          {busy ? <span className="spinner" aria-hidden="true" /> : null}
          Revert
        </button>
      </div>
    </Dialog>
  );
}
