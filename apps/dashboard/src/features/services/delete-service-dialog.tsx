import { memo, useState } from 'react';
import type { ServiceDto } from '@fulcrum/shared/api';
import { ConfirmDialog, useValueAtOpen } from '../../components/dialog.tsx';
import { errorMessage } from '../../lib/api-client.ts';
import { drainOutcome } from '../../lib/drain-text.ts';
import { serviceDeleted, showToast } from '../../store/actions.ts';
import { deleteService } from './services-api.ts';

interface DeleteServiceDialogProps {
  service: ServiceDto;
  open: boolean;
  onClose: () => void;
}

/**
 * "Delete service <name>?". The text is the service as it was when the dialog opened: a
 * configuration push behind it (a backend removed elsewhere) does not rewrite what is asked.
 */
export const DeleteServiceDialog = memo(function DeleteServiceDialog({ service: live, open, onClose }: DeleteServiceDialogProps) {
  const service = useValueAtOpen(open, live);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function remove() {
    setBusy(true);
    setError(null);
    try {
      await deleteService(service.id);
      serviceDeleted(service.id);
      showToast('info', `Service ${service.name} deleted.`);
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

  const count = service.backends.length;
  return (
    <ConfirmDialog open={open} title={`Delete service ${service.name}?`} confirmLabel="Delete" busy={busy} error={error} onConfirm={() => void remove()} onCancel={cancel}>
      <p>
        The listener on <span className="mono">{service.listen}</span> closes and its {count} backend
        {count === 1 ? ' is' : 's are'} removed; established connections drain first. {drainOutcome(service.drainTimeoutMs)} This cannot be undone.
      </p>
    </ConfirmDialog>
  );
});
