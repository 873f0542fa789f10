import { memo, useState } from 'react';
import { ConfirmDialog } from '../../components/dialog.tsx';
import { errorMessage } from '../../lib/api-client.ts';
import { drainOutcome } from '../../lib/drain-text.ts';
import { backendDeleted, showToast } from '../../store/actions.ts';
import type { BackendRow } from './backend-rows.ts';
import { removeBackend } from './backends-api.ts';

interface RemoveBackendDialogProps {
  serviceId: number;
  drainTimeoutMs: number;
  /** The row as it was when Remove was clicked; null: closed. */
  row: BackendRow | null;
  onClose: () => void;
}

/**
 * "Remove <address>?". Its props are the row snapshot taken at the click and stable values, so
 * the live samples that re-render the backends table twice a second never reach it.
 */
export const RemoveBackendDialog = memo(function RemoveBackendDialog({ serviceId, drainTimeoutMs, row, onClose }: RemoveBackendDialogProps) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function confirm() {
    if (!row) return;
    setBusy(true);
    setError(null);
    try {
      await removeBackend(serviceId, row.id);
      backendDeleted(serviceId, row.id);
      showToast('info', `${row.address} removed; open connections drain. ${drainOutcome(drainTimeoutMs)}`);
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

  return (
    <ConfirmDialog
      open={row !== null}
      title={row ? `Remove ${row.address}?` : 'Remove backend?'}
      confirmLabel="Remove"
      busy={busy}
      error={error}
      onConfirm={() => void confirm()}
      onCancel={cancel}
    >
      {row ? (
        <p>
          <span className="mono">{row.address}</span> stops receiving new connections immediately
          {row.active ? `; its ${row.active} open connection${row.active === 1 ? '' : 's'} drain` : ''}. {drainOutcome(drainTimeoutMs)} It stays listed
          as “draining (removed)” until its last connection closes.
        </p>
      ) : null}
    </ConfirmDialog>
  );
});
