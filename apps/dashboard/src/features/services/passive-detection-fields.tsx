// The service form's passive-detection fields: the consecutive and failure-rate detectors on real
// connections, and how many backends they may have ejected at once.
import { FormField } from '../../components/form-field.tsx';
import type { ServiceFieldsProps } from './service-fields-props.ts';

/** Consecutive failures, failure rate (percent, window, minimum volume) and maxEjectionPercent. */
export function PassiveDetectionFields({ values, set, field: f }: ServiceFieldsProps) {
  const input = (name: 'hcPassiveFailures' | 'hcPassiveFailurePercent' | 'hcPassiveWindow' | 'hcPassiveMinVolume' | 'hcMaxEjectionPercent') => (
    <input className="input num" inputMode="numeric" value={values[name]} onChange={(e) => set(name, e.target.value)} />
  );
  return (
    <fieldset data-testid="passive-detection-fields">
      <legend>Passive detection (real connections)</legend>
      <div className="form-grid form-grid-5">
        <FormField {...f('hcPassiveFailures')} label="Consecutive failures" hint="in a row to eject; 0 = off">
          {input('hcPassiveFailures')}
        </FormField>
        <FormField {...f('hcPassiveFailurePercent')} label="Failure rate (%)" hint="of the window to eject; 0 = off">
          {input('hcPassiveFailurePercent')}
        </FormField>
        <FormField {...f('hcPassiveWindow')} label="Window" hint="latest connections judged">
          {input('hcPassiveWindow')}
        </FormField>
        <FormField {...f('hcPassiveMinVolume')} label="Minimum volume" hint="connections before judging">
          {input('hcPassiveMinVolume')}
        </FormField>
        <FormField {...f('hcMaxEjectionPercent')} label="Max ejected (%)" hint="of the backends at once; at least 1">
          {input('hcMaxEjectionPercent')}
        </FormField>
      </div>
    </fieldset>
  );
}
