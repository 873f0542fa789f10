// The service form's timing groups: connect/idle/drain timeouts and retries, the queue when every
// backend is full, and the longest a connection may live.
import { FormField } from '../../components/form-field.tsx';
import type { ServiceFieldsProps } from './service-fields-props.ts';

/** Timeouts and retries, queue, and long-lived connections: three fieldsets, in that order. */
export function ConnectionTimingFields({ values, set, field: f }: ServiceFieldsProps) {
  return (
    <>
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
    </>
  );
}
