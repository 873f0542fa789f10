// The service form's role-aware health-check fields: check port, HTTP method, required role and
// the check's login. The password field is write-only: it shows whether one is stored, never it.
import { HTTP_CHECK_METHODS } from '@fulcrum/shared/enums';
import { FormField } from '../../components/form-field.tsx';
import { rolesFor, takesLogin } from './health-check-role-form.ts';
import type { ServiceFieldsProps } from './service-fields-props.ts';
import type { ServiceFormValues } from './service-form-model.ts';

/** Check port, HTTP method, role and login of the health check being edited. */
export function HealthCheckRoleFields({ values, set, field: f }: ServiceFieldsProps) {
  const type = values.hcType;
  const roles = rolesFor(type);
  return (
    <div className="form-grid" data-testid="health-check-role-fields">
      <FormField {...f('hcCheckPort')} label="Check port" hint="0 = the backend's port">
        <input className="input num" inputMode="numeric" value={values.hcCheckPort} onChange={(e) => set('hcCheckPort', e.target.value)} />
      </FormField>
      {type === 'http' ? (
        <FormField {...f('hcHttpMethod')} label="HTTP method">
          <select className="select" value={values.hcHttpMethod} onChange={(e) => set('hcHttpMethod', e.target.value as ServiceFormValues['hcHttpMethod'])}>
            {HTTP_CHECK_METHODS.map((m) => (
              <option key={m} value={m}>
                {m}
              </option>
            ))}
          </select>
        </FormField>
      ) : null}
      {roles.length > 1 ? (
        <FormField {...f('hcRole')} label="Role" hint="backends in another role are down">
          <select className="select" value={values.hcRole} onChange={(e) => set('hcRole', e.target.value as ServiceFormValues['hcRole'])}>
            {roles.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </FormField>
      ) : null}
      {takesLogin(type, 'username') ? (
        <FormField {...f('hcUsername')} label="ACL username" hint="empty: AUTH with the password only">
          <input className="input mono" autoComplete="off" value={values.hcUsername} onChange={(e) => set('hcUsername', e.target.value)} />
        </FormField>
      ) : null}
      {takesLogin(type, 'user') ? (
        <>
          <FormField {...f('hcUser')} label="Login user" hint="empty: no login (SSLRequest check)">
            <input className="input mono" autoComplete="off" value={values.hcUser} onChange={(e) => set('hcUser', e.target.value)} />
          </FormField>
          <FormField {...f('hcDatabase')} label="Database" hint="empty: same as the user">
            <input className="input mono" autoComplete="off" value={values.hcDatabase} onChange={(e) => set('hcDatabase', e.target.value)} />
          </FormField>
        </>
      ) : null}
      {takesLogin(type, 'password') ? (
        <FormField {...f('hcPassword')} label="Password" hint={values.hcPasswordSet ? 'stored; leave empty to keep it' : 'none stored'}>
          <input
            className="input mono"
            type="password"
            autoComplete="new-password"
            placeholder={values.hcPasswordSet ? '••••••••' : ''}
            value={values.hcPassword}
            onChange={(e) => set('hcPassword', e.target.value)}
          />
        </FormField>
      ) : null}
    </div>
  );
}
