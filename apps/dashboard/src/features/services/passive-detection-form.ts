// The passive-detection part of the service form: the consecutive detector, the failure-rate
// detector and maxEjectionPercent. They judge real connections, so they apply with every check
// type, `none` included. Ranges and the window rule come from @fulcrum/shared/limits, the same
// the admin and the engine check.
import type { HealthCheckDto } from '@fulcrum/shared/api';
import { HEALTH_CHECK_LIMITS, failureRateWindowProblem } from '@fulcrum/shared/limits';
import type { IntRange } from '@fulcrum/shared/limits';
import { parseIntInRange } from '../../lib/limits.ts';

/** The form fields of this part. */
export interface PassiveFormValues {
  hcPassiveFailures: string;
  hcPassiveFailurePercent: string;
  hcPassiveWindow: string;
  hcPassiveMinVolume: string;
  hcMaxEjectionPercent: string;
}

/** The settings this part shows. */
export type PassiveSettings = Pick<HealthCheckDto, 'passiveFailures' | 'passiveFailurePercent' | 'passiveWindow' | 'passiveMinVolume' | 'maxEjectionPercent'>;

type PassiveField = keyof PassiveFormValues;

/** Each field: its setting, its label in messages, its range. */
const FIELDS: ReadonlyArray<[PassiveField, keyof PassiveSettings, string, IntRange]> = [
  ['hcPassiveFailures', 'passiveFailures', 'Consecutive failures', HEALTH_CHECK_LIMITS.passiveFailures],
  ['hcPassiveFailurePercent', 'passiveFailurePercent', 'Failure rate', HEALTH_CHECK_LIMITS.passiveFailurePercent],
  ['hcPassiveWindow', 'passiveWindow', 'Window', HEALTH_CHECK_LIMITS.passiveWindow],
  ['hcPassiveMinVolume', 'passiveMinVolume', 'Minimum volume', HEALTH_CHECK_LIMITS.passiveMinVolume],
  ['hcMaxEjectionPercent', 'maxEjectionPercent', 'Max ejected', HEALTH_CHECK_LIMITS.maxEjectionPercent],
];

/** The API field (`healthCheck.passiveWindow`, lower-cased) → form field, for server errors. */
export const PASSIVE_SERVER_FIELDS: Readonly<Record<string, PassiveField>> = Object.fromEntries(
  FIELDS.map(([field, setting]) => [`healthcheck.${setting.toLowerCase()}`, field]),
);

export function toPassiveForm(hc: PassiveSettings): PassiveFormValues {
  return {
    hcPassiveFailures: String(hc.passiveFailures),
    hcPassiveFailurePercent: String(hc.passiveFailurePercent),
    hcPassiveWindow: String(hc.passiveWindow),
    hcPassiveMinVolume: String(hc.passiveMinVolume),
    hcMaxEjectionPercent: String(hc.maxEjectionPercent),
  };
}

/** Client-side checks of this part; the server checks again. */
export function validatePassiveForm(values: PassiveFormValues): Partial<Record<PassiveField, string>> {
  const errors: Partial<Record<PassiveField, string>> = {};
  const parsed: Partial<Record<keyof PassiveSettings, number>> = {};
  for (const [field, setting, label, range] of FIELDS) {
    const result = parseIntInRange(values[field], label, range);
    if (result.ok) parsed[setting] = result.value;
    else errors[field] = result.reason;
  }
  if (parsed.passiveWindow !== undefined && parsed.passiveMinVolume !== undefined) {
    const problem = failureRateWindowProblem({ passiveWindow: parsed.passiveWindow, passiveMinVolume: parsed.passiveMinVolume });
    if (problem !== null) errors.hcPassiveWindow = `Window ${problem}.`;
  }
  return errors;
}

/** The body fields of this part (call only when validation passed). */
export function passiveBody(values: PassiveFormValues): PassiveSettings {
  const body = {} as PassiveSettings;
  for (const [field, setting] of FIELDS) body[setting] = Number(values[field].trim());
  return body;
}
