// The role-aware part of the service form's health check: check port, HTTP method, required role
// and the check's login. The password is write-only: the form never has it, only whether one is
// stored; a typed password is sent, an empty field keeps the stored one.
import type { HealthCheckDto, HealthCheckRole, HealthCheckType, HttpCheckMethod } from '@fulcrum/shared/api';
import { LOGIN_FIELDS_BY_CHECK_TYPE, ROLES_BY_CHECK_TYPE } from '@fulcrum/shared/enums';
import { HEALTH_CHECK_LIMITS } from '@fulcrum/shared/limits';
import { parseIntInRange } from '../../lib/limits.ts';

/** The form fields of this part. */
export interface RoleFormValues {
  hcCheckPort: string;
  hcHttpMethod: HttpCheckMethod;
  hcRole: HealthCheckRole;
  hcUsername: string;
  hcUser: string;
  hcDatabase: string;
  /** Typed by the operator ('' = keep what is stored). */
  hcPassword: string;
  /** Read-only: a password is stored. */
  hcPasswordSet: boolean;
}

/** The settings this part shows. */
export type RoleSettings = Pick<HealthCheckDto, 'checkPort' | 'httpMethod' | 'role' | 'username' | 'user' | 'database' | 'passwordSet'>;

/** The roles a check type can require ('any' only for most). */
export function rolesFor(type: HealthCheckType): readonly HealthCheckRole[] {
  return ROLES_BY_CHECK_TYPE[type] ?? ['any'];
}

/** Does `type` take the login field `field`? */
export function takesLogin(type: HealthCheckType, field: 'username' | 'user' | 'database' | 'password'): boolean {
  return (LOGIN_FIELDS_BY_CHECK_TYPE[type] ?? []).includes(field);
}

export function toRoleForm(hc: RoleSettings): RoleFormValues {
  return {
    hcCheckPort: String(hc.checkPort),
    hcHttpMethod: hc.httpMethod,
    hcRole: hc.role,
    hcUsername: hc.username,
    hcUser: hc.user,
    hcDatabase: hc.database,
    hcPassword: '',
    hcPasswordSet: hc.passwordSet,
  };
}

/** Client-side checks of this part for a check of `type`; the server checks again. */
export function validateRoleForm(values: RoleFormValues, type: HealthCheckType): Partial<Record<keyof RoleFormValues, string>> {
  const errors: Partial<Record<keyof RoleFormValues, string>> = {};
  const port = parseIntInRange(values.hcCheckPort, 'Check port', HEALTH_CHECK_LIMITS.checkPort);
  if (!port.ok) errors.hcCheckPort = port.reason;
  if (!rolesFor(type).includes(values.hcRole)) errors.hcRole = `A ${type} check cannot require this role.`;
  if (type === 'postgres' && values.hcRole !== 'any' && !values.hcUser.trim()) errors.hcUser = 'A user is needed to check the role (the check logs in).';
  if (type === 'redis' && values.hcUsername.trim() && !values.hcPassword && !values.hcPasswordSet) errors.hcPassword = 'A username needs a password.';
  return errors;
}

/** The body fields of this part for a check of `type` (the password only when typed). */
export function roleBody(values: RoleFormValues, type: HealthCheckType): Partial<HealthCheckDto> & { password?: string } {
  const body: Partial<HealthCheckDto> & { password?: string } = { checkPort: Number(values.hcCheckPort.trim()) };
  if (type === 'http') body.httpMethod = values.hcHttpMethod;
  if (rolesFor(type).length > 1) body.role = values.hcRole;
  if (takesLogin(type, 'username')) body.username = values.hcUsername.trim();
  if (takesLogin(type, 'user')) Object.assign(body, { user: values.hcUser.trim(), database: values.hcDatabase.trim() });
  if (takesLogin(type, 'password') && values.hcPassword !== '') body.password = values.hcPassword;
  return body;
}
