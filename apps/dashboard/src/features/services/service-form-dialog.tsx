import { useId, useState, type FormEvent } from 'react';
import type { ServiceDto } from '@fulcrum/shared/api';
import { HEALTH_CHECK_TYPES } from '@fulcrum/shared/enums';
import { STRATEGIES, type StrategyName } from '@fulcrum/shared/strategies';
import { Dialog } from '../../components/dialog.tsx';
import { ApiError, errorMessage } from '../../lib/api-client.ts';
import { selectService, serviceSaved, showToast } from '../../store/actions.ts';
import { useAppStore } from '../../store/app-store.ts';
import { serviceById } from '../../store/selectors.ts';
import { StrategyClusterNote, useClusterStrategyNote } from '../cluster/strategy-cluster-note.tsx';
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
import { createService, updateService } from './services-api.ts';
import { FormField } from '../../components/form-field.tsx';
import { HealthCheckRoleFields } from './health-check-role-fields.tsx';
import { PassiveDetectionFields } from './passive-detection-fields.tsx';
import { PROXY_MODES, PROXY_MODE_TEXT } from './proxy-protocol-form.ts';
import { ClientLimitsFields } from './client-limits-fields.tsx';
import { ExpectRegexField, HttpStatusFields, LoadBoundField, RecoveryFields } from './service-extras-fields.tsx';
import { ServiceReview } from './service-review.tsx';
import { serviceDiff, type DiffRow } from './service-diff.ts';
import { serviceFormWarnings } from './form-warnings.ts';
import { FormWarnings } from '../../components/form-warnings-list.tsx';

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

  const f = (field: ServiceFormField) => ({
    id: `${id}-${field}`,
    error: errors[field],
  });

  const hcOn = values.hcType !== 'none';
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
      <fieldset>
        <legend>Service</legend>
        <div className="form-grid">
          <FormField {...f('name')} label="Name" hint="Shown in the console and in metrics labels.">
            <input className="input" value={values.name} onChange={(e) => set('name', e.target.value)} autoFocus={!service} />
          </FormField>
          <FormField {...f('listen')} label="Listen address" hint="host:port Fulcrum accepts clients on.">
            <input className="input mono" placeholder="0.0.0.0:6380" value={values.listen} onChange={(e) => set('listen', e.target.value)} />
          </FormField>
          <FormField
            {...f('strategy')}
            label="Strategy"
            wide
            hint={STRATEGIES.find((s) => s.name === values.strategy)?.description}
            note={clusterNote ? <StrategyClusterNote note={clusterNote} id={`${id}-strategy-note`} /> : null}
          >
            <select className="select" value={values.strategy} onChange={(e) => set('strategy', e.target.value as StrategyName)}>
              {STRATEGIES.map((s) => (
                <option key={s.name} value={s.name}>
                  {s.label}
                </option>
              ))}
            </select>
          </FormField>
          {values.strategy === 'consistent-hash' ? <LoadBoundField values={values} set={set} field={f} /> : null}
        </div>
      </fieldset>

      <fieldset>
        <legend>Timeouts and retries</legend>
        <div className="form-grid form-grid-4">
          <FormField {...f('connectTimeoutMs')} label="Connect timeout (ms)">
            <input className="input num" inputMode="numeric" value={values.connectTimeoutMs} onChange={(e) => set('connectTimeoutMs', e.target.value)} />
          </FormField>
          <FormField {...f('idleTimeoutMs')} label="Idle timeout (ms)" hint="0 = never">
            <input className="input num" inputMode="numeric" value={values.idleTimeoutMs} onChange={(e) => set('idleTimeoutMs', e.target.value)} />
          </FormField>
          <FormField {...f('drainTimeoutMs')} label="Drain timeout (ms)" hint="0 = wait forever">
            <input className="input num" inputMode="numeric" value={values.drainTimeoutMs} onChange={(e) => set('drainTimeoutMs', e.target.value)} />
          </FormField>
          <FormField {...f('retries')} label="Connect retries" hint="0–10, on other backends">
            <input className="input num" inputMode="numeric" value={values.retries} onChange={(e) => set('retries', e.target.value)} />
          </FormField>
        </div>
      </fieldset>

      <fieldset>
        <legend>Queue when every backend is at its connection limit</legend>
        <div className="form-grid form-grid-4">
          <FormField {...f('maxQueue')} label="Max queue" hint="0 = refuse at once">
            <input className="input num" inputMode="numeric" value={values.maxQueue} onChange={(e) => set('maxQueue', e.target.value)} />
          </FormField>
          <FormField {...f('queueTimeoutMs')} label="Queue timeout (ms)" hint="longest wait for a slot">
            <input className="input num" inputMode="numeric" value={values.queueTimeoutMs} onChange={(e) => set('queueTimeoutMs', e.target.value)} />
          </FormField>
        </div>
      </fieldset>

      <fieldset>
        <legend>Long-lived connections</legend>
        <div className="form-grid form-grid-4">
          <FormField {...f('maxConnectionLifetimeMs')} label="Max connection lifetime (ms)" hint="0 = off; else closed gracefully after this (± 10 %)">
            <input className="input num" inputMode="numeric" value={values.maxConnectionLifetimeMs} onChange={(e) => set('maxConnectionLifetimeMs', e.target.value)} />
          </FormField>
        </div>
      </fieldset>

      <fieldset>
        <legend>Who may connect</legend>
        <div className="form-grid">
          <FormField {...f('allow')} label="Allow (one CIDR per line)" hint="empty = every client; else only these">
            <textarea className="input mono" rows={3} spellCheck={false} placeholder="10.0.0.0/8" value={values.allow} onChange={(e) => set('allow', e.target.value)} />
          </FormField>
          <FormField {...f('deny')} label="Deny (one CIDR per line)" hint="always refused, even if allowed">
            <textarea className="input mono" rows={3} spellCheck={false} placeholder="10.0.0.13" value={values.deny} onChange={(e) => set('deny', e.target.value)} />
          </FormField>
          <FormField {...f('proxyProtocol')} label="Send PROXY protocol" hint="header with the client address to backends that expect it (a backend may set its own)">
            <select className="select" value={values.proxyProtocol} onChange={(e) => set('proxyProtocol', e.target.value as ServiceFormValues['proxyProtocol'])}>
              {PROXY_MODES.map((m) => (
                <option key={m} value={m}>
                  {PROXY_MODE_TEXT[m]}
                </option>
              ))}
            </select>
          </FormField>
          <FormField {...f('acceptProxyFrom')} label="Accept PROXY protocol from (one CIDR per line)" hint="empty = off; else only these peers may connect, each sending a v1/v2 header">
            <textarea className="input mono" rows={2} spellCheck={false} placeholder="10.0.0.0/8" value={values.acceptProxyFrom} onChange={(e) => set('acceptProxyFrom', e.target.value)} />
          </FormField>
        </div>
      </fieldset>

      <ClientLimitsFields values={values} set={set} field={f} />

      <fieldset>
        <legend>TLS SNI routing</legend>
        <div className="form-grid">
          <FormField {...f('sni')} label="TLS SNI routes (one per line)" hint="share the listen address with other services: clients whose TLS server name is listed come here (*.example.com = one label); empty = no SNI routing, or the address's default route">
            <textarea className="input mono" rows={3} spellCheck={false} placeholder="db1.example.com" value={values.sni} onChange={(e) => set('sni', e.target.value)} />
          </FormField>
        </div>
      </fieldset>

      <fieldset>
        <legend>Health check</legend>
        <div className="form-grid form-grid-5">
          <FormField {...f('hcType')} label="Check type">
            <select className="select" value={values.hcType} onChange={(e) => set('hcType', e.target.value as ServiceFormValues['hcType'])}>
              {HEALTH_CHECK_TYPES.map((t) => (
                <option key={t} value={t}>
                  {t}
                </option>
              ))}
            </select>
          </FormField>
          {hcOn ? (
            <>
              <FormField {...f('hcIntervalMs')} label="Interval (ms)">
                <input className="input num" inputMode="numeric" value={values.hcIntervalMs} onChange={(e) => set('hcIntervalMs', e.target.value)} />
              </FormField>
              <FormField {...f('hcTimeoutMs')} label="Check timeout (ms)">
                <input className="input num" inputMode="numeric" value={values.hcTimeoutMs} onChange={(e) => set('hcTimeoutMs', e.target.value)} />
              </FormField>
              <FormField {...f('hcRise')} label="Rise" hint="passes to mark up">
                <input className="input num" inputMode="numeric" value={values.hcRise} onChange={(e) => set('hcRise', e.target.value)} />
              </FormField>
              <FormField {...f('hcFall')} label="Fall" hint="failures to mark down">
                <input className="input num" inputMode="numeric" value={values.hcFall} onChange={(e) => set('hcFall', e.target.value)} />
              </FormField>
            </>
          ) : null}
        </div>
        {values.hcType === 'http' ? (
          <div className="form-grid">
            <FormField {...f('hcHttpPath')} label="HTTP path">
              <input className="input mono" value={values.hcHttpPath} onChange={(e) => set('hcHttpPath', e.target.value)} />
            </FormField>
            <HttpStatusFields values={values} set={set} field={f} />
          </div>
        ) : null}
        {hcOn ? <HealthCheckRoleFields values={values} set={set} field={f} /> : null}
        {values.hcType === 'send-expect' ? (
          <div className="form-grid">
            <FormField {...f('hcSend')} label="Send" hint="\r\n escapes allowed">
              <input className="input mono" value={values.hcSend} onChange={(e) => set('hcSend', e.target.value)} />
            </FormField>
            <FormField {...f('hcExpect')} label="Expect" hint="reply must contain">
              <input className="input mono" value={values.hcExpect} onChange={(e) => set('hcExpect', e.target.value)} />
            </FormField>
            <ExpectRegexField values={values} set={set} field={f} />
          </div>
        ) : null}
      </fieldset>

      <PassiveDetectionFields values={values} set={set} field={f} />
      <RecoveryFields values={values} set={set} field={f} />
      <fieldset data-testid="agent-check-fields">
        <legend>Agent check</legend>
        <div className="form-grid">
          <FormField {...f('agentPort')} label="Agent port" hint="on each backend's host; empty = none">
            <input className="input num" inputMode="numeric" placeholder="none" value={values.agentPort} onChange={(e) => set('agentPort', e.target.value)} />
          </FormField>
          {values.agentPort.trim() === '' ? null : (
            <FormField {...f('agentIntervalMs')} label="Agent interval (ms)">
              <input className="input num" inputMode="numeric" value={values.agentIntervalMs} onChange={(e) => set('agentIntervalMs', e.target.value)} />
            </FormField>
          )}
        </div>
        <p className="muted small">The agent answers one line (up, down, drain, maint, ready, 75%, # reason); it adjusts each backend on top of these settings. A backend may name its own.</p>
      </fieldset>

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
