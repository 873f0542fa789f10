// The service form's `limits` fields (README "How much one client may take: `limits`"): an empty
// connections field turns that limit off; the model is client-limits-form.ts.
import { FormField } from '../../components/form-field.tsx';
import type { LimitsFormValues } from './client-limits-form.ts';
import type { ServiceFieldsProps } from './service-fields-props.ts';

/** Connections at once per client, new connections per client and per service, IPv6 prefix, table size. */
export function ClientLimitsFields({ values, set, field: f }: ServiceFieldsProps) {
  const input = (name: keyof LimitsFormValues, placeholder = '') => (
    <input className="input num" inputMode="numeric" placeholder={placeholder} value={values[name]} onChange={(e) => set(name, e.target.value)} />
  );
  return (
    <fieldset data-testid="client-limits-fields">
      <legend>How much one client may take</legend>
      <div className="form-grid form-grid-5">
        <FormField {...f('limitPerClient')} label="Connections per client" hint="at once; empty = no limit">
          {input('limitPerClient', 'no limit')}
        </FormField>
        <FormField {...f('limitClientRate')} label="New per client" hint="per interval; empty = no limit">
          {input('limitClientRate', 'no limit')}
        </FormField>
        <FormField {...f('limitClientRateMs')} label="Client rate period (ms)" hint="the burst refills over it">
          {input('limitClientRateMs')}
        </FormField>
        <FormField {...f('limitServiceRate')} label="New for the service" hint="all clients; empty = no limit">
          {input('limitServiceRate', 'no limit')}
        </FormField>
        <FormField {...f('limitServiceRateMs')} label="Service rate period (ms)" hint="the burst refills over it">
          {input('limitServiceRateMs')}
        </FormField>
        <FormField {...f('limitIpv6Prefix')} label="IPv6 client prefix" hint="addresses in one /N are one client">
          {input('limitIpv6Prefix')}
        </FormField>
        <FormField {...f('limitTableSize')} label="Client table size" hint="clients tracked at once; full = refused">
          {input('limitTableSize')}
        </FormField>
      </div>
    </fieldset>
  );
}
