// The service form's active health-check group: check type and timing, then the fields only some
// types take (HTTP path and status range, role and login, send/expect).
import { HEALTH_CHECK_TYPES } from '@fulcrum/shared/enums';
import { FormField } from '../../components/form-field.tsx';
import { HealthCheckRoleFields } from './health-check-role-fields.tsx';
import { ExpectRegexField, HttpStatusFields } from './service-extras-fields.tsx';
import type { ServiceFieldsProps } from './service-fields-props.ts';
import type { ServiceFormValues } from './service-form-model.ts';

/** Check type, interval, timeout, rise/fall and the type's own fields; only the type when off. */
export function HealthCheckFields(props: ServiceFieldsProps) {
  const { values, set, field: f } = props;
  const hcOn = values.hcType !== 'none';
  return (
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
          <HttpStatusFields {...props} />
        </div>
      ) : null}
      {hcOn ? <HealthCheckRoleFields {...props} /> : null}
      {values.hcType === 'send-expect' ? (
        <div className="form-grid">
          <FormField {...f('hcSend')} label="Send" hint="\r\n escapes allowed">
            <input className="input mono" value={values.hcSend} onChange={(e) => set('hcSend', e.target.value)} />
          </FormField>
          <FormField {...f('hcExpect')} label="Expect" hint="reply must contain">
            <input className="input mono" value={values.hcExpect} onChange={(e) => set('hcExpect', e.target.value)} />
          </FormField>
          <ExpectRegexField {...props} />
        </div>
      ) : null}
    </fieldset>
  );
}
