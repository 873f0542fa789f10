import { memo, useId, useState } from 'react';
import type { ServiceDto } from '@fulcrum/shared/api';
import { ConfirmDialog, useConfirmRequest } from '../../components/dialog.tsx';
import { drainOutcome } from '../../lib/drain-text.ts';
import { serviceDeleted, showToast } from '../../store/actions.ts';
import { deleteService } from './services-api.ts';

interface DeleteServiceDialogProps {
  service: ServiceDto;
  open: boolean;
  onClose: () => void;
}

/**
 * While open, the dialog keeps the service it opened with: a configuration push (a backend
 * added elsewhere) re-renders the header behind it, never the question being asked.
 */
function sameWhileOpen(prev: DeleteServiceDialogProps, next: DeleteServiceDialogProps): boolean {
  return prev.open === next.open && prev.onClose === next.onClose && (next.open || prev.service === next.service);
}

/**
 * "Delete service <name>?": Delete stays disabled until the service's name is typed, so a
 * stray click or Enter cannot remove a listener.
 */
export const DeleteServiceDialog = memo(function DeleteServiceDialog({ service, open, onClose }: DeleteServiceDialogProps) {
  const id = useId();
  const [typed, setTyped] = useState('');
  const confirmed = typed.trim() === service.name;

  function close() {
    setTyped('');
    onClose();
  }

  const request = useConfirmRequest(
    confirmed
      ? async () => {
          await deleteService(service.id);
          serviceDeleted(service.id);
          showToast('info', `Service ${service.name} deleted.`);
        }
      : null,
    close,
  );

  const count = service.backends.length;
  return (
    <ConfirmDialog
      open={open}
      title={`Delete service ${service.name}?`}
      confirmLabel="Delete"
      confirmDisabled={!confirmed}
      {...request}
    >
      <p>
        The listener on <span className="mono">{service.listen}</span> closes and its {count} backend
        {count === 1 ? ' is' : 's are'} removed; established connections drain first. {drainOutcome(service.drainTimeoutMs)} This cannot be undone.
      </p>
      <div className="field confirm-name">
        <label className="field-label" htmlFor={`${id}-name`}>
          Type <span className="mono">{service.name}</span> to confirm
        </label>
        <input
          id={`${id}-name`}
          className="input mono"
          autoComplete="off"
          spellCheck={false}
          value={typed}
          data-testid="delete-confirm-name"
          onChange={(e) => setTyped(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              request.onConfirm();
            }
          }}
        />
      </div>
    </ConfirmDialog>
  );
}, sameWhileOpen);
