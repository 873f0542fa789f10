// "Rebalance <address>?": the window over which the backend's connections are ended gracefully
// (README "Connection lifetime and rebalance"). The backend stays in rotation.
import { memo, useId, useState } from 'react';
import { REBALANCE_DEFAULT_WINDOW_MS, REBALANCE_LIMITS } from '@fulcrum/shared/limits';
import { ConfirmDialog, useConfirmRequest } from '../../components/dialog.tsx';
import { FormField } from '../../components/form-field.tsx';
import { parseIntInRange } from '../../lib/limits.ts';
import { showToast } from '../../store/actions.ts';
import type { BackendRow } from './backend-rows.ts';
import { rebalanceBackend } from './backends-api.ts';

interface RebalanceBackendDialogProps {
  serviceId: number;
  /** The row as it was when Rebalance was clicked; null: closed. */
  row: BackendRow | null;
  onClose: () => void;
}

/** Asks for the window, then POSTs the rebalance; memoised like the remove dialog (stable props). */
export const RebalanceBackendDialog = memo(function RebalanceBackendDialog({ serviceId, row, onClose }: RebalanceBackendDialogProps) {
  const id = useId();
  const [windowText, setWindowText] = useState(String(REBALANCE_DEFAULT_WINDOW_MS));
  const parsed = parseIntInRange(windowText, 'Window', REBALANCE_LIMITS.windowMs);
  const request = useConfirmRequest(
    row && parsed.ok
      ? async () => {
          const answer = await rebalanceBackend(serviceId, row.id, parsed.value);
          const count = answer.connections === null ? 'its connections' : `${answer.connections} connection${answer.connections === 1 ? '' : 's'}`;
          showToast('info', `${row.address}: ${count} end gracefully over ${parsed.value} ms; clients reconnect through the strategy.`);
        }
      : null,
    onClose,
  );

  return (
    <ConfirmDialog
      open={row !== null}
      title={row ? `Rebalance ${row.address}?` : 'Rebalance backend?'}
      confirmLabel="Rebalance"
      confirmDisabled={!parsed.ok}
      {...request}
    >
      {row ? (
        <>
          <p>
            Each open connection of <span className="mono">{row.address}</span> is closed gracefully (after the reply in flight), one after another
            over the window. The backend stays in rotation: reconnecting clients are placed by the service's strategy again.
          </p>
          <FormField id={`${id}-window`} label="Window (ms)" error={parsed.ok ? undefined : parsed.reason} hint="the closes are spread evenly over this long">
            <input className="input num" inputMode="numeric" data-testid="rebalance-window" value={windowText} onChange={(e) => setWindowText(e.target.value)} />
          </FormField>
        </>
      ) : null}
    </ConfirmDialog>
  );
});
