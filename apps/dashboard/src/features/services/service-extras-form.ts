// The service form's remaining documented settings (README "Service options and defaults",
// "Health checks"): slow start, close-on-down, the HTTP check's status range, send-expect's regex
// switch and consistent-hash's load bound. Ranges come from @fulcrum/shared/limits.
import type { HealthCheckDto, StrategyOptionsDto } from '@fulcrum/shared/api';
import { BOUNDED_LOAD_FACTOR, HEALTH_CHECK_LIMITS } from '@fulcrum/shared/limits';
import type { StrategyName } from '@fulcrum/shared/strategies';
import { parseIntInRange } from '../../lib/limits.ts';

/** The form fields of this part. */
export interface ExtrasFormValues {
  hcSlowStartMs: string;
  hcCloseOnDown: boolean;
  hcHttpStatusMin: string;
  hcHttpStatusMax: string;
  hcExpectRegex: boolean;
  /** consistent-hash only; empty = the default (1.25). */
  boundedLoadFactor: string;
}

/** The settings this part shows. */
export type ExtrasSettings = Pick<HealthCheckDto, 'slowStartMs' | 'closeOnDown' | 'httpStatusMin' | 'httpStatusMax' | 'expectRegex'>;

type ExtrasField = keyof ExtrasFormValues;

/** The API field (lower-cased) → form field, for server errors. */
export const EXTRAS_SERVER_FIELDS: Readonly<Record<string, ExtrasField>> = {
  'healthcheck.slowstartms': 'hcSlowStartMs',
  'healthcheck.closeondown': 'hcCloseOnDown',
  'healthcheck.httpstatusmin': 'hcHttpStatusMin',
  'healthcheck.httpstatusmax': 'hcHttpStatusMax',
  'healthcheck.expectregex': 'hcExpectRegex',
  strategyoptions: 'boundedLoadFactor',
  'strategyoptions.boundedloadfactor': 'boundedLoadFactor',
};

export function toExtrasForm(hc: ExtrasSettings, options: StrategyOptionsDto): ExtrasFormValues {
  return {
    hcSlowStartMs: String(hc.slowStartMs),
    hcCloseOnDown: hc.closeOnDown,
    hcHttpStatusMin: String(hc.httpStatusMin),
    hcHttpStatusMax: String(hc.httpStatusMax),
    hcExpectRegex: hc.expectRegex,
    boundedLoadFactor: options.boundedLoadFactor === undefined ? '' : String(options.boundedLoadFactor),
  };
}

/** The load bound typed: undefined = empty (the default), NaN = not a number. */
function loadFactor(text: string): number | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  return /^\d+(\.\d+)?$/.test(trimmed) ? Number(trimmed) : Number.NaN;
}

/** Client-side checks of this part; the server checks again. */
export function validateExtrasForm(values: ExtrasFormValues, hcType: HealthCheckDto['type'], strategy: StrategyName): Partial<Record<ExtrasField, string>> {
  const errors: Partial<Record<ExtrasField, string>> = {};
  const slow = parseIntInRange(values.hcSlowStartMs, 'Slow start', HEALTH_CHECK_LIMITS.slowStartMs);
  if (!slow.ok) errors.hcSlowStartMs = slow.reason;
  if (hcType === 'http') {
    const min = parseIntInRange(values.hcHttpStatusMin, 'Lowest status', HEALTH_CHECK_LIMITS.httpStatusMin);
    const max = parseIntInRange(values.hcHttpStatusMax, 'Highest status', HEALTH_CHECK_LIMITS.httpStatusMax);
    if (!min.ok) errors.hcHttpStatusMin = min.reason;
    if (!max.ok) errors.hcHttpStatusMax = max.reason;
    if (min.ok && max.ok && min.value > max.value) errors.hcHttpStatusMax = `Highest status must not be below the lowest (${min.value}).`;
  }
  if (strategy === 'consistent-hash') {
    const factor = loadFactor(values.boundedLoadFactor);
    if (factor !== undefined && !(factor === BOUNDED_LOAD_FACTOR.off || (factor >= BOUNDED_LOAD_FACTOR.min && factor <= BOUNDED_LOAD_FACTOR.max))) {
      errors.boundedLoadFactor = `Load bound must be 0 (off) or from ${BOUNDED_LOAD_FACTOR.min} to ${BOUNDED_LOAD_FACTOR.max}.`;
    }
  }
  return errors;
}

/** The health-check fields of this part for `hcType` (call only when validation passed). */
export function extrasHealthBody(values: ExtrasFormValues, hcType: HealthCheckDto['type']): Partial<ExtrasSettings> {
  const body: Partial<ExtrasSettings> = { slowStartMs: Number(values.hcSlowStartMs.trim()), closeOnDown: values.hcCloseOnDown };
  if (hcType === 'http') Object.assign(body, { httpStatusMin: Number(values.hcHttpStatusMin.trim()), httpStatusMax: Number(values.hcHttpStatusMax.trim()) });
  if (hcType === 'send-expect') body.expectRegex = values.hcExpectRegex;
  return body;
}

/** The strategy options the form asks for: the load bound only for consistent-hash, kept as it was otherwise. */
export function strategyOptionsBody(values: ExtrasFormValues, strategy: StrategyName, original: StrategyOptionsDto = {}): StrategyOptionsDto {
  if (strategy !== 'consistent-hash') return { ...original };
  const factor = loadFactor(values.boundedLoadFactor);
  const { boundedLoadFactor: _old, ...rest } = original;
  return factor === undefined ? rest : { ...rest, boundedLoadFactor: factor };
}
