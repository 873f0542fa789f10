// A health check in a request becomes stored settings here: merged over the current settings (or
// the defaults), the write-only password kept unless the request names it, and the role and
// login fields checked against the check type. Also the audit log's view of a change, which
// shows that a password changed but never the password.
import type { HealthCheckSettings } from '@fulcrum/shared/api';
import { HEALTH_CHECK_DEFAULTS } from '@fulcrum/shared/defaults';
import { LOGIN_FIELDS_BY_CHECK_TYPE, ROLES_BY_CHECK_TYPE } from '@fulcrum/shared/enums';
import type { HealthCheckLoginField } from '@fulcrum/shared/enums';
import { toPublicHealthCheck } from '@fulcrum/shared/health-check-secrets';
import { validationError } from '../http/api-error.ts';
import type { HealthCheckPatch } from '../schemas/service-schemas.ts';
import { checkHealthCheck } from './input-checks.ts';

/** Fields that belong to one check type: a type change drops them unless the request sets them again. */
const TYPE_BOUND_FIELDS = ['role', 'username', 'user', 'database', 'password'] as const;
const LOGIN_FIELDS: readonly HealthCheckLoginField[] = ['username', 'user', 'database', 'password'];

/** The settings `input` asks for over `base`; 400 VALIDATION_ERROR naming the field otherwise. */
export function mergeHealthCheck(base: Readonly<HealthCheckSettings>, input: HealthCheckPatch | undefined): HealthCheckSettings {
  const { passwordSet, ...fields } = input ?? {};
  const start: HealthCheckSettings = { ...base };
  if (fields.type !== undefined && fields.type !== base.type) {
    for (const field of TYPE_BOUND_FIELDS) (start as Record<string, unknown>)[field] = HEALTH_CHECK_DEFAULTS[field];
  }
  const merged: HealthCheckSettings = { ...start, ...fields };
  // `passwordSet` in a request (an exported document sent back) states what must hold afterwards.
  if (passwordSet === true && merged.password === '') {
    throw validationError('healthCheck.password', 'passwordSet is true but no password is stored: send password (or export with --with-secrets)');
  }
  if (passwordSet === false && fields.password !== undefined && fields.password !== '') {
    throw validationError('healthCheck.passwordSet', 'is false but a password is given');
  }
  if (passwordSet === false) merged.password = '';
  checkRoleAndLogin(merged);
  return checkHealthCheck(merged);
}

/** Role and login fields must fit the check type (README "Role-aware checks"). */
export function checkRoleAndLogin(hc: Readonly<HealthCheckSettings>): void {
  const roles = ROLES_BY_CHECK_TYPE[hc.type] ?? ['any'];
  if (!roles.includes(hc.role)) {
    const why = roles.length === 1 ? `a ${hc.type} check cannot check a role (only redis and postgres checks can)` : `a ${hc.type} check accepts ${roles.join(', ')}`;
    throw validationError('healthCheck.role', `"${hc.role}": ${why}`);
  }
  const allowed = LOGIN_FIELDS_BY_CHECK_TYPE[hc.type] ?? [];
  for (const field of LOGIN_FIELDS) {
    if (hc[field] !== '' && !allowed.includes(field)) {
      const takes = allowed.length === 0 ? 'no login' : allowed.join(', ');
      throw validationError(`healthCheck.${field}`, `a ${hc.type} check takes ${takes}`);
    }
  }
  if (hc.type === 'redis' && hc.username !== '' && hc.password === '') {
    throw validationError('healthCheck.password', 'a redis check with a username needs a password');
  }
  if (hc.type === 'postgres' && hc.user === '') {
    if (hc.role !== 'any') throw validationError('healthCheck.user', 'a postgres check needs a user to check a role (it logs in)');
    if (hc.password !== '' || hc.database !== '') throw validationError('healthCheck.user', 'a postgres check with a password or database needs a user');
  }
}

type Changes = Record<string, { from: unknown; to: unknown }>;

/**
 * Changed `healthCheck.*` fields for the audit log, compared in their public shape; a changed
 * password shows as `healthCheck.password: set → changed`, never as its value.
 */
export function healthCheckChanges(before: Readonly<HealthCheckSettings>, after: Readonly<HealthCheckSettings>, diff: (a: object, b: object, prefix: string) => Changes): Changes {
  const changes = diff(toPublicHealthCheck(before), toPublicHealthCheck(after), 'healthCheck.');
  if (before.password !== after.password) {
    delete changes['healthCheck.passwordSet'];
    const state = (password: string, other: string) => (password === '' ? 'none' : other === '' ? 'set' : 'changed');
    changes['healthCheck.password'] = { from: before.password === '' ? 'none' : 'set', to: state(after.password, before.password) };
  }
  return changes;
}

/**
 * A document's health check with `passwordSet: true` and no `password` (an export without
 * secrets) asks to keep the stored password: `stored` fills it in. `stored` undefined means no
 * store to ask yet (a file checked before it is sent): the claim is dropped here and checked when
 * the document is applied.
 */
export function keepStoredPassword(input: HealthCheckPatch | undefined, stored: string | undefined): HealthCheckPatch | undefined {
  if (input?.passwordSet !== true || input.password !== undefined) return input;
  if (stored === undefined) {
    const { passwordSet: _claim, ...rest } = input;
    return rest;
  }
  return stored === '' ? input : { ...input, password: stored };
}
