// The service form's "Who may connect" group: allow/deny lists (client-lists.ts) and both sides of
// the PROXY protocol (proxy-protocol-form.ts).
import { FormField } from '../../components/form-field.tsx';
import { PROXY_MODES, PROXY_MODE_TEXT } from './proxy-protocol-form.ts';
import type { ServiceFieldsProps } from './service-fields-props.ts';
import type { ServiceFormValues } from './service-form-model.ts';

/** Allow and deny CIDRs, the PROXY protocol sent to backends and the peers trusted to send it. */
export function ClientAccessFields({ values, set, field: f }: ServiceFieldsProps) {
  return (
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
  );
}
