import { memo } from 'react';
import { ConfirmDialog, useConfirmRequest } from '../../components/dialog.tsx';
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
  const request = useConfirmRequest(
    row
      ? async () => {
          await removeBackend(serviceId, row.id);
          backendDeleted(serviceId, row.id);
          showToast('info', `${row.address} removed; open connections drain. ${drainOutcome(drainTimeoutMs)}`);
        }
      : null,
    onClose,
  );

  return (
    <ConfirmDialog open={row !== null} title={row ? `Remove ${row.address}?` : 'Remove backend?'} confirmLabel="Remove" {...request}>
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
