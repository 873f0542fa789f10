// The service form's TLS SNI routing group; the names are parsed and checked in sni-names.ts.
import { FormField } from '../../components/form-field.tsx';
import type { ServiceFieldsProps } from './service-fields-props.ts';

/** The TLS server names routed to this service on a shared listen address. */
export function SniRoutingFields({ values, set, field: f }: ServiceFieldsProps) {
  return (
    <fieldset>
      <legend>TLS SNI routing</legend>
      <div className="form-grid">
        <FormField {...f('sni')} label="TLS SNI routes (one per line)" hint="share the listen address with other services: clients whose TLS server name is listed come here (*.example.com = one label); empty = no SNI routing, or the address's default route">
          <textarea className="input mono" rows={3} spellCheck={false} placeholder="db1.example.com" value={values.sni} onChange={(e) => set('sni', e.target.value)} />
        </FormField>
      </div>
    </fieldset>
  );
}
