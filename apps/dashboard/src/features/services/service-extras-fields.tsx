// The service form's fields for service-extras-form.ts: consistent-hash's load bound, the HTTP
// check's status range, send-expect's regex switch, slow start and close-on-down.
import { FormField } from '../../components/form-field.tsx';
import type { ServiceFieldsProps } from './service-fields-props.ts';

type TextField = 'boundedLoadFactor' | 'hcHttpStatusMin' | 'hcHttpStatusMax' | 'hcSlowStartMs';

function textInput({ values, set }: ServiceFieldsProps, name: TextField, inputMode: 'numeric' | 'decimal' = 'numeric', placeholder?: string) {
  return <input className="input num" inputMode={inputMode} placeholder={placeholder} value={values[name]} onChange={(e) => set(name, e.target.value)} />;
}

/** consistent-hash: no backend takes more than factor × the average load. */
export function LoadBoundField(props: ServiceFieldsProps) {
  return (
    <FormField {...props.field('boundedLoadFactor')} label="Load bound (× average)" hint="consistent-hash: empty = 1.25, 0 = off, else 1–10">
      {textInput(props, 'boundedLoadFactor', 'decimal', '1.25')}
    </FormField>
  );
}

/** http check: the accepted status range. */
export function HttpStatusFields(props: ServiceFieldsProps) {
  return (
    <>
      <FormField {...props.field('hcHttpStatusMin')} label="Lowest status" hint="accepted, inclusive">
        {textInput(props, 'hcHttpStatusMin')}
      </FormField>
      <FormField {...props.field('hcHttpStatusMax')} label="Highest status" hint="accepted, inclusive">
        {textInput(props, 'hcHttpStatusMax')}
      </FormField>
    </>
  );
}

/** send-expect: match the reply against Expect as a regular expression instead of containing it. */
export function ExpectRegexField({ values, set }: ServiceFieldsProps) {
  return (
    <label className="checkbox">
      <input type="checkbox" checked={values.hcExpectRegex} onChange={(e) => set('hcExpectRegex', e.target.checked)} />
      Expect is a regular expression
    </label>
  );
}

/** What happens around a backend's transitions: slow start when it comes back, close-on-down when it goes. */
export function RecoveryFields(props: ServiceFieldsProps) {
  const { values, set } = props;
  return (
    <fieldset data-testid="recovery-fields">
      <legend>When a backend comes back or goes down</legend>
      <div className="form-grid">
        <FormField {...props.field('hcSlowStartMs')} label="Slow start (ms)" hint="ramp its weight from 10 % to 100 % after it recovers; 0 = off">
          {textInput(props, 'hcSlowStartMs')}
        </FormField>
        <label className="checkbox">
          <input type="checkbox" checked={values.hcCloseOnDown} onChange={(e) => set('hcCloseOnDown', e.target.checked)} />
          Close its established connections when it goes down
        </label>
      </div>
    </fieldset>
  );
}
