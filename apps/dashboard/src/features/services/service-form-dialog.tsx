import { useId, useState, type FormEvent } from 'react';
import type { ServiceDto } from '@fulcrum/shared/api';
import { Dialog } from '../../components/dialog.tsx';
import { FormWarnings } from '../../components/form-warnings-list.tsx';
import { ApiError, errorMessage } from '../../lib/api-client.ts';
import { selectService, serviceSaved, showToast } from '../../store/actions.ts';
import { useAppStore } from '../../store/app-store.ts';
import { serviceById } from '../../store/selectors.ts';
import { useClusterStrategyNote } from '../cluster/strategy-cluster-note.tsx';
import {
  STALE_TEXT,
  emptyServiceForm,
  formFieldForServerField,
  formStaleness,
  serviceToForm,
  toCreateBody,
  toPatchBody,
  validateServiceForm,
  type ServiceFormErrors,
  type ServiceFormField,
  type ServiceFormValues,
} from './service-form-model.ts';
import type { ServiceFieldsProps } from './service-fields-props.ts';
import { createService, updateService } from './services-api.ts';
import { serviceDiff, type DiffRow } from './service-diff.ts';
import { serviceFormWarnings } from './form-warnings.ts';
import { ServiceReview } from './service-review.tsx';
// The form's groups of fields, in the order they appear.
import { ServiceBasicsFields } from './service-basics-fields.tsx';
import { ConnectionTimingFields } from './connection-timing-fields.tsx';
import { ClientAccessFields } from './client-access-fields.tsx';
import { ClientLimitsFields } from './client-limits-fields.tsx';
import { SniRoutingFields } from './sni-routing-fields.tsx';
import { HealthCheckFields } from './health-check-fields.tsx';
import { PassiveDetectionFields } from './passive-detection-fields.tsx';
import { RecoveryFields } from './service-extras-fields.tsx';
import { AgentCheckFields } from './agent-check-fields.tsx';

interface ServiceFormDialogProps {
  /** null: create a new service. */
  service: ServiceDto | null;
  open: boolean;
  onClose: () => void;
}

/** Create or edit a service. Mounted fresh each time it opens, so it starts from current values. */
export function ServiceFormDialog({ service, open, onClose }: ServiceFormDialogProps) {
  return (
    <Dialog open={open} title={service ? `Edit service ${service.name}` : 'New service'} onClose={onClose} wide>
      {open ? <ServiceForm service={service} onDone={onClose} /> : null}
    </Dialog>
  );
}

function ServiceForm({ service, onDone }: { service: ServiceDto | null; onDone: () => void }) {
  const id = useId();
  const allServices = useAppStore((s) => s.services);
  const [values, setValues] = useState<ServiceFormValues>(() => (service ? serviceToForm(service) : emptyServiceForm()));
  const [errors, setErrors] = useState<ServiceFormErrors>({});
  const [busy, setBusy] = useState(false);
  // The review step: the changes the operator is about to apply, shown before anything is sent.
  const [review, setReview] = useState<DiffRow[] | null>(null);
  const clusterNote = useClusterStrategyNote(values.strategy, service?.strategyOptions);
  const stale = formStaleness(service, useAppStore(serviceById(service?.id ?? null)));

  function set<K extends ServiceFormField>(field: K, value: ServiceFormValues[K]) {
    setValues((v) => ({ ...v, [field]: value }));
    if (errors[field]) setErrors((e) => ({ ...e, [field]: undefined }));
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    const others = allServices.filter((s) => s.id !== service?.id);
    const found = validateServiceForm(values, others);
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    if (service && review === null) {
      setReview(serviceDiff(service, toPatchBody(values, service)));
      return;
    }
    setBusy(true);
    try {
      if (service) {
        const patch = toPatchBody(values, service);
        // If-Match the version the form started from: a change made meanwhile, here or on another node, is never silently overwritten.
        if (Object.keys(patch).length > 0) serviceSaved(await updateService(service.id, patch, service.version));
        showToast('success', `Service ${values.name.trim()} saved.`);
      } else {
        const created = await createService(toCreateBody(values));
        serviceSaved(created);
        selectService(created.id);
        showToast('success', `Service ${created.name} created on ${created.listen}.`);
      }
      onDone();
    } catch (error) {
      if (error instanceof ApiError && error.code === 'VERSION_CONFLICT') {
        setErrors({ form: `Not saved: ${STALE_TEXT.changed}` });
        setBusy(false);
        return;
      }
      // A field the server refused is on the form: back to it.
      setReview(null);
      const field = error instanceof ApiError ? formFieldForServerField(error.field) : 'form';
      // Next to its field the message needs no field name; at the bottom of the form it does.
      const named = field === 'form' && error instanceof ApiError && error.field ? `${error.field}: ${errorMessage(error)}` : errorMessage(error);
      setErrors({ [field]: named });
      setBusy(false);
    }
  }

  // What every group of fields gets; each field's id is `${id}-${field}` (FormField derives its error, hint and note ids from it).
  const fields: ServiceFieldsProps = { values, set, field: (field) => ({ id: `${id}-${field}`, error: errors[field] }) };

  // An edit that changes nothing has nothing to save. A value the form refuses is a change the
  // body cannot carry (it falls back to what runs): Save stays enabled so pressing it shows why.
  const unchanged =
    service !== null &&
    serviceDiff(service, toPatchBody(values, service)).length === 0 &&
    Object.keys(validateServiceForm(values, allServices.filter((s) => s.id !== service.id))).length === 0;
  const warnings = serviceFormWarnings(values, service?.backends ?? []);

  if (service && review !== null) {
    return (
      <ServiceReview
        rows={review}
        serviceName={service.name}
        warnings={warnings}
        notice={stale && !errors.form ? STALE_TEXT[stale] : null}
        error={errors.form ?? null}
        busy={busy}
        onSubmit={submit}
        onCancel={onDone}
        onBack={() => setReview(null)}
      />
    );
  }

  return (
    <form className="service-form" onSubmit={submit} noValidate data-testid="service-form">
      <ServiceBasicsFields {...fields} clusterNote={clusterNote} autoFocusName={!service} />
      <ConnectionTimingFields {...fields} />
      <ClientAccessFields {...fields} />
      <ClientLimitsFields {...fields} />
      <SniRoutingFields {...fields} />
      <HealthCheckFields {...fields} />
      <PassiveDetectionFields {...fields} />
      <RecoveryFields {...fields} />
      <AgentCheckFields {...fields} />

      <FormWarnings warnings={warnings} testId="service-form-warnings" />
      {stale && !errors.form ? (
        <p className="form-notice" role="status" data-testid="service-form-stale">
          {STALE_TEXT[stale]}
        </p>
      ) : null}
      {errors.form ? (
        <p className="field-error form-error" role="alert">
          {errors.form}
        </p>
      ) : null}
      <div className="dialog-actions">
        {unchanged ? (
          <span className="muted small" role="status" data-testid="service-form-unchanged">
            No changes
          </span>
        ) : null}
        <button type="button" className="btn" onClick={onDone}>
          Cancel
        </button>
        <button type="submit" className="btn btn-primary" disabled={busy || unchanged}>
          {busy ? <span className="spinner" aria-hidden="true" /> : null}
          {service ? 'Save service…' : 'Create service'}
        </button>
      </div>
    </form>
  );
}
